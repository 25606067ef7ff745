import { Link } from 'react-router';
import { App, Button, Card, Grid, Table, Tag, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { cancelImport, importKeys, isActive, isFinished, useRecentImports, type ImportJobView, type ImportStatus } from './api';

const STATUS_COLOR: Record<ImportStatus, string> = {
  pending: 'default',
  queued: 'processing',
  running: 'processing',
  done: 'success',
  failed: 'error',
  cancelled: 'warning',
  expired: 'default',
};

/** Cancelled before it started: the file was uploaded and then given up at the mapping step. */
const discarded = (j: ImportJobView): boolean => j.status === 'cancelled' && !j.startedAt && j.processedRows === 0;

/** The recent imports (the user's own, or everyone's for the "all" data scope); a finished one opens its report. */
export function RecentImports({ current }: { current?: string }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const isPhone = !Grid.useBreakpoint().md;
  const list = useRecentImports();
  const discard = useMutation({
    mutationFn: (id: string) => cancelImport(id),
    onSuccess: () => void qc.invalidateQueries({ queryKey: importKeys.list }),
    onError: (err) => message.error(errorMessage(err)),
  });
  const counts = (j: ImportJobView) => t('imports.counts', { created: j.created, updated: j.updated, skipped: j.skipped, rejected: j.rejected });

  return (
    <Card size="small" title={t('imports.recent')} style={{ marginTop: 16 }}>
      <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      <Table<ImportJobView>
        rowKey="id"
        size="small"
        loading={list.isFetching && !list.data}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('imports.recentEmpty') }}
        data-testid="recent-imports"
        rowClassName={(j) => (j.id === current ? 'ant-table-row-selected' : '')}
        columns={[
          ...(isPhone ? [] : [{ title: t('imports.recent.time'), dataIndex: 'createdAt', render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(v)}</span> }]),
          {
            title: t('imports.recent.file'),
            key: 'file',
            render: (_: unknown, j: ImportJobView) => (
              <div style={{ maxWidth: isPhone ? 170 : 320 }}>
                <Typography.Text strong ellipsis={{ tooltip: j.fileName }} style={{ maxWidth: '100%' }} data-testid="recent-file">
                  {j.fileName}
                </Typography.Text>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`imports.kind.${j.kind}`)}
                    {isPhone ? ` · ${formatDateTime(j.createdAt)}` : j.createdByName ? ` · ${j.createdByName}` : ''}
                  </Typography.Text>
                </div>
                {isPhone && j.status !== 'pending' && j.status !== 'expired' && !discarded(j) ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {counts(j)}
                  </Typography.Text>
                ) : null}
              </div>
            ),
          },
          {
            title: t('imports.recent.status'),
            dataIndex: 'status',
            render: (s: ImportStatus, j: ImportJobView) => (
              <Tag color={discarded(j) ? 'default' : STATUS_COLOR[s]} data-testid="recent-status">
                {discarded(j) ? t('imports.status.discarded') : t(`imports.status.${s}`)}
                {s === 'running' ? ` ${Math.floor(j.progress * 100)}%` : ''}
              </Tag>
            ),
          },
          ...(isPhone
            ? []
            : [
                {
                  title: t('imports.recent.result'),
                  key: 'result',
                  render: (_: unknown, j: ImportJobView) =>
                    j.status === 'pending' || j.status === 'expired' || discarded(j) ? t('common.none') : <span style={{ whiteSpace: 'nowrap' }}>{counts(j)}</span>,
                },
              ]),
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, j: ImportJobView) =>
              discarded(j) ? null : isFinished(j.status) ? (
                <Link to={`/imports/${j.id}`} style={{ whiteSpace: 'nowrap' }}>
                  {t('imports.open')}
                </Link>
              ) : isActive(j.status) ? (
                <Link to={`/imports/${j.id}`} style={{ whiteSpace: 'nowrap' }}>
                  {t('imports.openProgress')}
                </Link>
              ) : (
                <Button size="small" loading={discard.isPending && discard.variables === j.id} onClick={() => discard.mutate(j.id)}>
                  {t('imports.discard')}
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}
