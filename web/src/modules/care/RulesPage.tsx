import { useState, type HTMLAttributes } from 'react';
import { App, Button, Card, Empty, Flex, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, EyeOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { api, errorMessage } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { useT } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { useAssignees } from '../interactions';
import { useTemplates } from '../messages';
import {
  CARE_TIERS,
  LUNAR_FESTIVALS,
  SOLAR_FESTIVALS,
  useRefreshCare,
  useRules,
  type CareAction,
  type CareTier,
  type Occasion,
  type PreviewItem,
  type RulePreview,
  type RuleView,
} from './api';
import { AudienceFields, AudienceTags, FallbackAndActive, audienceIn, audienceOut, type AudienceValues } from './parts';
import { useRunCare } from './PlansPage';

type ActionValues = { tiers?: CareTier[]; taskTitle?: string; templateId?: string | null };
type RuleValues = {
  name: string;
  occasion: Occasion;
  daysBefore: number;
  actions: ActionValues[];
  fallbackUserId?: string | null;
  active: boolean;
  audience?: AudienceValues;
};

const actionsOut = (actions: ActionValues[]): CareAction[] =>
  actions.map((a) => ({
    ...(a.tiers?.length ? { tiers: a.tiers } : {}),
    taskTitle: a.taskTitle?.trim() || null,
    templateId: a.templateId || null,
  }));

function useOccasionOptions() {
  const t = useT();
  return [
    { label: t('care.occasion.personal'), options: (['birthday', 'anniversary'] as const).map((o) => ({ value: o, label: t(`care.occasion.${o}`) })) },
    { label: t('care.occasion.lunar'), options: LUNAR_FESTIVALS.map((o) => ({ value: o, label: t(`care.occasion.${o}`) })) },
    { label: t('care.occasion.solar'), options: SOLAR_FESTIVALS.map((o) => ({ value: o, label: t(`care.occasion.${o}`) })) },
  ];
}

function PreviewPanel({ preview, templateName }: { preview: RulePreview; templateName: (id: string | null) => string | null }) {
  const t = useT();
  return (
    <Card size="small" title={t('care.preview.title')} style={{ marginTop: 12 }} data-testid="rule-preview">
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{t('care.preview.festivals')}:</Typography.Text>
        {preview.festivalDates.length ? (
          preview.festivalDates.map((f) => (
            <Tag key={`${f.festival}${f.date}`} color="red">
              {t(`care.occasion.${f.festival}`)} {f.date}
            </Tag>
          ))
        ) : (
          <Typography.Text type="secondary">{t('care.preview.noFestivals')}</Typography.Text>
        )}
      </Space>
      {preview.items.length ? (
        <Table<PreviewItem>
          rowKey={(r) => `${r.customerId}:${r.occasionDate}`}
          size="small"
          dataSource={preview.items}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          onRow={() => ({ 'data-testid': 'preview-row' }) as unknown as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('care.preview.customer'), dataIndex: 'customerName', render: (name: string, r) => <Link to={`/customers/${r.customerId}`}>{name}</Link> },
            { title: t('care.preview.occasionDate'), dataIndex: 'occasionDate' },
            { title: t('care.preview.sendDate'), dataIndex: 'sendDate' },
            { title: t('care.preview.tier'), dataIndex: 'tier', render: (x: CareTier) => t(`care.tier.${x}`) },
            { title: t('care.preview.action'), render: (_, r) => [r.taskTitle, templateName(r.templateId)].filter(Boolean).join(' + ') },
          ]}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('care.preview.empty')} />
      )}
      {preview.truncated ? <Typography.Text type="secondary">{t('care.preview.truncated')}</Typography.Text> : null}
    </Card>
  );
}

function RuleDialog({ rule, onClose }: { rule: RuleView | 'new' | null; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<RuleValues>();
  const [preview, setPreview] = useState<RulePreview | null>(null);
  const users = useAssignees(!!rule);
  const templates = useTemplates();
  const refresh = useRefreshCare();
  const occasions = useOccasionOptions();
  const editing = rule && rule !== 'new' ? rule : null;
  const templateName = (id: string | null) => (id ? (templates.data?.find((x) => x.id === id)?.name ?? null) : null);
  const bodyOf = (v: RuleValues) => ({
    name: v.name,
    occasion: v.occasion,
    daysBefore: v.daysBefore ?? 0,
    actions: actionsOut(v.actions ?? []),
    fallbackUserId: v.fallbackUserId ?? null,
    active: v.active,
    audience: audienceOut(v.audience),
  });
  const previewing = useMutation({
    mutationFn: () => {
      const v = form.getFieldsValue(true) as RuleValues;
      const { name: _n, active: _a, fallbackUserId: _f, ...body } = bodyOf(v);
      return api.post<RulePreview>('/api/v1/care/rules/preview', body);
    },
    onSuccess: setPreview,
  });
  return (
    <FormDialog
      open={!!rule}
      title={editing ? t('care.rules.edit') : t('care.rules.new')}
      width={820}
      form={form}
      initialValues={
        editing
          ? {
              ...editing,
              audience: audienceIn(editing.audience),
              actions: editing.actions.map((a) => ({ tiers: a.tiers, taskTitle: a.taskTitle ?? undefined, templateId: a.templateId ?? undefined })),
            }
          : { occasion: 'birthday', daysBefore: 0, active: true, audience: {}, actions: [{ taskTitle: '' }] }
      }
      formProps={{ 'data-testid': 'rule-form' }}
      modalProps={{ afterClose: () => setPreview(null) }}
      after={({ showError }) => (
        <>
          <Button icon={<EyeOutlined />} loading={previewing.isPending} onClick={() => previewing.mutate(undefined, { onSuccess: () => showError(null), onError: showError })}>
            {t('care.preview')}
          </Button>
          {preview ? <PreviewPanel preview={preview} templateName={templateName} /> : null}
        </>
      )}
      submit={(v: RuleValues) =>
        editing ? api.patch<RuleView>(`/api/v1/care/rules/${editing.id}`, { ...bodyOf(v), version: editing.version }) : api.post<RuleView>('/api/v1/care/rules', bodyOf(v))}
      onSaved={() => {
        message.success(t('care.saved'));
        refresh();
      }}
      onClose={onClose}
    >
      <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
        <Form.Item name="name" label={t('care.name')} rules={[{ required: true, whitespace: true }]} style={{ flex: '1 1 220px' }}>
          <Input maxLength={100} autoFocus />
        </Form.Item>
        <Form.Item name="occasion" label={t('care.occasion')} style={{ minWidth: 180 }}>
          <Select options={occasions} data-testid="rule-occasion" />
        </Form.Item>
        <Form.Item name="daysBefore" label={t('care.daysBefore')}>
          <InputNumber min={0} max={60} precision={0} style={{ width: 120 }} />
        </Form.Item>
      </div>
      <Typography.Text strong>{t('care.audience')}</Typography.Text>
      <AudienceFields />
      <Typography.Text strong>{t('care.actions')}</Typography.Text>
      <Form.List name="actions">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Flex key={f.key} gap={8} wrap align="start" style={{ marginTop: 8 }} data-testid="rule-action">
                <Form.Item name={[f.name, 'tiers']} style={{ minWidth: 180, flex: '1 1 180px', marginBottom: 8 }}>
                  <Select mode="multiple" allowClear placeholder={t('care.action.tiersAll')} options={CARE_TIERS.map((x) => ({ value: x, label: t(`care.tier.${x}`) }))} />
                </Form.Item>
                <Form.Item name={[f.name, 'taskTitle']} style={{ flex: '1 1 180px', marginBottom: 8 }}>
                  <Input maxLength={100} placeholder={`${t('care.action.task')}：${t('care.action.taskPlaceholder')}`} data-testid="action-task" />
                </Form.Item>
                <Form.Item name={[f.name, 'templateId']} style={{ minWidth: 180, flex: '1 1 180px', marginBottom: 8 }}>
                  <Select
                    allowClear
                    placeholder={t('care.action.template')}
                    loading={templates.isPending}
                    options={(templates.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
                  />
                </Form.Item>
                {fields.length > 1 ? <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} /> : null}
              </Flex>
            ))}
            {fields.length < 5 ? (
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({})} style={{ marginBottom: 12 }}>
                {t('care.action.add')}
              </Button>
            ) : null}
          </>
        )}
      </Form.List>
      <FallbackAndActive users={users} />
    </FormDialog>
  );
}

/** 关怀规则: birthdays, anniversaries and festivals, with per-tier actions and a 30-day preview. */
export function RulesPage() {
  const t = useT();
  const { message } = App.useApp();
  const rules = useRules();
  const templates = useTemplates();
  const refresh = useRefreshCare();
  const runAll = useRunCare();
  const [editing, setEditing] = useState<RuleView | 'new' | null>(null);
  const archive = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/care/rules/${id}`),
    onSuccess: () => {
      message.success(t('care.archived'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const templateName = (id: string | null | undefined) => (id ? (templates.data?.find((x) => x.id === id)?.name ?? '…') : null);
  return (
    <>
      <PageHeader
        title={t('care.rules.title')}
        extra={
          <>
            <Button icon={<PlayCircleOutlined />} loading={runAll.isPending} onClick={() => runAll.mutate()}>
              {t('care.runNow')}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('care.rules.new')}
            </Button>
          </>
        }
      />
      <ErrorAlert error={rules.error} onRetry={() => void rules.refetch()} />
      <Table<RuleView>
        rowKey="id"
        loading={rules.isPending}
        dataSource={rules.data ?? []}
        pagination={false}
        locale={{ emptyText: t('care.rules.empty') }}
        scroll={{ x: 900 }}
        onRow={() => ({ 'data-testid': 'rule-row' }) as unknown as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('care.name'), dataIndex: 'name' },
          {
            title: t('care.occasion'),
            render: (_, r) => `${t(`care.occasion.${r.occasion}`)} · ${r.daysBefore ? t('care.daysBeforeShort', { n: r.daysBefore }) : t('care.onTheDay')}`,
          },
          { title: t('care.audience'), render: (_, r) => <AudienceTags audience={r.audience} /> },
          {
            title: t('care.actions'),
            render: (_, r) =>
              r.actions.map((a, i) => (
                <div key={i}>
                  <Typography.Text type="secondary">{a.tiers?.length ? a.tiers.map((x) => t(`care.tier.${x}`)).join('/') : t('care.action.tiersAll')}：</Typography.Text>
                  {[a.taskTitle, templateName(a.templateId)].filter(Boolean).join(' + ')}
                </div>
              )),
          },
          { title: t('care.active'), dataIndex: 'active', width: 90, render: (a: boolean) => (a ? <Tag color="green">{t('care.active')}</Tag> : <Tag>{t('care.inactive')}</Tag>) },
          {
            title: '',
            width: 160,
            render: (_, r) => (
              <Flex gap={4}>
                <Button size="small" onClick={() => setEditing(r)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('care.archiveConfirm', { name: r.name })} onConfirm={() => archive.mutate(r.id)}>
                  <Button size="small" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Flex>
            ),
          },
        ]}
      />
      <RuleDialog rule={editing} onClose={() => setEditing(null)} />
    </>
  );
}
