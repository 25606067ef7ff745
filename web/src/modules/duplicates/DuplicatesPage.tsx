import { Link, useNavigate, useSearchParams } from 'react-router';
import { App, Button, Card, Empty, Flex, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { EnvironmentOutlined, MailOutlined, PhoneOutlined, SwapOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, Loading, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { customerKeys, type CustomerView, CustomerName, formatAddress } from '../customers';
import { DUPLICATE_REASONS, dupKeys, useMerges, usePairs, type DuplicateReason, type MergeView, type Pair } from './api';

export const REASON_COLOR: Record<DuplicateReason, string> = { phone: 'blue', email: 'cyan', id_number: 'purple', name_address: 'orange' };

function Side({ c }: { c: CustomerView }) {
  const t = useT();
  const address = formatAddress(c.address);
  return (
    <div style={{ flex: '1 1 240px', minWidth: 0 }} data-testid="pair-customer">
      <Typography.Text strong>
        <CustomerName customer={c} />
      </Typography.Text>
      {c.phones.length ? (
        <div>
          <Typography.Text type="secondary">
            <PhoneOutlined /> {c.phones.join(t('sep.comma'))}
          </Typography.Text>
        </div>
      ) : null}
      {c.email ? (
        <div>
          <Typography.Text type="secondary">
            <MailOutlined /> {c.email}
          </Typography.Text>
        </div>
      ) : null}
      {address ? (
        <div>
          <Typography.Text type="secondary">
            <EnvironmentOutlined /> {address}
          </Typography.Text>
        </div>
      ) : null}
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('field.createdAt')} {formatDateTime(c.createdAt)}
        </Typography.Text>
      </div>
    </div>
  );
}

function Candidates() {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const reasonParam = params.get('reason');
  const reason = (DUPLICATE_REASONS as readonly string[]).includes(reasonParam ?? '') ? (reasonParam as DuplicateReason) : null;
  const pairs = usePairs(reason);
  const dismiss = useMutation({
    mutationFn: (p: Pair) => api.post('/api/v1/customers/duplicates/dismiss', { customerId: p.a.id, otherId: p.b.id }),
    onSuccess: () => {
      message.success(t('dup.dismissed'));
      void qc.invalidateQueries({ queryKey: dupKeys.all });
      void qc.invalidateQueries({ queryKey: customerKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const items = pairs.items;

  return (
    <>
      <Flex justify="end" style={{ marginBottom: 12 }}>
        <Select
          aria-label={t('dup.reasonFilter')}
          style={{ minWidth: 200 }}
          value={reason ?? ''}
          onChange={(v: string) => setParams(v ? { reason: v } : {}, { replace: true })}
          options={[{ value: '', label: t('dup.reasonAll') }, ...DUPLICATE_REASONS.map((r) => ({ value: r, label: t(`dup.reason.${r}`) }))]}
        />
      </Flex>
      {pairs.error ? <ErrorAlert error={pairs.error} onRetry={() => void pairs.refetch()} /> : null}
      {pairs.isPending ? (
        <Loading />
      ) : !items.length ? (
        <Empty description={t('dup.empty')} />
      ) : (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {items.map((p) => (
            <Card key={`${p.a.id}:${p.b.id}`} size="small" data-testid="duplicate-pair">
              <Flex wrap gap={6} style={{ marginBottom: 8 }}>
                {p.reasons.map((r) => (
                  <Tag key={r} color={REASON_COLOR[r]} data-testid="pair-reason">
                    {t(`dup.reason.${r}`)}
                  </Tag>
                ))}
              </Flex>
              <Flex wrap gap={16} align="start">
                <Side c={p.a} />
                <SwapOutlined style={{ marginTop: 4, color: '#999' }} aria-hidden />
                <Side c={p.b} />
              </Flex>
              <Flex wrap gap={8} justify="end" style={{ marginTop: 8 }}>
                <Popconfirm
                  title={t('dup.dismissConfirm', { a: p.a.name, b: p.b.name })}
                  okText={t('dup.dismiss')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => dismiss.mutate(p)}
                >
                  <Button loading={dismiss.isPending && dismiss.variables?.a.id === p.a.id && dismiss.variables?.b.id === p.b.id}>{t('dup.dismiss')}</Button>
                </Popconfirm>
                <Button type="primary" onClick={() => navigate(`/duplicates/compare/${p.a.id}/${p.b.id}`)}>
                  {t('dup.compare')}
                </Button>
              </Flex>
            </Card>
          ))}
        </Space>
      )}
      {items.length ? <LoadMoreFooter shown={t('dup.shown', { n: items.length })} count={items.length} query={pairs} /> : null}
    </>
  );
}

function Merges() {
  const t = useT();
  const merges = useMerges();
  const items = merges.items;
  if (merges.error) return <ErrorAlert error={merges.error} onRetry={() => void merges.refetch()} />;
  return (
    <>
      <Table<MergeView>
        rowKey="id"
        size="middle"
        loading={merges.isPending}
        dataSource={items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('dup.merges.empty')} /> }}
        columns={[
          {
            title: t('dup.col.merge'),
            key: 'merge',
            render: (_: unknown, m) => (
              <Space size={4} wrap>
                <Link to={`/customers/${m.mergedId}`}>{m.mergedName}</Link>
                <span aria-hidden>→</span>
                <Link to={`/customers/${m.survivorId}`}>{m.survivorName}</Link>
              </Space>
            ),
          },
          { title: t('dup.col.time'), dataIndex: 'mergedAt', width: 150, render: (v: string) => formatDateTime(v) },
          { title: t('dup.col.by'), dataIndex: 'mergedByName', width: 120, render: (v: string | null) => v ?? t('common.none') },
          {
            title: t('dup.col.status'),
            key: 'status',
            width: 100,
            render: (_: unknown, m) => (m.undoneAt ? <Tag>{t('dup.status.undone')}</Tag> : <Tag color="green">{t('dup.status.merged')}</Tag>),
          },
          {
            title: t('dup.col.actions'),
            key: 'actions',
            width: 90,
            render: (_: unknown, m) => (
              <Link to={`/duplicates/merges/${m.id}`}>
                <Button size="small">{t('dup.open')}</Button>
              </Link>
            ),
          },
        ]}
      />
      {items.length ? <LoadMoreFooter shown={t('dup.shown', { n: items.length })} count={items.length} query={merges} /> : null}
    </>
  );
}

/** 重复客户: the candidate pairs (with reasons, compare, dismiss) and the merges made (each can be opened and undone). */
export function DuplicatesPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'merges' ? 'merges' : 'candidates';
  return (
    <>
      <PageHeader title={t('dup.title')} subtitle={t('dup.intro')} />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'merges' ? { tab: k } : {}, { replace: true })}
          items={[
            { key: 'candidates', label: t('dup.tab.candidates'), children: tab === 'candidates' ? <Candidates /> : null },
            { key: 'merges', label: t('dup.tab.merges'), children: tab === 'merges' ? <Merges /> : null },
          ]}
        />
      </Card>
    </>
  );
}
