import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Flex, Form, Input, InputNumber, List, Popconfirm, Space, Switch, Table, Tag, Typography } from 'antd';
import { ExperimentOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { formatDateTime } from '../../platform/format';
import { useMutation } from '../../platform/forms';
import { useT } from '../../platform/i18n';
import { ErrorAlert, LoadMoreFooter, PageHeader } from '../../platform/ui';
import { usePagedList } from '../../platform/usePagedList';
import type { ConsentTextList, ConsentTextView } from '../../../../src/modules/privacy/consent.contract';
import {
  RETENTION_SAMPLE,
  type RetentionPolicy,
  type RetentionRunPage,
  type RetentionRunView,
  type RetentionSettingsView,
} from '../../../../src/modules/privacy/retention.contract';

const SETTINGS = '/api/v1/privacy/retention/settings';
const RUNS = '/api/v1/privacy/retention/runs';
const TEXTS = '/api/v1/privacy/consent-texts';
const keys = { settings: ['privacy', 'retention', 'settings'] as const, runs: ['privacy', 'retention', 'runs'] as const, texts: ['privacy', 'consent-texts'] as const };
const STATUS_COLOR: Record<RetentionRunView['status'], string> = { queued: 'default', running: 'processing', done: 'success', failed: 'error', cancelled: 'warning' };

/** 保留策略: one row per kind of data, on or off, and how long it is kept. */
function PoliciesCard() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const settings = useQuery({ queryKey: keys.settings, queryFn: ({ signal }) => api.get<RetentionSettingsView>(SETTINGS, undefined, signal) });
  // The edits not yet saved; null: the policies as stored.
  const [edited, setEdited] = useState<RetentionPolicy[] | null>(null);
  const draft = edited ?? settings.data?.policies ?? [];
  const save = useMutation({
    mutationFn: (policies: RetentionPolicy[]) => api.patch<RetentionSettingsView>(SETTINGS, { policies: policies.map(({ kind, enabled, amount }) => ({ kind, enabled, amount })) }),
    onSuccess: (v) => {
      qc.setQueryData(keys.settings, v);
      setEdited(null);
      void message.success(t('retention.saved'));
    },
  });
  const change = (kind: string, patch: Partial<RetentionPolicy>) => setEdited(draft.map((p) => (p.kind === kind ? { ...p, ...patch } : p)));
  return (
    <Card
      size="small"
      title={t('retention.policies')}
      extra={
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate(draft)} data-testid="retention-save">
          {t('retention.save')}
        </Button>
      }
    >
      <ErrorAlert error={settings.error ?? save.error} />
      <Table
        size="small"
        pagination={false}
        rowKey="kind"
        loading={settings.isPending}
        dataSource={draft}
        columns={[
          {
            key: 'kind',
            title: t('retention.col.mode'),
            render: (_, p) => (
              <div>
                <Typography.Text strong>{t(`retention.kind.${p.kind}`)}</Typography.Text>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`retention.kind.${p.kind}.hint`)}
                  </Typography.Text>
                </div>
              </div>
            ),
          },
          {
            key: 'enabled',
            title: t('retention.enabled'),
            width: 80,
            render: (_, p) => <Switch checked={p.enabled} onChange={(v) => change(p.kind, { enabled: v })} data-testid={`retention-enabled-${p.kind}`} />,
          },
          {
            key: 'amount',
            title: t('retention.amount'),
            width: 180,
            render: (_, p) => (
              <InputNumber
                min={1}
                max={100}
                precision={0}
                value={p.amount}
                onChange={(v) => change(p.kind, { amount: Number(v ?? 1) })}
                suffix={t(`retention.unit.${p.unit}`)}
                data-testid={`retention-amount-${p.kind}`}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}

function Report({ run }: { run: RetentionRunView }) {
  const t = useT();
  return (
    <Flex vertical gap={2} data-testid="retention-report">
      {run.policies.map((p) => {
        const r = run.report[p.kind];
        const kind = t(`retention.kind.${p.kind}`);
        return (
          <div key={p.kind} data-testid={`retention-report-${p.kind}`}>
            <Typography.Text>
              {run.mode === 'apply' ? t('retention.report.applied', { kind, n: r?.count ?? 0, applied: r?.applied ?? 0 }) : t('retention.report.count', { kind, n: r?.count ?? 0 })}
            </Typography.Text>
            {run.mode === 'dry_run' && r?.sample.length ? (
              <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 12 }} ellipsis={{ rows: 1, expandable: true }}>
                {t('retention.report.sample', { ids: r.sample.slice(0, RETENTION_SAMPLE).join(', ') })}
              </Typography.Paragraph>
            ) : null}
          </div>
        );
      })}
    </Flex>
  );
}

/** 运行记录: dry runs (nightly, manual, CLI) with their reports, and applies; a finished dry run can be applied once. */
function RunsCard() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const runs = usePagedList<RetentionRunView, RetentionRunPage>({
    queryKey: keys.runs,
    path: RUNS,
    limit: 20,
    refetchInterval: (pages) => (pages.some((p) => p.items.some((r) => r.status === 'queued' || r.status === 'running')) ? 1500 : false),
  });
  const dryRun = useMutation({
    mutationFn: () => api.post<RetentionRunView>(RUNS),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.runs });
      void message.success(t('retention.dryRun.started'));
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const apply = useMutation({
    mutationFn: (id: string) => api.post<RetentionRunView>(`${RUNS}/${id}/apply`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.runs });
      void message.success(t('retention.apply.started'));
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  return (
    <Card
      size="small"
      title={t('retention.runs')}
      extra={
        <Button icon={<ExperimentOutlined />} loading={dryRun.isPending} onClick={() => dryRun.mutate()} data-testid="retention-dry-run">
          {t('retention.dryRun')}
        </Button>
      }
    >
      <ErrorAlert error={runs.error} onRetry={() => void runs.refetch()} />
      <Table
        size="small"
        pagination={false}
        rowKey="id"
        loading={runs.isPending}
        dataSource={runs.items}
        locale={{ emptyText: <Typography.Text type="secondary">{t('retention.empty')}</Typography.Text> }}
        onRow={(r) => ({ 'data-testid': 'retention-run', 'data-status': r.status, 'data-mode': r.mode }) as HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'at', title: t('retention.col.at'), width: 170, render: (_, r) => formatDateTime(r.createdAt) },
          {
            key: 'mode',
            title: t('retention.col.mode'),
            width: 150,
            render: (_, r) => (
              <Space size={4} wrap>
                <Tag color={r.mode === 'apply' ? 'red' : 'blue'}>{t(`retention.mode.${r.mode}`)}</Tag>
                <Typography.Text type="secondary">{t(`retention.trigger.${r.trigger}`)}</Typography.Text>
              </Space>
            ),
          },
          { key: 'status', title: t('retention.col.status'), width: 100, render: (_, r) => <Tag color={STATUS_COLOR[r.status]}>{t(`retention.status.${r.status}`)}</Tag> },
          { key: 'report', title: t('retention.col.report'), render: (_, r) => (r.error ? <Typography.Text type="danger">{r.error}</Typography.Text> : <Report run={r} />) },
          { key: 'by', title: t('retention.col.by'), width: 110, render: (_, r) => r.createdByName ?? t(`retention.trigger.${r.trigger}`) },
          {
            key: 'apply',
            width: 110,
            render: (_, r) =>
              r.mode === 'dry_run' && r.status === 'done' ? (
                r.appliedById ? (
                  <Tag>{t('retention.applied')}</Tag>
                ) : (
                  <Popconfirm title={t('retention.apply.confirm')} onConfirm={() => apply.mutate(r.id)}>
                    <Button danger size="small" loading={apply.isPending} data-testid="retention-apply">
                      {t('retention.apply')}
                    </Button>
                  </Popconfirm>
                )
              ) : null,
          },
        ]}
      />
      <LoadMoreFooter shown={null} count={runs.items.length} query={runs} />
    </Card>
  );
}

type TextValues = { titleZh: string; titleEn?: string; bodyZh: string; bodyEn?: string };

/** 同意文本: the versions the company shows; each consent entry records the version shown. */
function TextsCard() {
  const t = useT();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const texts = useQuery({ queryKey: keys.texts, queryFn: ({ signal }) => api.get<ConsentTextList>(TEXTS, undefined, signal) });
  return (
    <Card
      size="small"
      title={t('retention.texts')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="consent-text-new">
          {t('retention.texts.new')}
        </Button>
      }
    >
      <ErrorAlert error={texts.error} />
      <List
        loading={texts.isPending}
        dataSource={texts.data?.items ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">{t('retention.texts.empty')}</Typography.Text> }}
        renderItem={(x: ConsentTextView) => (
          <List.Item key={x.id} data-testid="consent-text">
            <div style={{ width: '100%' }}>
              <Space wrap size={6}>
                <Typography.Text strong>{t('retention.texts.version', { version: x.version })}</Typography.Text>
                {x.current ? <Tag color="green">{t('retention.texts.current')}</Tag> : null}
                <Typography.Text>{x.titleZh}</Typography.Text>
                <Typography.Text type="secondary">{t('retention.texts.used', { n: x.used })}</Typography.Text>
              </Space>
              <Typography.Paragraph type="secondary" style={{ margin: '2px 0 0', whiteSpace: 'pre-wrap' }} ellipsis={{ rows: 2, expandable: true }}>
                {x.bodyZh}
              </Typography.Paragraph>
            </div>
          </List.Item>
        )}
      />
      {creating ? (
        <FormDialog<TextValues, ConsentTextView>
          title={t('retention.texts.new')}
          width={600}
          initialValues={{ titleZh: texts.data?.items[0]?.titleZh ?? '', bodyZh: texts.data?.items[0]?.bodyZh ?? '' }}
          submit={(v) => api.post<ConsentTextView>(TEXTS, { titleZh: v.titleZh, titleEn: v.titleEn || undefined, bodyZh: v.bodyZh, bodyEn: v.bodyEn || undefined })}
          onSaved={(x) => {
            void qc.invalidateQueries({ queryKey: keys.texts });
            void message.success(t('retention.texts.created', { version: x.version }));
            setCreating(false);
          }}
          onClose={() => setCreating(false)}
          formProps={{ 'data-testid': 'consent-text-form' }}
        >
          <Form.Item name="titleZh" label={t('retention.texts.titleZh')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="bodyZh" label={t('retention.texts.bodyZh')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={5} maxLength={5000} />
          </Form.Item>
          <Form.Item name="titleEn" label={t('retention.texts.titleEn')}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="bodyEn" label={t('retention.texts.bodyEn')}>
            <Input.TextArea rows={3} maxLength={5000} />
          </Form.Item>
        </FormDialog>
      ) : null}
    </Card>
  );
}

/** 数据保留与同意文本 (issue #18): retention policies, their runs, and the consent text's versions. */
export function RetentionPage() {
  const t = useT();
  return (
    <div data-testid="retention-page">
      <PageHeader title={t('retention.title')} subtitle={t('retention.subtitle')} />
      <Flex vertical gap={16}>
        <PoliciesCard />
        <RunsCard />
        <TextsCard />
      </Flex>
    </div>
  );
}
