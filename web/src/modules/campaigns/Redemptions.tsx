import { useState } from 'react';
import { App, Button, Card, Flex, Form, Input, InputNumber, Select, Table } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { displayCurrencySymbol, formatDateTime } from '../../platform/format';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { KeysetPager } from '../../platform/KeysetPager';
import { useDebounced } from '../../platform/useDebounced';
import { ErrorAlert, FormErrors } from '../../platform/ui';
import { campaignKeys, useCustomerSearch, useRedemptions, yuan, type CampaignView, type RedemptionView } from './api';

type Values = { code?: string; customerId?: string | null; orderYuan?: number | null };

/** 登记核销: a code, the customer for a shared code, the order amount; the server's message on the field it is about. */
function RecordForm({ campaign }: { campaign: CampaignView }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [banner, setBanner] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const customers = useCustomerSearch(useDebounced(search, 300));
  const shared = campaign.offers.some((o) => o.codeMode === 'shared');
  const record = useMutation({
    mutationFn: (v: Values) =>
      api.post<RedemptionView>(`/api/v1/campaigns/${campaign.id}/redemptions`, {
        code: v.code ?? '',
        customerId: v.customerId || undefined,
        orderFen: v.orderYuan == null ? undefined : Math.round(v.orderYuan * 100),
      }),
    onSuccess: (r) => {
      setBanner([]);
      message.success(t('campaigns.redemptions.recorded', { code: r.code, discount: yuan(r.discountFen, displayCurrencySymbol()) }));
      form.resetFields();
      void qc.invalidateQueries({ queryKey: campaignKeys.all });
    },
    onError: (err) => setBanner(applyServerErrors(form, err, (f) => (f === 'orderFen' ? 'orderYuan' : f))),
  });
  return (
    <Card size="small" title={t('campaigns.redemptions.record')} style={{ marginBottom: 16 }}>
      <FormErrors errors={banner} />
      <Form<Values> form={form} layout="vertical" onFinish={(v) => record.mutate(v)} data-testid="redeem-form">
        <Flex gap={12} wrap align="start">
          <Form.Item
            name="code"
            label={t('campaigns.redemptions.code')}
            style={{ minWidth: 200 }}
            rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('campaigns.redemptions.code') }) }]}
          >
            <Input maxLength={40} data-testid="redeem-code" />
          </Form.Item>
          {shared ? (
            <Form.Item name="customerId" label={t('campaigns.redemptions.customer')} style={{ minWidth: 220 }}>
              <Select
                allowClear
                showSearch={{ filterOption: false, onSearch: setSearch }}
                placeholder={t('campaigns.redemptions.customerSearch')}
                loading={customers.isFetching}
                options={(customers.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
                data-testid="redeem-customer"
              />
            </Form.Item>
          ) : null}
          <Form.Item name="orderYuan" label={t('campaigns.redemptions.order')}>
            <InputNumber min={0} precision={2} prefix="¥" data-testid="redeem-order" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label=" ">
            <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="redeem-submit">
              {t('campaigns.redemptions.record')}
            </Button>
          </Form.Item>
        </Flex>
      </Form>
    </Card>
  );
}

const PAGE = 20;

/** 核销记录: the campaign's redemptions, newest first, and the form to record one. */
export function Redemptions({ campaign }: { campaign: CampaignView }) {
  const t = useT();
  const { can } = useAuth();
  const list = useRedemptions(campaign.id, PAGE);
  const money = (fen: number | null) => yuan(fen, displayCurrencySymbol());
  return (
    <>
      {can('campaign:manage') && campaign.launchedAt && campaign.status !== 'cancelled' ? <RecordForm campaign={campaign} /> : null}
      {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
      <Table<RedemptionView>
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: 720 }}
        locale={{ emptyText: t('campaigns.redemptions.empty') }}
        data-testid="redemptions"
        columns={[
          { title: t('campaigns.redemptions.col.code'), dataIndex: 'code', render: (c: string) => <span data-testid="redemption-code">{c}</span> },
          { title: t('campaigns.redemptions.col.customer'), dataIndex: 'customerName' },
          { title: t('campaigns.redemptions.col.order'), dataIndex: 'orderFen', align: 'right', render: money },
          { title: t('campaigns.redemptions.col.discount'), dataIndex: 'discountFen', align: 'right', render: money },
          { title: t('campaigns.redemptions.col.source'), dataIndex: 'source', render: (s: RedemptionView['source']) => t(`campaigns.source.${s}`) },
          { title: t('campaigns.redemptions.col.at'), dataIndex: 'redeemedAt', render: (v: string) => formatDateTime(v) },
        ]}
      />
      <KeysetPager list={list} testId="redemptions" />
    </>
  );
}
