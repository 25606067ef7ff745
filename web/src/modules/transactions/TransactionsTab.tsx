import { useState } from 'react';
import { Alert, App, Button, Checkbox, Descriptions, Empty, Flex, Grid, Popconfirm, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { DeleteOutlined, InfoCircleOutlined, PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT, type Translate } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter } from '../../platform/ui';
import { customerKeys, type CustomerView } from '../customers';
import { txKeys, useTransactions, useTransactionSummary, type LineView, type PurchaseSummary, type TransactionType, type TransactionView } from './api';
import { formatArea, formatDate, formatFen } from './money';
import { TransactionForm } from './TransactionForm';

export const TYPE_COLOR: Record<TransactionType, string> = { purchase: 'blue', payment: 'green', refund: 'orange' };

/** Refunds are money going back: shown with a minus. */
const signedAmount = (r: TransactionView) => formatFen(r.type === 'refund' ? -r.amountFen : r.amountFen);

function Summary({ summary, t }: { summary: PurchaseSummary | undefined; t: Translate }) {
  const items: { key: string; title: string; value: string }[] = [
    { key: 'lifetime', title: t('transactions.summary.lifetime'), value: summary ? formatFen(summary.lifetimeSpendFen) : '—' },
    { key: 'count', title: t('transactions.summary.count'), value: summary ? String(summary.count) : '—' },
    { key: 'average', title: t('transactions.summary.average'), value: summary ? formatFen(summary.averageOrderFen) : '—' },
    { key: 'first', title: t('transactions.summary.first'), value: formatDate(summary?.firstAt) },
    { key: 'last', title: t('transactions.summary.last'), value: formatDate(summary?.lastAt) },
    { key: 'refunds', title: t('transactions.summary.refunds'), value: summary ? formatFen(summary.refundsFen) : '—' },
  ];
  return (
    <div
      data-testid="transaction-summary"
      style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))', gap: 12, padding: 12, marginBottom: 12, background: 'rgba(22, 104, 220, 0.04)', borderRadius: 6 }}
    >
      {items.map((i) => (
        <Statistic
          key={i.key}
          title={
            i.key === 'lifetime' ? (
              <Space size={4}>
                {i.title}
                <Tooltip title={t('transactions.summary.hint')}>
                  <InfoCircleOutlined />
                </Tooltip>
              </Space>
            ) : (
              i.title
            )
          }
          value={i.value}
          formatter={() => <span data-testid={`summary-${i.key}`}>{i.value}</span>}
          styles={{ content: { fontSize: i.key === 'lifetime' ? 22 : 18, fontWeight: i.key === 'lifetime' ? 600 : undefined } }}
        />
      ))}
    </div>
  );
}

function Details({ r, t }: { r: TransactionView; t: Translate }) {
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="transaction-details">
      {r.lines.length ? (
        <div style={{ maxWidth: 720 }}>
          <Table<LineView>
            rowKey="position"
            size="small"
            pagination={false}
            dataSource={r.lines}
            columns={[
              { title: t('transactions.product'), dataIndex: 'description' },
              { title: t('transactions.quantity'), dataIndex: 'quantity', align: 'right' },
              { title: t('transactions.unitPriceShort'), dataIndex: 'unitPriceFen', align: 'right', render: (v: number) => formatFen(v) },
              { title: t('transactions.lineTotal'), dataIndex: 'amountFen', align: 'right', render: (v: number) => <span data-testid="detail-line-total">{formatFen(v)}</span> },
            ]}
          />
        </div>
      ) : null}
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, md: 3 }}
        items={[
          ...(r.channel ? [{ key: 'channel', label: t('transactions.channel'), children: r.channel }] : []),
          ...(r.heatingSeason ? [{ key: 'season', label: t('transactions.heatingSeason'), children: r.heatingSeason }] : []),
          ...(r.billedAreaM2 !== null ? [{ key: 'area', label: t('transactions.billedArea'), children: formatArea(r.billedAreaM2) }] : []),
          ...(r.externalId ? [{ key: 'ext', label: t('transactions.externalId'), children: r.externalId }] : []),
          ...(r.notes ? [{ key: 'notes', label: t('transactions.notes'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{r.notes}</span> }] : []),
          ...(r.deletedAt ? [{ key: 'deleted', label: t('common.deleted'), children: formatDateTime(r.deletedAt) }] : []),
        ]}
      />
    </Space>
  );
}

/** Deleting and restoring a transaction; `changed` refreshes the customer's transactions and history. */
function useTxMutations(customerId: string) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const changed = () => {
    void qc.invalidateQueries({ queryKey: txKeys.customer(customerId) });
    void qc.invalidateQueries({ queryKey: customerKeys.history(customerId) });
  };
  const remove = useMutation({
    mutationFn: (r: TransactionView) => api.delete(`/api/v1/transactions/${r.id}`),
    onSuccess: () => {
      message.success(t('transactions.deletedDone'));
      changed();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const restore = useMutation({
    mutationFn: (r: TransactionView) => api.post<TransactionView>(`/api/v1/transactions/${r.id}/restore`),
    onSuccess: () => {
      message.success(t('transactions.restoredDone'));
      changed();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return { changed, remove, restore };
}

/** 交易记录 on the customer 360 page: lifetime figures, the transactions newest first, record / delete / restore. */
export function TransactionsTab({ customer }: { customer: CustomerView }) {
  const t = useT();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [showDeleted, setShowDeleted] = useState(false);
  const [recording, setRecording] = useState(false);
  const writable = can('transaction:write') && !customer.deletedAt;
  const phone = !Grid.useBreakpoint().sm;
  const summary = useTransactionSummary(customer.id);
  const list = useTransactions(customer.id, showDeleted);
  const rows = list.items;

  const { changed, remove, restore } = useTxMutations(customer.id);

  const typeTag = (v: TransactionType) => (
    <Tag color={TYPE_COLOR[v]} data-testid="tx-type">
      {t(`transactions.type.${v}`)}
    </Tag>
  );
  const heating = (r: TransactionView) => {
    const parts = [r.heatingSeason ? t('transactions.seasonArea', { season: r.heatingSeason }) : null, r.billedAreaM2 !== null ? t('transactions.area', { area: formatArea(r.billedAreaM2) }) : null];
    return parts.filter(Boolean).join(' · ') || t('common.none');
  };

  return (
    <div data-testid="transactions-tab">
      <ErrorAlert error={summary.error} onRetry={() => void summary.refetch()} />
      <Summary summary={summary.data} t={t} />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Checkbox checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)}>
          {t('transactions.showDeleted')}
        </Checkbox>
        {writable ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setRecording(true)}>
            {t('transactions.add')}
          </Button>
        ) : null}
      </Flex>
      {showDeleted ? <Alert type="info" showIcon title={t('transactions.deletedOnly')} style={{ marginBottom: 12 }} /> : null}
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <div data-testid="transactions">
        <Table<TransactionView>
          rowKey="id"
          size="small"
          loading={list.isFetching && !list.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: <Empty description={showDeleted ? t('transactions.emptyDeleted') : t('transactions.empty')} /> }}
          expandable={{
            rowExpandable: (r) => r.lines.length > 0 || !!(r.channel || r.heatingSeason || r.billedAreaM2 !== null || r.externalId || r.notes || r.deletedAt),
            expandedRowRender: (r) => <Details r={r} t={t} />,
          }}
          columns={[
            ...(phone
              ? [
                  {
                    // On a phone: date with the type below it, to leave room for the amount.
                    title: t('transactions.date'),
                    key: 'when',
                    render: (_: unknown, r: TransactionView) => (
                      <Space orientation="vertical" size={2}>
                        <span data-testid="tx-date" style={{ whiteSpace: 'nowrap' }}>
                          {formatDate(r.occurredAt)}
                        </span>
                        {typeTag(r.type)}
                      </Space>
                    ),
                  },
                ]
              : [
                  { title: t('transactions.date'), dataIndex: 'occurredAt', render: (v: string) => <span data-testid="tx-date" style={{ whiteSpace: 'nowrap' }}>{formatDate(v)}</span> },
                  { title: t('transactions.type'), dataIndex: 'type', render: (v: TransactionType) => typeTag(v) },
                ]),
            {
              title: t('transactions.amount'),
              key: 'amount',
              align: 'right',
              render: (_, r) => (
                <Typography.Text strong type={r.type === 'refund' ? 'danger' : undefined} data-testid="tx-amount" style={{ whiteSpace: 'nowrap' }}>
                  {signedAmount(r)}
                </Typography.Text>
              ),
            },
            { title: t('transactions.channel'), dataIndex: 'channel', responsive: ['sm'], render: (v: string | null) => v ?? t('common.none') },
            { title: t('transactions.heating'), key: 'heating', responsive: ['md'], render: (_, r) => <span data-testid="tx-heating">{heating(r)}</span> },
            {
              title: t('transactions.lines'),
              key: 'lines',
              responsive: ['md'],
              render: (_, r) => (r.lines.length ? t('transactions.linesCount', { n: r.lines.length }) : t('common.none')),
            },
            {
            title: t('transactions.notes'),
            dataIndex: 'notes',
            responsive: ['lg'],
            render: (v: string | null) => (v ? <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: 240 }}>{v}</Typography.Text> : ''),
          },
            ...(writable
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, r: TransactionView) =>
                      r.deletedAt ? (
                        <Button size="small" icon={<RollbackOutlined />} loading={restore.isPending && restore.variables?.id === r.id} onClick={() => restore.mutate(r)}>
                          {t('common.restore')}
                        </Button>
                      ) : (
                        <Popconfirm
                          title={t('transactions.deleteConfirm')}
                          okText={t('common.delete')}
                          okButtonProps={{ danger: true }}
                          cancelText={t('common.cancel')}
                          onConfirm={() => remove.mutate(r)}
                        >
                          <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} loading={remove.isPending && remove.variables?.id === r.id} />
                        </Popconfirm>
                      ),
                  },
                ]
              : []),
          ]}
        />
      </div>
      <LoadMoreFooter shown={rows.length ? t('transactions.shown', { n: rows.length }) : null} count={rows.length} query={list} />
      {writable ? (
        <TransactionForm
          customerId={customer.id}
          open={recording}
          onClose={() => setRecording(false)}
          onSaved={() => {
            message.success(t('transactions.recorded'));
            setRecording(false);
            setShowDeleted(false);
            changed();
          }}
        />
      ) : null}
    </div>
  );
}
