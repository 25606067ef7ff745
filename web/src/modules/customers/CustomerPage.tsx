import { Fragment, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { Alert, App, Button, Card, Grid, Popconfirm, Space, Tabs, Tag } from 'antd';
import { DeleteOutlined, EditOutlined, RollbackOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, PageHeader } from '../../platform/ui';
import { customerKeys, useCustomer, type CustomerView, type RevealResult } from './api';
import { KindIcon } from './CustomerSummary';
import { STAGE_COLOR } from './labels';
import { customerActions, customerTabs } from './tabs';
import './tabs.builtin';
import { MergedBanner } from '../duplicates';
import { SummaryBand } from './SummaryBand';

/** The customer 360 page: header with actions, the summary band (each module's figures), then the registered tabs (概况, 联系人, 变更历史 …). */
export function CustomerPage() {
  const { id = '' } = useParams();
  const customer = useCustomer(id);
  if (customer.isPending) return <Loading />;
  if (customer.error) return <ErrorAlert error={customer.error} onRetry={() => void customer.refetch()} />;
  return <Customer360 key={customer.data.id} customer={customer.data} />;
}

function Customer360({ customer: c }: { customer: CustomerView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const [revealed, setRevealed] = useState<RevealResult | null>(null);
  const [revealing, setRevealing] = useState(false);

  const refreshAll = () => {
    void qc.invalidateQueries({ queryKey: customerKeys.all });
  };
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/customers/${c.id}`, { version: c.version }),
    onSuccess: () => {
      message.success(t('customers.deletedDone'));
      refreshAll();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const restore = useMutation({
    mutationFn: () => api.post<CustomerView>(`/api/v1/customers/${c.id}/restore`),
    onSuccess: (r) => {
      message.success(t('customers.restored', { name: r.name }));
      refreshAll();
    },
    onError: (err) => message.error(errorMessage(err)),
  });

  const reveal = async () => {
    setRevealing(true);
    try {
      setRevealed(await api.post<RevealResult>(`/api/v1/customers/${c.id}/reveal`, { fields: ['phones', 'idNumber'] }));
      void qc.invalidateQueries({ queryKey: customerKeys.history(c.id) });
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setRevealing(false);
    }
  };

  const tabs = customerTabs(c);
  const wanted = params.get('tab');
  const active = tabs.some((tab) => tab.key === wanted) ? wanted! : (tabs[0]?.key ?? 'profile');
  const ctx = { customer: c, revealed, reveal, revealing };
  const showTab = (k: string) => setParams(k === tabs[0]?.key ? {} : { tab: k }, { replace: true });

  return (
    <>
      <PageHeader
        back="/customers"
        title={
          <Space wrap size={8}>
            <KindIcon kind={c.kind} />
            <span data-testid="customer-name">{c.name}</span>
            <Tag color={STAGE_COLOR[c.stage]}>{t(`stage.${c.stage}`)}</Tag>
            {c.deletedAt ? <Tag color="red">{t('common.deleted')}</Tag> : null}
          </Space>
        }
        extra={
          c.deletedAt ? (
            can('customer:delete') && !c.mergedIntoId ? (
              <Button icon={<RollbackOutlined />} loading={restore.isPending} onClick={() => restore.mutate()}>
                {t('common.restore')}
              </Button>
            ) : null
          ) : (
            <>
              {customerActions().map((a) => (
                <Fragment key={a.key}>{a.render({ ...ctx, showTab })}</Fragment>
              ))}
              {can('customer:write') ? (
                <Button type="primary" icon={<EditOutlined />} onClick={() => navigate(`/customers/${c.id}/edit`)}>
                  {t('common.edit')}
                </Button>
              ) : null}
              {can('customer:delete') ? (
                <Popconfirm
                  title={t('customers.deleteConfirm', { name: c.name })}
                  okText={t('common.delete')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                  onConfirm={() => remove.mutate()}
                >
                  <Button danger icon={<DeleteOutlined />} loading={remove.isPending}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              ) : null}
            </>
          )
        }
      />
      {c.mergedIntoId ? <MergedBanner customer={c} /> : c.deletedAt ? <Alert type="warning" showIcon title={t('customers.deletedBanner', { time: formatDateTime(c.deletedAt) })} style={{ marginBottom: 12 }} /> : null}
      <SummaryBand customerId={c.id} />
      <Card size={screens.md ? 'medium' : 'small'}>
        <Tabs
          activeKey={active}
          onChange={showTab}
          items={tabs.map((tab) => ({ key: tab.key, label: t(tab.label), children: tab.render(ctx) }))}
        />
      </Card>
    </>
  );
}
