import { useEffect, useRef, type MouseEvent } from 'react';
import { useNavigate } from 'react-router';
import { Alert, App, Button, Flex, Popconfirm, Progress, Result, Space, Statistic, Table, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { download, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, Loading } from '../../platform/ui';
import { customerKeys } from '../customers';
import { txKeys } from '../transactions';
import { cancelImport, importKeys, isActive, isFinished, reportPath, useImportJob, useImportRejects, type ImportJobView, type ImportRejectView } from './api';
import { ImportSteps } from './ImportSteps';

const COUNTS = ['created', 'updated', 'skipped', 'rejected'] as const;

/** Step 3: the progress bar (from the bytes read) with the rows processed and the counts so far. */
function ProgressStep({ job }: { job: ImportJobView }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const stop = useMutation({
    mutationFn: () => cancelImport(job.id),
    onSuccess: (j) => {
      qc.setQueryData(importKeys.job(j.id), j);
      message.info(t('imports.stopped'));
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="import-progress">
      <Typography.Text strong>{job.status === 'queued' ? t('imports.queued') : t('imports.running')}</Typography.Text>
      <Typography.Text type="secondary">{job.fileName}</Typography.Text>
      <Progress percent={Math.floor(job.progress * 100)} status="active" aria-label={t('imports.step.progress')} />
      <Flex gap={8} wrap justify="space-between" align="center">
        <Typography.Text data-testid="import-processed">{t('imports.processed', { n: job.processedRows })}</Typography.Text>
        <Typography.Text type="secondary" data-testid="import-counts">
          {t('imports.counts', { created: job.created, updated: job.updated, skipped: job.skipped, rejected: job.rejected })}
        </Typography.Text>
      </Flex>
      <Flex justify="flex-end">
        <Popconfirm title={t('imports.stopConfirm')} okText={t('imports.stop')} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={() => stop.mutate()}>
          <Button danger loading={stop.isPending}>
            {t('imports.stop')}
          </Button>
        </Popconfirm>
      </Flex>
    </Space>
  );
}

/** The rejected rows: row number, reason, and the row's original cells under the file's headers. */
function Rejects({ job }: { job: ImportJobView }) {
  const t = useT();
  const { message } = App.useApp();
  const rejects = useImportRejects(job.id, job.rejected > 0);
  const items = rejects.data?.pages.flatMap((p) => p.items) ?? [];
  const base = job.fileName.replace(/\.[^.]+$/, '');
  const fallbackName = `${base}-${t('imports.reportSuffix')}.xlsx`;
  const getReport = (e: MouseEvent) => {
    e.preventDefault();
    // Through the API client, so the reasons come in the UI's language.
    download(reportPath(job.id), {}, fallbackName).catch((err: unknown) => message.error(errorMessage(err)));
  };

  if (!job.rejected) return <Alert type="success" showIcon title={t('imports.rejectsNone')} />;
  return (
    <div data-testid="rejects">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('imports.rejects')}
        </Typography.Title>
        <Typography.Link href={reportPath(job.id)} onClick={getReport}>
          <DownloadOutlined /> {t('imports.download')}
        </Typography.Link>
      </Flex>
      <ErrorAlert error={rejects.error} onRetry={() => void rejects.refetch()} />
      <Table<ImportRejectView>
        rowKey="row"
        size="small"
        loading={rejects.isFetching}
        dataSource={items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('imports.rejects.row'),
            dataIndex: 'row',
            fixed: 'left',
            width: 80,
            render: (n: number) => <span data-testid="reject-row" style={{ whiteSpace: 'nowrap' }}>{t('imports.rejects.rowNo', { n })}</span>,
          },
          {
            title: t('imports.rejects.reason'),
            dataIndex: 'reason',
            render: (v: string) => (
              <Typography.Text type="danger" data-testid="reject-reason" style={{ display: 'inline-block', minWidth: 160, maxWidth: 320 }}>
                {v}
              </Typography.Text>
            ),
          },
          ...job.headers.map((h, i) => ({
            key: `cell-${i}`,
            title: h,
            render: (_: unknown, r: ImportRejectView) => (
              <span style={{ display: 'inline-block', maxWidth: 200, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', verticalAlign: 'bottom' }}>
                {r.cells[i] ?? ''}
              </span>
            ),
          })),
        ]}
      />
      <LoadMoreFooter shown={t('imports.rejects.shown', { n: items.length, total: job.rejected })} count={items.length} query={rejects} />
    </div>
  );
}

/** Step 4: how it ended, the four counts, and the rows that were not imported. */
function ReportStep({ job }: { job: ImportJobView }) {
  const t = useT();
  const navigate = useNavigate();
  const result =
    job.status === 'done'
      ? { status: 'success' as const, title: t('imports.result.done'), sub: t('imports.result.doneText', { file: job.fileName, n: job.processedRows }) }
      : job.status === 'failed'
        ? { status: 'error' as const, title: t('imports.result.failed'), sub: job.error ?? job.fileName }
        : { status: 'warning' as const, title: t('imports.result.cancelled'), sub: t('imports.result.cancelledText', { file: job.fileName, n: job.processedRows }) };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="import-report">
      <Result
        status={result.status}
        title={<span data-testid="import-result">{result.title}</span>}
        subTitle={result.sub}
        style={{ padding: '8px 0' }}
        extra={
          <Flex gap={8} wrap justify="center">
            <Button type="primary" onClick={() => navigate(`/imports?kind=${job.kind}`)}>
              {t('imports.again')}
            </Button>
            {job.kind === 'customers' ? <Button onClick={() => navigate('/customers')}>{t('imports.toCustomers')}</Button> : null}
          </Flex>
        }
      />
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(120px, 1fr))', gap: 12 }}>
        {COUNTS.map((k) => (
          <Statistic
            key={k}
            title={t(`imports.count.${k}`)}
            value={job[k]}
            formatter={() => <span data-testid={`stat-${k}`}>{job[k]}</span>}
            styles={{ content: { color: k === 'rejected' && job[k] ? '#cf1322' : undefined } }}
          />
        ))}
      </div>
      <Rejects job={job} />
    </Space>
  );
}

/** An import's own page: progress while it runs (polled), then its report. */
export function ImportJob({ id }: { id: string }) {
  const t = useT();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const job = useImportJob(id);
  const status = job.data?.status;
  const kind = job.data?.kind;

  // When it ends: what it wrote shows elsewhere, and the list of imports changes.
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    const before = seen.current;
    seen.current = status;
    if (!status || !isFinished(status) || before === status) return;
    void qc.invalidateQueries({ queryKey: importKeys.list });
    if (before) {
      void qc.invalidateQueries({ queryKey: importKeys.rejects(id) });
      void qc.invalidateQueries({ queryKey: customerKeys.all });
      if (kind === 'transactions') void qc.invalidateQueries({ queryKey: txKeys.all });
    }
  }, [status, kind, id, qc]);

  if (job.isPending) return <Loading />;
  if (job.error) return <ErrorAlert error={job.error} onRetry={() => void job.refetch()} />;
  const j = job.data;
  if (j.status === 'pending' || j.status === 'expired') {
    return (
      <>
        <ImportSteps current={1} />
        <Alert type="warning" showIcon title={t(j.status === 'expired' ? 'imports.expiredNotice' : 'imports.pendingNotice')} style={{ marginBottom: 16 }} data-testid="import-pending-notice" />
        <Button type="primary" onClick={() => navigate(`/imports?kind=${j.kind}`)}>
          {t('imports.chooseAnother')}
        </Button>
      </>
    );
  }
  return (
    <>
      <ImportSteps current={isActive(j.status) ? 2 : 3} failed={j.status === 'failed'} />
      {isActive(j.status) ? <ProgressStep job={j} /> : <ReportStep job={j} />}
    </>
  );
}
