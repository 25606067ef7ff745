import { Link } from 'react-router';
import { App, Button, Flex, Popconfirm, Table } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter } from '../../platform/ui';
import { loyaltyKeys, points, useRedemptions, type Days, type RedemptionView } from './api';
import { DayRangeFilter, useLoyaltyParams } from './filters';
import { RedemptionStatus } from './parts';

/** 取消兑换: the points come back and the stock returns (the server refuses a second cancel with 409). */
function CancelButton({ redemption }: { redemption: RedemptionView }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api.post<RedemptionView>(`/api/v1/loyalty/redemptions/${redemption.id}/cancel`),
    onSuccess: () => {
      message.success(t('loy.redemptions.cancelled'));
      void qc.invalidateQueries({ queryKey: loyaltyKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Popconfirm title={t('loy.redemptions.cancelConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => cancel.mutate()}>
      <Button size="small" danger loading={cancel.isPending} data-testid="loy-redemption-cancel">
        {t('loy.redemptions.cancel')}
      </Button>
    </Popconfirm>
  );
}

/** 兑换记录 on the /loyalty page: everyone's, on the days in the address (`?from=&to=`, the home tile's 本月已兑换). */
export function RedemptionsTab() {
  const { days, set } = useLoyaltyParams();
  return (
    <>
      <Flex wrap gap={8} style={{ marginBottom: 12 }}>
        <DayRangeFilter days={days} onChange={(d) => set(d)} testId="loy-redemptions-days" />
      </Flex>
      <RedemptionsTable days={days} />
    </>
  );
}

/** Redemptions, newest first: everyone's (the /loyalty page, on `days`) or one member's (`customerId`, the 360 tab). */
export function RedemptionsTable({ customerId, days }: { customerId?: string; days?: Days }) {
  const t = useT();
  const { can } = useAuth();
  const list = useRedemptions(customerId, days);
  const columns = [
    { title: t('loy.col.time'), dataIndex: 'createdAt', width: 140, render: (v: string) => formatDateTime(v) },
    ...(customerId
      ? []
      : [
          {
            title: t('loy.col.customer'),
            key: 'customer',
            render: (_: unknown, r: RedemptionView) => <Link to={`/customers/${r.customerId}?tab=loyalty`}>{r.customerName}</Link>,
          },
        ]),
    { title: t('loy.col.reward'), dataIndex: 'rewardName', render: (v: string) => <span data-testid="loy-redemption-reward">{v}</span> },
    { title: t('loy.col.quantity'), dataIndex: 'quantity', width: 60, align: 'right' as const },
    { title: t('loy.col.points'), dataIndex: 'points', width: 90, align: 'right' as const, render: (v: number) => points(v) },
    { title: t('loy.col.channel'), dataIndex: 'channel', width: 90, render: (v: RedemptionView['channel']) => t(`loy.channel.${v}`) },
    { title: t('loy.col.status'), dataIndex: 'status', width: 80, render: (v: RedemptionView['status']) => <RedemptionStatus status={v} /> },
    { title: t('loy.col.by'), dataIndex: 'createdByName', width: 100, render: (v: string | null) => v ?? '—' },
    ...(can('loyalty:write')
      ? [{ title: t('common.actions'), key: 'actions', width: 100, render: (_: unknown, r: RedemptionView) => (r.status === 'done' ? <CancelButton redemption={r} /> : null) }]
      : []),
  ];
  return (
    <div data-testid="loy-redemptions">
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<RedemptionView>
        rowKey="id"
        size="small"
        loading={list.isPending && list.fetchStatus !== 'idle'}
        dataSource={list.items}
        columns={columns}
        pagination={false}
        scroll={{ x: 760 }}
        locale={{ emptyText: t('loy.redemptions.empty') }}
        onRow={() => ({ 'data-testid': 'loy-redemption-row' }) as React.HTMLAttributes<HTMLElement>}
      />
      {list.items.length ? <LoadMoreFooter shown={t('loy.redemptions.shown', { n: list.items.length })} count={list.items.length} query={list} /> : null}
    </div>
  );
}
