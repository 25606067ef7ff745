import { useState } from 'react';
import { App, Button, Card, Checkbox, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tabs, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { localized, useI18n, useT } from '../../platform/i18n';
import { ErrorAlert, FormErrors, PageHeader } from '../../platform/ui';
import {
  ASSIGNMENT_TARGETS,
  ticketKeys,
  useAssignmentRules,
  useRootCauses,
  useTeams,
  useTicketCategories,
  useTicketUsers,
  type AssignmentRuleView,
  type RootCauseView,
  type TicketCategoryView,
} from './api';
import { categoryOptions } from './parts';

function useSave(key: readonly unknown[]) {
  const qc = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: ({ method, url, body }: { method: 'post' | 'patch' | 'delete'; url: string; body?: unknown }) =>
      method === 'delete' ? api.delete(url) : api[method](url, body ?? {}),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
    onError: (err) => message.error(errorMessage(err)),
  });
}

type NameValues = { nameZh: string; nameEn?: string; parentId?: string | null; position?: number };

/** Add form for a named item (category or root cause). */
function AddNamed({ withParent, onAdd, categories }: { withParent?: boolean; onAdd: (v: NameValues) => Promise<unknown>; categories?: TicketCategoryView[] }) {
  const t = useT();
  const { lang } = useI18n();
  const [form] = Form.useForm<NameValues>();
  const [errors, setErrors] = useState<string[]>([]);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <FormErrors errors={errors} />
      <Form
        form={form}
        layout="inline"
        style={{ marginBottom: 12, rowGap: 8 }}
        onFinish={(v) => {
          setAdding(true);
          void onAdd(v)
            .then(
              () => form.resetFields(),
              (err: unknown) => setErrors(applyServerErrors(form, err)),
            )
            .finally(() => setAdding(false));
        }}
      >
        <Form.Item name="nameZh" rules={[{ required: true, whitespace: true }]}>
          <Input placeholder={t('tk.settings.nameZh')} maxLength={50} />
        </Form.Item>
        <Form.Item name="nameEn">
          <Input placeholder={t('tk.settings.nameEn')} maxLength={80} />
        </Form.Item>
        {withParent ? (
          <Form.Item name="parentId">
            <Select allowClear placeholder={t('tk.settings.parent')} style={{ width: 160 }} options={categoryOptions(categories ?? [], lang, false)} />
          </Form.Item>
        ) : null}
        <Form.Item name="position">
          <InputNumber placeholder={t('tk.settings.position')} min={0} max={10000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={adding}>
          {t('tk.settings.add')}
        </Button>
      </Form>
    </>
  );
}

/** Rename (and reorder, re-parent) a category or a root cause. */
function EditNamed({ item, url, withParent, categories, onClose, save }: {
  item: TicketCategoryView | RootCauseView | null;
  url: string;
  withParent?: boolean;
  categories?: TicketCategoryView[];
  onClose: () => void;
  save: ReturnType<typeof useSave>;
}) {
  const t = useT();
  const { lang } = useI18n();
  // A category cannot move under itself or its descendants (the server refuses it too).
  const descendants = new Set<string>(item ? [item.id] : []);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of categories ?? []) {
      if (c.parentId && descendants.has(c.parentId) && !descendants.has(c.id)) {
        descendants.add(c.id);
        grew = true;
      }
    }
  }
  return (
    <FormDialog<NameValues>
      open={item !== null}
      title={t('tk.settings.edit')}
      okText={t('tk.ok')}
      cancelText={t('tk.cancel')}
      initialValues={item ? { nameZh: item.nameZh, nameEn: item.nameEn, position: item.position, parentId: 'parentId' in item ? item.parentId : null } : undefined}
      formProps={{ name: 'edit-named', 'data-testid': 'edit-named' }}
      submit={(v) => {
        const body = { nameZh: v.nameZh, nameEn: v.nameEn?.trim() || v.nameZh, position: v.position ?? item!.position, ...(withParent ? { parentId: v.parentId ?? null } : {}) };
        return save.mutateAsync({ method: 'patch', url, body });
      }}
      onClose={onClose}
    >
      <Form.Item name="nameZh" label={t('tk.settings.nameZh')} rules={[{ required: true, whitespace: true }]}>
        <Input maxLength={50} />
      </Form.Item>
      <Form.Item name="nameEn" label={t('tk.settings.nameEn')}>
        <Input maxLength={80} />
      </Form.Item>
      {withParent ? (
        <Form.Item name="parentId" label={t('tk.settings.parent')}>
          <Select allowClear options={categoryOptions((categories ?? []).filter((c) => !descendants.has(c.id)), lang, false)} />
        </Form.Item>
      ) : null}
      <Form.Item name="position" label={t('tk.settings.position')}>
        <InputNumber min={0} max={10000} />
      </Form.Item>
    </FormDialog>
  );
}

function EditButton({ onClick, testId }: { onClick: () => void; testId: string }) {
  const t = useT();
  return (
    <Button size="small" type="link" onClick={onClick} data-testid={testId}>
      {t('tk.settings.edit')}
    </Button>
  );
}

function Categories() {
  const t = useT();
  const { lang } = useI18n();
  const categories = useTicketCategories();
  const save = useSave(ticketKeys.categories);
  const [editing, setEditing] = useState<TicketCategoryView | null>(null);
  const byId = new Map((categories.data ?? []).map((c) => [c.id, c]));
  return (
    <Card size="small">
      <ErrorAlert error={categories.error} />
      <AddNamed withParent categories={categories.data} onAdd={(v) => save.mutateAsync({ method: 'post', url: '/api/v1/ticket-categories', body: v })} />
      <Table<TicketCategoryView>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={categoryOptions(categories.data ?? [], lang, false).map((o) => byId.get(o.value)!)}
        columns={[
          { title: t('tk.settings.nameZh'), dataIndex: 'nameZh', render: (v: string, c) => `${c.parentId ? '　' : ''}${v}` },
          { title: t('tk.settings.nameEn'), dataIndex: 'nameEn' },
          { title: t('tk.settings.position'), dataIndex: 'position', width: 80 },
          {
            title: t('tk.settings.active'),
            dataIndex: 'active',
            width: 80,
            render: (v: boolean, c) => <Switch size="small" checked={v} onChange={(active) => save.mutate({ method: 'patch', url: `/api/v1/ticket-categories/${c.id}`, body: { active } })} />,
          },
          { key: 'edit', width: 70, render: (_, c) => <EditButton onClick={() => setEditing(c)} testId="category-edit" /> },
        ]}
      />
      <EditNamed item={editing} url={`/api/v1/ticket-categories/${editing?.id ?? ''}`} withParent categories={categories.data} onClose={() => setEditing(null)} save={save} />
    </Card>
  );
}

function RootCauses() {
  const t = useT();
  const causes = useRootCauses();
  const save = useSave(ticketKeys.rootCauses);
  const [editing, setEditing] = useState<RootCauseView | null>(null);
  return (
    <Card size="small" data-testid="root-causes">
      <ErrorAlert error={causes.error} />
      <AddNamed onAdd={(v) => save.mutateAsync({ method: 'post', url: '/api/v1/ticket-root-causes', body: { nameZh: v.nameZh, nameEn: v.nameEn, position: v.position } })} />
      <Table<RootCauseView>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={causes.data ?? []}
        columns={[
          { title: t('tk.settings.nameZh'), dataIndex: 'nameZh' },
          { title: t('tk.settings.nameEn'), dataIndex: 'nameEn' },
          { title: t('tk.settings.position'), dataIndex: 'position', width: 80 },
          {
            title: t('tk.settings.active'),
            dataIndex: 'active',
            width: 80,
            render: (v: boolean, c) => <Switch size="small" checked={v} onChange={(active) => save.mutate({ method: 'patch', url: `/api/v1/ticket-root-causes/${c.id}`, body: { active } })} />,
          },
          { key: 'edit', width: 70, render: (_, c) => <EditButton onClick={() => setEditing(c)} testId="root-cause-edit" /> },
        ]}
      />
      <EditNamed item={editing} url={`/api/v1/ticket-root-causes/${editing?.id ?? ''}`} onClose={() => setEditing(null)} save={save} />
    </Card>
  );
}

type RuleValues = Omit<AssignmentRuleView, 'id'>;

function Rules() {
  const t = useT();
  const { lang } = useI18n();
  const rules = useAssignmentRules();
  const categories = useTicketCategories();
  const users = useTicketUsers();
  const teams = useTeams();
  const save = useSave(ticketKeys.rules);
  // null: closed; 'new': adding; a rule: editing it.
  const [open, setOpen] = useState<AssignmentRuleView | 'new' | null>(null);
  const editing = open !== null && open !== 'new' ? open : null;
  const [form] = Form.useForm<RuleValues>();
  const target = Form.useWatch('target', form);
  const blank = { categoryId: null, compound: null, district: null, userId: null, teamId: null };
  const catName = (id: string | null) => {
    const c = categories.data?.find((x) => x.id === id);
    return c ? localized(c, lang, 'name') : '';
  };
  const userName = (id: string | null) => users.data?.find((u) => u.id === id)?.displayName ?? '';
  const teamName = (id: string | null) => teams.data?.find((x) => x.id === id)?.name ?? '';
  return (
    <Card size="small" extra={<Button icon={<PlusOutlined />} type="primary" onClick={() => setOpen('new')}>{t('tk.settings.add')}</Button>}>
      <ErrorAlert error={rules.error} />
      <Table<AssignmentRuleView>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={rules.data ?? []}
        columns={[
          { title: t('tk.settings.position'), dataIndex: 'position', width: 70 },
          { title: t('tk.rule.name'), dataIndex: 'name' },
          {
            title: t('tk.rule.when'),
            key: 'when',
            render: (_, r) =>
              [
                r.categoryId ? `${t('tk.rule.category')} ${catName(r.categoryId)}` : null,
                r.compound ? `${t('tk.rule.compound')} ${r.compound}` : null,
                r.district ? `${t('tk.rule.district')} ${r.district}` : null,
                r.vipOnly ? 'VIP' : null,
              ]
                .filter(Boolean)
                .join('，') || t('tk.rule.any'),
          },
          {
            title: t('tk.rule.then'),
            key: 'then',
            render: (_, r) => `${t(`tk.rule.target.${r.target}`)} ${r.target === 'user' ? userName(r.userId) : r.target === 'team_round_robin' ? teamName(r.teamId) : ''}`,
          },
          {
            title: t('tk.settings.active'),
            dataIndex: 'active',
            width: 70,
            render: (v: boolean, r) => <Switch size="small" checked={v} onChange={(active) => save.mutate({ method: 'patch', url: `/api/v1/ticket-assignment-rules/${r.id}`, body: { active } })} />,
          },
          { key: 'edit', width: 70, render: (_, r) => <EditButton onClick={() => setOpen(r)} testId="rule-edit" /> },
          {
            key: 'del',
            width: 70,
            render: (_, r) => (
              <Popconfirm title={t('tk.rule.deleteConfirm')} onConfirm={() => save.mutate({ method: 'delete', url: `/api/v1/ticket-assignment-rules/${r.id}` })}>
                <Button size="small" danger type="link">
                  {t('tk.rule.delete')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
      <FormDialog<RuleValues>
        open={open !== null}
        title={editing ? t('tk.rule.edit') : t('tk.settings.rules')}
        okText={t('tk.ok')}
        cancelText={t('tk.cancel')}
        form={form}
        initialValues={open === null ? undefined : open === 'new' ? { ...blank, name: '', position: 100, vipOnly: false, target: 'user' } : { ...blank, ...open }}
        formProps={{ name: 'rule', 'data-testid': 'rule-form' }}
        submit={(v) => {
          // Editing sends every condition (a cleared one as null) and only the target's own user or team.
          const body = editing
            ? {
                name: v.name,
                position: v.position ?? editing.position,
                categoryId: v.categoryId ?? null,
                compound: v.compound?.trim() || null,
                district: v.district?.trim() || null,
                vipOnly: v.vipOnly ?? false,
                target: v.target,
                userId: v.target === 'user' ? (v.userId ?? null) : null,
                teamId: v.target === 'team_round_robin' ? (v.teamId ?? null) : null,
              }
            : v;
          return save.mutateAsync(editing ? { method: 'patch', url: `/api/v1/ticket-assignment-rules/${editing.id}`, body } : { method: 'post', url: '/api/v1/ticket-assignment-rules', body });
        }}
        onClose={() => setOpen(null)}
      >
        <Form.Item name="name" label={t('tk.rule.name')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="position" label={t('tk.settings.position')}>
          <InputNumber min={0} max={10000} />
        </Form.Item>
        <Typography.Text strong>{t('tk.rule.when')}</Typography.Text>
        <Form.Item name="categoryId" label={t('tk.rule.category')}>
          <Select allowClear options={categoryOptions(categories.data ?? [], lang)} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="compound" label={t('tk.rule.compound')}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="district" label={t('tk.rule.district')}>
            <Input maxLength={100} />
          </Form.Item>
        </Space>
        <Form.Item name="vipOnly" valuePropName="checked">
          <Checkbox>{t('tk.rule.vipOnly')}</Checkbox>
        </Form.Item>
        <Form.Item name="target" label={t('tk.rule.then')} rules={[{ required: true }]}>
          <Select options={ASSIGNMENT_TARGETS.map((x) => ({ value: x, label: t(`tk.rule.target.${x}`) }))} />
        </Form.Item>
        {target === 'user' ? (
          <Form.Item name="userId" label={t('tk.rule.user')} rules={[{ required: true }]}>
            <Select showSearch optionFilterProp="label" options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))} />
          </Form.Item>
        ) : null}
        {target === 'team_round_robin' ? (
          <Form.Item name="teamId" label={t('tk.rule.team')} rules={[{ required: true }]}>
            <Select options={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
          </Form.Item>
        ) : null}
      </FormDialog>
    </Card>
  );
}

/** 工单设置: categories (a tree), root causes, assignment rules. */
export function TicketSettingsPage() {
  const t = useT();
  return (
    <div data-testid="ticket-settings">
      <PageHeader title={t('tk.settings.title')} />
      <Tabs
        items={[
          { key: 'categories', label: t('tk.settings.categories'), children: <Categories /> },
          { key: 'causes', label: t('tk.settings.rootCauses'), children: <RootCauses /> },
          { key: 'rules', label: t('tk.settings.rules'), children: <Rules /> },
        ]}
      />
    </div>
  );
}
