import { Empty, Table, Timeline, Typography } from 'antd';
import { formatDateTime } from '../../platform/format';
import { useI18n, useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, Loading } from '../../platform/ui';
import { lastDay, points, tierLabel, useLedger, useProgramme, useTierHistory, type LedgerEntryView, type LedgerKind } from './api';
import { KindTag, PointsDelta } from './parts';

const CREDITS: LedgerKind[] = ['earn', 'bonus'];

/** 积分明细: the member's entries, newest first — kind, points ±, reason, the balance after, time in the company's zone. */
export function LedgerTable({ customerId }: { customerId: string }) {
  const t = useT();
  const ledger = useLedger(customerId, true);
  return (
    <div data-testid="loy-ledger">
      <ErrorAlert error={ledger.error} onRetry={() => void ledger.refetch()} />
      <Table<LedgerEntryView>
        rowKey="id"
        size="small"
        loading={ledger.isPending && ledger.fetchStatus !== 'idle'}
        dataSource={ledger.items}
        pagination={false}
        scroll={{ x: 820 }}
        locale={{ emptyText: t('loy.ledger.empty') }}
        onRow={(r) => ({ 'data-testid': 'loy-ledger-row', 'data-kind': r.kind }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('loy.col.time'), dataIndex: 'occurredAt', width: 140, render: (v: string) => <span data-testid="loy-ledger-time">{formatDateTime(v)}</span> },
          { title: t('loy.col.kind'), dataIndex: 'kind', width: 80, render: (k: LedgerKind) => <KindTag kind={k} /> },
          { title: t('loy.col.points'), dataIndex: 'points', width: 90, align: 'right', render: (v: number) => <PointsDelta value={v} /> },
          { title: t('loy.col.reason'), dataIndex: 'reason', render: (v: string) => <span data-testid="loy-ledger-reason">{v}</span> },
          { title: t('loy.col.balanceAfter'), dataIndex: 'balance', width: 90, align: 'right', render: (v: number) => <span data-testid="loy-ledger-balance">{points(v)}</span> },
          {
            title: t('loy.col.expiresAt'),
            dataIndex: 'expiresAt',
            width: 110,
            render: (v: string | null, r) => (!v || !CREDITS.includes(r.kind) ? '—' : v.startsWith('9999') ? t('loy.prog.expiry.never') : lastDay(v)),
          },
          { title: t('loy.col.by'), dataIndex: 'createdByName', width: 100, render: (v: string | null) => v ?? '—' },
        ]}
      />
      {ledger.items.length ? <LoadMoreFooter shown={t('loy.ledger.shown', { n: ledger.items.length })} count={ledger.items.length} query={ledger} /> : null}
    </div>
  );
}

/** 等级变化: joins, upgrades, review results and manual changes, newest first, with the growth value that decided them. */
export function TierHistory({ customerId }: { customerId: string }) {
  const t = useT();
  const { lang } = useI18n();
  const programme = useProgramme();
  const history = useTierHistory(customerId, true);
  if (history.isPending) return <Loading />;
  if (history.error) return <ErrorAlert error={history.error} onRetry={() => void history.refetch()} />;
  if (!history.data.length) return <Empty description={t('loy.tiers.empty')} />;
  return (
    <Timeline
      data-testid="loy-tier-history"
      items={history.data.map((c) => ({
        key: c.id,
        content: (
          <>
            <Typography.Text strong>
              {c.fromTier ? `${tierLabel(programme.data, c.fromTier, lang)} → ` : ''}
              {tierLabel(programme.data, c.toTier, lang)}
            </Typography.Text>{' '}
            <Typography.Text type="secondary">
              {t(`loy.tierReason.${c.reason}`)} · {t('loy.tiers.growth', { n: points(c.growth) })} · {formatDateTime(c.at)}
            </Typography.Text>
          </>
        ),
      }))}
    />
  );
}
