import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Flex, Form, Input, InputNumber, Popconfirm, Radio, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import { DownloadOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { formatDateTime } from '../../platform/format';
import { useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { teamTree, useTeams } from '../accounts';
import { useAssignees } from '../interactions';
import { PLAN_KINDS, useCoverage, usePlans, useRefreshCare, type CoverageRow, type OverdueItem, type PlanKind, type PlanView, type RunSummary } from './api';
import { AudienceFields, AudienceTags, FallbackAndActive, audienceIn, audienceOut, type AudienceValues } from './parts';

type PlanValues = {
  name: string;
  kind: PlanKind;
  intervalDays: number;
  eventKeyword?: string;
  taskTitle: string;
  fallbackUserId?: string | null;
  active: boolean;
  audience?: AudienceValues;
};

/** 立即运行: runs plans and rules now and says what it created. */
export function useRunCare(body: { planId?: string; ruleId?: string } = {}) {
  const t = useT();
  const { message } = App.useApp();
  const refresh = useRefreshCare();
  return useMutation({
    mutationFn: () => api.post<RunSummary>('/api/v1/care/run', body),
    onSuccess: (s) => {
      message.success(t('care.ran', { tasks: s.tasks, messages: s.messages, suppressed: s.suppressed, skipped: s.skipped }));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
}

function PlanDialog({ plan, onClose }: { plan: PlanView | 'new' | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<PlanValues>();
  const kind = Form.useWatch('kind', form);
  const users = useAssignees(!!plan);
  const refresh = useRefreshCare();
  const editing = plan && plan !== 'new' ? plan : null;
  return (
    <FormDialog
      open={!!plan}
      title={editing ? t('care.plans.edit') : t('care.plans.new')}
      width={720}
      form={form}
      initialValues={
        editing
          ? { ...editing, eventKeyword: editing.eventKeyword ?? undefined, audience: audienceIn(editing.audience) }
          : { kind: 'interval', intervalDays: 30, active: true, taskTitle: '定期回访', audience: {} }
      }
      formProps={{ 'data-testid': 'plan-form' }}
      submit={(v: PlanValues) => {
        const body = {
          name: v.name,
          kind: v.kind,
          intervalDays: v.intervalDays,
          eventKeyword: v.kind === 'event' ? (v.eventKeyword ?? '') : null,
          taskTitle: v.taskTitle,
          fallbackUserId: v.fallbackUserId ?? null,
          active: v.active,
          audience: audienceOut(v.audience),
        };
        return editing ? api.patch<PlanView>(`/api/v1/care/plans/${editing.id}`, { ...body, version: editing.version }) : api.post<PlanView>('/api/v1/care/plans', body);
      }}
      onSaved={() => {
        message.success(t('care.saved'));
        refresh();
      }}
      onClose={onClose}
    >
      <Form.Item name="name" label={t('care.name')} rules={[{ required: true, whitespace: true }]}>
        <Input maxLength={100} autoFocus />
      </Form.Item>
      <Form.Item name="kind" label={t('care.plans.kind')}>
        <Radio.Group optionType="button" options={PLAN_KINDS.map((k) => ({ value: k, label: t(`care.plans.kind.${k}`) }))} />
      </Form.Item>
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
        <Form.Item name="intervalDays" label={t('care.plans.interval')} tooltip={t('care.plans.intervalHelp')} rules={[{ required: true }]}>
          <InputNumber min={1} max={730} precision={0} style={{ width: 140 }} />
        </Form.Item>
        {kind === 'event' ? (
          <Form.Item name="eventKeyword" label={t('care.plans.keyword')} tooltip={t('care.plans.keywordHelp')} rules={[{ required: true, whitespace: true }]}>
            <Input maxLength={50} placeholder="维修" style={{ width: 180 }} />
          </Form.Item>
        ) : null}
        <Form.Item name="taskTitle" label={t('care.plans.taskTitle')} rules={[{ required: true, whitespace: true }]} style={{ flex: '1 1 200px' }}>
          <Input maxLength={100} />
        </Form.Item>
      </div>
      <Typography.Text strong>{t('care.audience')}</Typography.Text>
      <AudienceFields />
      <FallbackAndActive users={users} />
    </FormDialog>
  );
}

const csvCell = (v: unknown) => {
  const s = String(v ?? '');
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

function downloadCsv(name: string, rows: unknown[][]) {
  const blob = new Blob([`\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}`], { type: 'text/csv;charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

function Coverage({ plans }: { plans: PlanView[] }) {
  const t = useT();
  const [planId, setPlanId] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [teamId, setTeamId] = useState<string | undefined>();
  const cov = useCoverage({ planId, ownerId, teamId: teamId ?? '' });
  const users = useAssignees();
  const teams = useTeams();
  const rows = cov.data?.rows ?? [];
  const overdue = cov.data?.overdue ?? [];
  const rate = (r: CoverageRow) => (r.covered ? `${Math.round((r.onTime / r.covered) * 100)}%` : '—');
  const owner = (name: string | null) => name ?? t('care.coverage.noOwner');
  const exportCsv = () =>
    downloadCsv('回访覆盖率.csv', [
      [t('care.coverage.plan'), t('care.coverage.owner'), t('care.coverage.covered'), t('care.coverage.onTime'), t('care.coverage.overdue'), t('care.coverage.rate')],
      ...rows.map((r) => [r.planName, owner(r.ownerName), r.covered, r.onTime, r.overdue, rate(r)]),
      [],
      [t('care.coverage.plan'), t('care.coverage.customer'), t('care.coverage.owner'), t('care.coverage.dueAt'), t('care.coverage.daysOverdue')],
      ...overdue.map((o) => [o.planName, o.customerName, owner(o.ownerName), formatDateTime(o.dueAt), o.daysOverdue]),
    ]);
  return (
    <Card
      title={t('care.coverage.title')}
      style={{ marginTop: 16 }}
      extra={
        <Space wrap>
          <Select value={planId} onChange={setPlanId} style={{ width: 200 }} aria-label={t('care.coverage.plan')} options={[{ value: '', label: t('care.coverage.allPlans') }, ...plans.map((p) => ({ value: p.id, label: p.name }))]} />
          <Select
            value={ownerId}
            onChange={setOwnerId}
            style={{ width: 180 }}
            showSearch
            optionFilterProp="label"
            aria-label={t('care.coverage.owner')}
            options={[{ value: '', label: t('care.coverage.allOwners') }, ...(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))]}
          />
          <TreeSelect
            value={teamId}
            onChange={(v?: string) => setTeamId(v || undefined)}
            allowClear
            placeholder={t('care.coverage.allTeams')}
            aria-label={t('care.coverage.team')}
            style={{ width: 180 }}
            treeData={teamTree(teams.data ?? [])}
            treeDefaultExpandAll
            data-testid="coverage-team"
          />
          <Button icon={<DownloadOutlined />} onClick={exportCsv} disabled={!rows.length}>
            {t('care.coverage.export')}
          </Button>
        </Space>
      }
    >
      <ErrorAlert error={cov.error} onRetry={() => void cov.refetch()} />
      <Table<CoverageRow>
        rowKey={(r) => `${r.planId}:${r.ownerId ?? ''}`}
        size="small"
        loading={cov.isPending}
        dataSource={rows}
        pagination={false}
        onRow={() => ({ 'data-testid': 'coverage-row' }) as unknown as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('care.coverage.plan'), dataIndex: 'planName' },
          { title: t('care.coverage.owner'), dataIndex: 'ownerName', render: owner },
          { title: t('care.coverage.covered'), dataIndex: 'covered', align: 'right' },
          { title: t('care.coverage.onTime'), dataIndex: 'onTime', align: 'right' },
          { title: t('care.coverage.overdue'), dataIndex: 'overdue', align: 'right', render: (n: number) => (n ? <Typography.Text type="danger">{n}</Typography.Text> : n) },
          { title: t('care.coverage.rate'), align: 'right', render: (_, r) => rate(r) },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('care.coverage.overdueList', { n: overdue.length })}
      </Typography.Title>
      <Table<OverdueItem>
        rowKey="taskId"
        size="small"
        dataSource={overdue}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('care.coverage.customer'), dataIndex: 'customerName', render: (name: string, o) => <Link to={`/customers/${o.customerId}`}>{name}</Link> },
          { title: t('care.coverage.owner'), dataIndex: 'ownerName', render: owner },
          { title: t('care.coverage.plan'), dataIndex: 'planName' },
          { title: t('care.coverage.dueAt'), dataIndex: 'dueAt', render: (v: string) => formatDateTime(v) },
          { title: t('care.coverage.daysOverdue'), dataIndex: 'daysOverdue', align: 'right' },
        ]}
      />
    </Card>
  );
}

/** 回访计划: plans (interval or after an event), run now, and the coverage report with the overdue visits. */
export function PlansPage() {
  const t = useT();
  const { message } = App.useApp();
  const plans = usePlans();
  const refresh = useRefreshCare();
  const [editing, setEditing] = useState<PlanView | 'new' | null>(null);
  const runAll = useRunCare();
  const archive = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/care/plans/${id}`),
    onSuccess: () => {
      message.success(t('care.archived'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const rows = plans.data ?? [];
  return (
    <>
      <PageHeader
        title={t('care.plans.title')}
        extra={
          <>
            <Button icon={<PlayCircleOutlined />} loading={runAll.isPending} onClick={() => runAll.mutate()}>
              {t('care.runNow')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('care.plans.new')}
            </Button>
          </>
        }
      />
      <ErrorAlert error={plans.error} onRetry={() => void plans.refetch()} />
      <Table<PlanView>
        rowKey="id"
        loading={plans.isPending}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('care.plans.empty') }}
        scroll={{ x: 800 }}
        onRow={() => ({ 'data-testid': 'plan-row' }) as unknown as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('care.name'), dataIndex: 'name', render: (name: string, p) => (p.active ? name : <Typography.Text type="secondary">{name}</Typography.Text>) },
          {
            title: t('care.plans.kind'),
            render: (_, p) =>
              p.kind === 'interval' ? t('care.plans.everyDays', { n: p.intervalDays }) : t('care.plans.afterDays', { n: p.intervalDays, keyword: p.eventKeyword ?? '' }),
          },
          { title: t('care.audience'), render: (_, p) => <AudienceTags audience={p.audience} /> },
          { title: t('care.plans.taskTitle'), dataIndex: 'taskTitle' },
          { title: t('care.active'), dataIndex: 'active', width: 90, render: (a: boolean) => (a ? <Tag color="green">{t('care.active')}</Tag> : <Tag>{t('care.inactive')}</Tag>) },
          {
            title: '',
            width: 200,
            render: (_, p) => (
              <Flex gap={4}>
                <Button size="small" onClick={() => setEditing(p)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('care.archiveConfirm', { name: p.name })} onConfirm={() => archive.mutate(p.id)}>
                  <Button size="small" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Flex>
            ),
          },
        ]}
      />
      <Coverage plans={rows} />
      <PlanDialog plan={editing} onClose={() => setEditing(null)} />
    </>
  );
}
