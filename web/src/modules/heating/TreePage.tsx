import { useMemo, useState, type HTMLAttributes } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Space, Table, Typography, type TableColumnsType } from 'antd';
import { SoundOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { formatFen } from '../transactions';
import { customersUrl, fetchTreeLevel, heatingKeys, useTreeRoot, type Target, type TreeLevel, type TreeNode } from './api';
import { NoticeDialog } from './NoticeDialog';

/** A row of the tree table: a node with its path; `children` is [] until opened (so it shows the expand icon). */
type Row = TreeNode & { id: string; level: TreeLevel; target: Target; children?: Row[] };

const NEXT: Record<TreeLevel, TreeLevel | null> = { compound: 'building', building: 'unit', unit: null };

function rowsOf(items: TreeNode[], level: TreeLevel, parent: Target): Row[] {
  return items.map((n) => {
    const target: Target = { ...parent, [level]: n.key ?? undefined };
    const id = `${level}:${JSON.stringify([parent.compound ?? null, parent.building ?? null, n.key])}`;
    // A node without a name cannot be opened (the list filters by a name), nor one at the last level.
    return { ...n, id, level, target, ...(n.key !== null && NEXT[level] ? { children: [] } : {}) };
  });
}

/** 小区楼栋: compounds → buildings → units, each level loaded when its parent opens, with counts per node. */
export function TreePage() {
  const t = useT();
  const { can } = useAuth();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const root = useTreeRoot();
  /** Children loaded so far, by the parent row's id. */
  const [loaded, setLoaded] = useState<Record<string, Row[]>>({});
  const [loading, setLoading] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<unknown>(null);
  const [notify, setNotify] = useState<Target | null>(null);

  const data = useMemo(() => {
    const attach = (rows: Row[]): Row[] => rows.map((r) => (r.children && loaded[r.id] ? { ...r, children: attach(loaded[r.id]!) } : r));
    return attach(rowsOf(root.data?.items ?? [], 'compound', {}));
  }, [root.data, loaded]);

  const open = async (row: Row) => {
    if (loaded[row.id] || loading[row.id]) return;
    setLoading((l) => ({ ...l, [row.id]: true }));
    try {
      const level = await qc.fetchQuery({ queryKey: heatingKeys.tree(row.target), queryFn: ({ signal }) => fetchTreeLevel(row.target, signal) });
      setLoaded((m) => ({ ...m, [row.id]: rowsOf(level.items, level.level, row.target) }));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading((l) => ({ ...l, [row.id]: false }));
    }
  };

  const name = (r: Row) => {
    const label = r.key ?? t(`heating.unnamed.${r.level}`);
    return (
      <Space size={4}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t(`heating.level.${r.level}`)}
        </Typography.Text>
        {r.key === null ? label : <Link to={customersUrl(r.target)} data-testid="tree-node-link">{label}</Link>}
      </Space>
    );
  };
  const columns: TableColumnsType<Row> = [
    { key: 'name', title: t('heating.col.name'), render: (_, r) => name(r) },
    { key: 'households', title: t('heating.col.households'), dataIndex: 'households', align: 'right', width: 100 },
    { key: 'openTickets', title: t('heating.col.openTickets'), dataIndex: 'openTickets', align: 'right', width: 100 },
    { key: 'arrearsHouseholds', title: t('heating.col.arrearsHouseholds'), dataIndex: 'arrearsHouseholds', align: 'right', width: 100 },
    { key: 'arrearsFen', title: t('heating.col.arrearsFen'), align: 'right', width: 140, render: (_, r) => (r.arrearsFen ? formatFen(r.arrearsFen) : '—') },
    {
      key: 'actions',
      title: t('heating.col.actions'),
      width: 200,
      render: (_, r) =>
        r.key === null ? null : (
          <Space size={0}>
            <Button type="link" size="small" onClick={() => void navigate(customersUrl(r.target))}>
              {t('heating.customers')}
            </Button>
            {can('ticket:manage') ? (
              <Button type="link" size="small" icon={<SoundOutlined />} onClick={() => setNotify(r.target)} data-testid="tree-notify">
                {t('heating.notify')}
              </Button>
            ) : null}
          </Space>
        ),
    },
  ];

  return (
    <>
      <PageHeader title={t('heating.tree.title')} subtitle={t('heating.tree.subtitle')} />
      {root.error ? <ErrorAlert error={root.error} onRetry={() => void root.refetch()} /> : null}
      {error ? <ErrorAlert error={error} /> : null}
      <Card size="small">
        <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8, fontSize: 12 }} data-testid="tree-arrears-as-of">
          {root.data?.arrearsAsOf ? t('heating.arrearsAsOf', { time: formatDateTime(root.data.arrearsAsOf) }) : t('heating.arrearsLive')}
        </Typography.Text>
        <div data-testid="heating-tree">
        <Table<Row>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data}
          loading={root.isPending}
          pagination={false}
          scroll={{ x: 760 }}
          locale={{ emptyText: t('heating.empty') }}
          expandable={{ onExpand: (expanded, r) => void (expanded ? open(r) : undefined), indentSize: 20 }}
          rowClassName={(r) => (loading[r.id] ? 'heating-loading' : '')}
          onRow={(r) => ({ 'data-testid': `tree-row-${r.level}`, 'data-key': r.key ?? '' }) as HTMLAttributes<HTMLElement>}
        />
        </div>
      </Card>
      {notify ? <NoticeDialog target={notify} onClose={() => setNotify(null)} onSent={(n) => void navigate(`/heating/notices?id=${n.id}`)} /> : null}
    </>
  );
}
