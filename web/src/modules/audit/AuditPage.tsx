import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Card, DatePicker, Select, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { usePagedList } from '../../platform/usePagedList';
import { endOfDayIso, formatDateTimeSeconds, startOfDayIso } from '../../platform/format';
import { useT, type MessageKey, type Translate } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { roleLabel, useTeams, useUsers } from '../accounts';
import { formatValue, type Lookup } from '../customers';
import type { AuditView } from '../../../../src/modules/audit/audit.contract';
import { AuditChanges, type ValueFormat } from './AuditChanges';

type Filters = { action?: string; entityType?: string; actorId?: string; range?: [Dayjs | null, Dayjs | null] | null };

const ACTIONS = [
  'login', 'login_failed', 'logout', 'setup', 'create', 'update', 'delete', 'restore', 'reveal', 'export',
  'change_password', 'reset_password', 'revoke', 'contact_create', 'contact_update', 'contact_delete', 'rename', 'merge',
] as const;
const ENTITIES = ['customer', 'tag', 'user', 'team', 'role', 'api_token', 'settings'] as const;

function label(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  const s = t(key);
  return s === key ? value : s;
}

/**
 * Filter options: the codes named here (labelled by the web catalogue), then every other code of the loaded entries
 * (labelled by the server, which knows every module's labels).
 */
function options(t: Translate, prefix: string, known: readonly string[], seen: Map<string, string>) {
  const all = new Map(known.map((c) => [c, label(t, prefix, c)]));
  for (const [c, l] of seen) all.set(c, l);
  return [...all].map(([value, text]) => ({ value, label: text }));
}

/** The audit log: filter by action, entity, actor and date; newest first, "load more" pages by keyset. */
export function AuditPage() {
  const t = useT();
  const users = useUsers();
  const teams = useTeams();
  const [filters, setFilters] = useState<Filters>({});
  const query = useMemo(
    () => ({
      action: filters.action,
      entityType: filters.entityType,
      actorId: filters.actorId,
      from: filters.range?.[0] ? startOfDayIso(filters.range[0]) : undefined,
      to: filters.range?.[1] ? endOfDayIso(filters.range[1]) : undefined,
    }),
    [filters],
  );
  const log = usePagedList<AuditView>({ queryKey: ['audit', query], path: '/api/v1/audit', query, limit: 50 });
  const rows = log.items;
  // The codes of the loaded entries with their server labels.
  const seen = useMemo(
    () => ({ action: new Map(rows.map((r) => [r.action, r.actionLabel])), entity: new Map(rows.map((r) => [r.entityType, r.entityLabel])) }),
    [rows],
  );
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const lookup: Lookup = {
    user: (id) => users.data?.find((u) => u.id === id)?.displayName,
    team: (id) => teams.data?.find((tm) => tm.id === id)?.name,
  };
  /** A customer's values as its history tab reads them (stages, owners by name); others by the generic reading. */
  const formatOf = (r: AuditView): ValueFormat | undefined => (r.entityType === 'customer' ? (k, v) => formatValue(t, k, v, lookup) : undefined);
  /** A readable name for the entity where one is at hand (users, teams, roles); otherwise a short id. */
  const entityName = (r: AuditView): string | null => {
    if (!r.entityId) return null;
    if (r.entityType === 'user') return users.data?.find((u) => u.id === r.entityId)?.displayName ?? r.entityId.slice(0, 8);
    if (r.entityType === 'team') return teams.data?.find((tm) => tm.id === r.entityId)?.name ?? r.entityId.slice(0, 8);
    if (r.entityType === 'role') return roleLabel(t, r.entityId);
    return r.entityId.length > 12 ? r.entityId.slice(0, 8) : r.entityId;
  };

  return (
    <>
      <PageHeader title={t('audit.title')} />
      <Typography.Paragraph type="secondary">{t('audit.intro')}</Typography.Paragraph>
      <Card size="small" style={{ marginBottom: 12 }}>
        <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))', gap: 8 }} data-testid="audit-filters">
          <Select
            allowClear
            placeholder={t('audit.action')}
            aria-label={t('audit.action')}
            value={filters.action}
            onChange={(v?: string) => set({ action: v })}
            options={options(t, 'audit.action', ACTIONS, seen.action)}
          />
          <Select
            allowClear
            placeholder={t('audit.entity')}
            aria-label={t('audit.entity')}
            value={filters.entityType}
            onChange={(v?: string) => set({ entityType: v })}
            options={options(t, 'audit.entity', ENTITIES, seen.entity)}
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('audit.actor')}
            aria-label={t('audit.actor')}
            value={filters.actorId}
            onChange={(v?: string) => set({ actorId: v })}
            options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
          />
          <DatePicker.RangePicker
            style={{ gridColumn: 'span 2', minWidth: 0 }}
            value={filters.range ?? null}
            onChange={(r) => set({ range: r })}
            allowEmpty={[true, true]}
            placeholder={[t('common.dateFrom'), t('common.dateTo')]}
          />
        </div>
      </Card>
      <ErrorAlert error={log.error} onRetry={() => void log.refetch()} />
      <Card size="small">
        <Table<AuditView>
          rowKey="id"
          size="small"
          loading={log.isFetching && !log.isFetchingNextPage}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1000 }}
          locale={{ emptyText: t('audit.empty') }}
          columns={[
            { title: t('audit.at'), dataIndex: 'at', width: 170, render: formatDateTimeSeconds },
            {
              title: t('audit.actor'),
              dataIndex: 'actorName',
              width: 140,
              render: (v: string | null, r) => (
                <span>
                  {v ?? label(t, 'audit.via', r.via)}
                  {r.via !== 'session' ? <Typography.Text type="secondary"> · {label(t, 'audit.via', r.via)}</Typography.Text> : null}
                </span>
              ),
            },
            {
              title: t('audit.action'),
              dataIndex: 'actionLabel',
              width: 150,
              render: (v: string, r) => (
                <Tag data-testid="audit-action" title={r.action} style={{ whiteSpace: 'normal' }}>
                  {v}
                </Tag>
              ),
            },
            {
              title: t('audit.entity'),
              key: 'entity',
              width: 200,
              render: (_, r) => (
                <span data-testid="audit-entity">
                  {r.entityLabel}
                  {r.entityId && r.entityType === 'customer' ? (
                    <>
                      {' '}
                      <Link to={`/customers/${r.entityId}`}>{r.entityId.slice(0, 8)}</Link>
                    </>
                  ) : r.entityId ? (
                    <Typography.Text type="secondary"> {entityName(r)}</Typography.Text>
                  ) : null}
                </span>
              ),
            },
            { title: t('audit.changes'), key: 'changes', render: (_, r) => <AuditChanges t={t} entry={r} format={formatOf(r)} /> },
            { title: t('audit.ip'), dataIndex: 'ip', width: 120 },
          ]}
        />
        <LoadMoreFooter shown={t('audit.shown', { n: rows.length })} count={rows.length} query={log} />
      </Card>
    </>
  );
}
