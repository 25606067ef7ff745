import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { App, AutoComplete, Button, Card, Flex, Form, Grid, Input, Space, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { DeleteOutlined, EditOutlined, MergeCellsOutlined, PlusOutlined, SearchOutlined, SwapOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useMutation } from '../../platform/forms';
import { FormDialog, SubmitCancelled } from '../../platform/FormDialog';
import { useT, type Translate } from '../../platform/i18n';
import { ErrorAlert, PageHeader } from '../../platform/ui';
import { customerKeys } from './api';
import { ColorPalette, colorLabel, Swatch, TAG_MAX, TagChip, useTagRegistry, type TagView } from './tags';
import { checkboxSelection } from '../../platform/rowSelection';

type Dialog = { kind: 'new' } | { kind: 'edit'; tag: TagView } | { kind: 'rename'; tag: TagView } | { kind: 'merge'; tags: TagView[] } | null;

const tagPath = (name: string) => `/api/v1/tags/${encodeURIComponent(name)}`;
/** 「A」「B」: tag names as the confirmations quote them. */
const quoted = (names: string[]) => names.map((n) => `「${n}」`).join('');

/** New tag (name, colour, description), or a tag's colour and description. */
function TagDialog({ dialog, tags, onClose, onSaved }: { dialog: { kind: 'new' } | { kind: 'edit'; tag: TagView }; tags: TagView[]; onClose: () => void; onSaved: (name: string) => void }) {
  const t = useT();
  const [form] = Form.useForm<{ name?: string; color: string | null; description?: string }>();
  const editing = dialog.kind === 'edit' ? dialog.tag : null;
  const previewName = (Form.useWatch('name', form) as string | undefined)?.trim() || editing?.name;
  const previewColor = Form.useWatch('color', form) as string | null | undefined;
  return (
    <FormDialog
      title={editing ? t('tags.edit', { name: editing.name }) : t('tags.new')}
      form={form}
      initialValues={{ color: editing?.color ?? null, description: editing?.description ?? '' }}
      submit={(v) => {
        const name = editing ? editing.name : v.name!.trim();
        return api.put<TagView>(tagPath(name), { color: v.color ?? null, description: v.description?.trim() || null });
      }}
      onSaved={(tag) => onSaved(tag.name)}
      onClose={onClose}
    >
      {editing ? null : (
        <Form.Item
          name="name"
          label={t('tags.name')}
          rules={[
            { required: true, whitespace: true, message: t('common.required', { field: t('tags.name') }) },
            {
              validator: async (_, v?: string) => {
                const name = v?.trim();
                if (name && tags.some((x) => x.name === name)) throw new Error(t('tags.exists', { name }));
              },
            },
          ]}
        >
          <Input maxLength={TAG_MAX} showCount autoFocus />
        </Form.Item>
      )}
      <Form.Item
        name="color"
        label={t('tags.color')}
        extra={
          previewName ? (
            <Space size={6} style={{ marginTop: 8 }}>
              {t('tags.preview')}
              <TagChip name={previewName} color={previewColor} />
            </Space>
          ) : null
        }
      >
        <ColorPalette />
      </Form.Item>
      <Form.Item name="description" label={t('tags.description')}>
        <Input.TextArea maxLength={200} showCount autoSize={{ minRows: 2, maxRows: 4 }} />
      </Form.Item>
    </FormDialog>
  );
}

function RenameDialog({ tag, tags, onClose, onDone }: { tag: TagView; tags: TagView[]; onClose: () => void; onDone: (into: string, customers: number) => void }) {
  const t = useT();
  return (
    <FormDialog<{ into: string }, { into: string; customers: number }>
      title={t('tags.renameTitle', { name: tag.name })}
      okText={t('tags.rename')}
      intro={<Typography.Paragraph type="secondary">{t('tags.renameHint', { n: tag.count })}</Typography.Paragraph>}
      initialValues={{ into: tag.name }}
      submit={(v) => api.post('/api/v1/tags/merge', { from: [tag.name], into: v.into.trim() })}
      onSaved={(r) => onDone(r.into, r.customers)}
      // "from" is the old name: its errors (e.g. the same name) belong to the new-name field.
      errorFields={(f) => (f === 'into' || f.startsWith('from') ? 'into' : f)}
      onClose={onClose}
    >
      <Form.Item
        name="into"
        label={t('tags.newName')}
        rules={[
          { required: true, whitespace: true, message: t('common.required', { field: t('tags.newName') }) },
          {
            validator: async (_, v?: string) => {
              const name = v?.trim();
              if (name && name !== tag.name && tags.some((x) => x.name === name)) throw new Error(t('tags.existsRename', { name }));
            },
          },
        ]}
      >
        <Input maxLength={TAG_MAX} showCount autoFocus />
      </Form.Item>
    </FormDialog>
  );
}

function MergeDialog({ selected, tags, onClose, onDone }: { selected: TagView[]; tags: TagView[]; onClose: () => void; onDone: (into: string, customers: number) => void }) {
  const t = useT();
  const { modal } = App.useApp();
  const names = selected.map((x) => x.name);
  const options = [...selected, ...tags.filter((x) => !names.includes(x.name))].map((x) => ({ value: x.name }));

  /** Asks first (how many customers move), then merges while the confirmation shows loading. */
  const confirmAndMerge = (into: string) =>
    new Promise<{ into: string; customers: number }>((resolve, reject) => {
      const sources = selected.filter((x) => x.name !== into);
      const n = sources.reduce((sum, x) => sum + x.count, 0);
      const params = { tags: quoted(sources.map((x) => x.name)), into, n };
      modal.confirm({
        title: t('tags.mergeConfirmTitle'),
        content: <span data-testid="merge-confirm">{sources.length > 1 ? t('tags.mergeConfirmUpTo', params) : t('tags.mergeConfirm', params)}</span>,
        okText: t('tags.merge'),
        okButtonProps: { danger: true },
        cancelText: t('common.cancel'),
        onOk: async () => {
          try {
            resolve(await api.post<{ into: string; customers: number }>('/api/v1/tags/merge', { from: names, into }));
          } catch (err) {
            reject(err);
          }
        },
        onCancel: () => reject(new SubmitCancelled()),
      });
    });

  return (
    <FormDialog<{ into: string }, { into: string; customers: number }>
      title={t('tags.mergeTitle', { n: selected.length })}
      okText={t('tags.merge')}
      intro={
        <Typography.Paragraph>
          {t('tags.mergeSources')}
          <Space size={[4, 4]} wrap style={{ marginInlineStart: 4 }}>
            {selected.map((x) => (
              <TagChip key={x.name} name={x.name} color={x.color}>
                {x.name} · {x.count}
              </TagChip>
            ))}
          </Space>
        </Typography.Paragraph>
      }
      initialValues={{ into: selected[0]?.name }}
      submit={(v) => confirmAndMerge(v.into.trim())}
      onSaved={(r) => onDone(r.into, r.customers)}
      errorFields={(f) => (f.startsWith('from') ? 'into' : f)}
      onClose={onClose}
    >
      <Form.Item
        name="into"
        label={t('tags.mergeInto')}
        extra={t('tags.mergeIntoHint')}
        rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('tags.mergeInto') }) }]}
      >
        <AutoComplete options={options} maxLength={TAG_MAX} filterOption={(input, o) => !!o?.value.toString().toLowerCase().includes(input.toLowerCase())} />
      </Form.Item>
    </FormDialog>
  );
}

/** The registry table's columns; `actions` renders a row's edit / rename / delete. */
function tagColumns(t: Translate, phone: boolean, actions: (x: TagView) => ReactNode): TableColumnsType<TagView> {
  return [
    {
      title: t('tags.name'),
      key: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
      render: (_, x) => (
        <div data-testid="tag-name" style={{ minWidth: 0 }}>
          <TagChip name={x.name} color={x.color} />
          {phone && x.description ? (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-word' }}>
                {x.description}
              </Typography.Text>
            </div>
          ) : null}
        </div>
      ),
    },
    {
      title: t('tags.color'),
      key: 'color',
      responsive: ['md'],
      render: (_, x) => (
        <Space size={6} align="center" data-testid="tag-color">
          <Swatch color={x.color} />
          <span>{colorLabel(t, x.color)}</span>
        </Space>
      ),
    },
    {
      title: t('tags.description'),
      dataIndex: 'description',
      responsive: ['md'],
      render: (v: string | null) => <span data-testid="tag-description">{v ?? t('common.none')}</span>,
    },
    {
      title: t('tags.customers'),
      dataIndex: 'count',
      align: 'right',
      sorter: (a, b) => a.count - b.count,
      render: (n: number, x) => (
        <Link to={`/customers?tag=${encodeURIComponent(x.name)}`} data-testid="tag-count" aria-label={t('tags.customersLink', { name: x.name, n })}>
          {n}
        </Link>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, x) => actions(x),
    },
  ];
}

/** A row's edit, rename and delete buttons (icons with a tooltip on a phone). */
function RowActions({ phone, onEdit, onRename, onDelete }: { phone: boolean; onEdit: () => void; onRename: () => void; onDelete: () => void }) {
  const t = useT();
  const action = (label: string, icon: ReactNode, onClick: () => void, danger = false) =>
    phone ? (
      <Tooltip title={label}>
        <Button size="small" aria-label={label} icon={icon} danger={danger} onClick={onClick} />
      </Tooltip>
    ) : (
      <Button size="small" icon={icon} danger={danger} onClick={onClick}>
        {label}
      </Button>
    );
  return (
    <Space size={4}>
      {action(t('common.edit'), <EditOutlined />, onEdit)}
      {action(t('tags.rename'), <SwapOutlined />, onRename)}
      {action(t('common.delete'), <DeleteOutlined />, onDelete, true)}
    </Space>
  );
}

/** 标签管理: the tags with colour, description and count; new, edit, rename, merge, delete. For tag:manage holders. */
export function TagsPage() {
  const t = useT();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const phone = !Grid.useBreakpoint().md;
  const registry = useTagRegistry();
  const [search, setSearch] = useState('');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [selectedNames, setSelectedNames] = useState<string[]>([]);

  const all = useMemo(() => registry.data ?? [], [registry.data]);
  const q = search.trim().toLowerCase();
  const shown = useMemo(
    () => (q ? all.filter((x) => x.name.toLowerCase().includes(q) || (x.description ?? '').toLowerCase().includes(q)) : all),
    [all, q],
  );
  // Only tags that still exist count as selected (one may have been deleted or merged meanwhile).
  const selected = all.filter((x) => selectedNames.includes(x.name));

  const refresh = () => qc.invalidateQueries({ queryKey: customerKeys.all });
  const done = (text: string) => {
    message.success(text);
    setDialog(null);
    void refresh();
  };

  const remove = useMutation({
    mutationFn: (tag: TagView) => api.delete<{ customers: number }>(tagPath(tag.name)),
    onSuccess: (r, tag) => {
      setSelectedNames((s) => s.filter((n) => n !== tag.name));
      done(t('tags.deleted', { name: tag.name, n: r.customers }));
    },
  });
  const confirmDelete = (tag: TagView) => {
    modal.confirm({
      title: t('tags.deleteTitle', { name: tag.name }),
      content: <span data-testid="delete-confirm">{t('tags.deleteConfirm', { n: tag.count })}</span>,
      okText: t('common.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await remove.mutateAsync(tag);
        } catch (err) {
          message.error(err instanceof Error ? err.message : String(err));
        }
      },
    });
  };

  return (
    <>
      <PageHeader
        title={t('tags.title')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'new' })}>
            {t('tags.new')}
          </Button>
        }
      />
      <Typography.Paragraph type="secondary">{t('tags.intro')}</Typography.Paragraph>
      <Card size="small">
        <Flex gap={8} wrap align="center" justify="space-between" style={{ marginBottom: 12 }}>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('tags.search')}
            aria-label={t('tags.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ maxWidth: 280 }}
          />
          {selected.length ? (
            <Flex gap={8} wrap align="center" data-testid="tag-selection">
              <Typography.Text>{t('tags.selected', { n: selected.length })}</Typography.Text>
              <Tooltip title={selected.length < 2 ? t('tags.mergeNeedTwo') : undefined}>
                <Button type="primary" icon={<MergeCellsOutlined />} disabled={selected.length < 2} onClick={() => setDialog({ kind: 'merge', tags: selected })}>
                  {t('tags.merge')}
                </Button>
              </Tooltip>
              <Button type="link" onClick={() => setSelectedNames([])}>
                {t('tags.clearSelection')}
              </Button>
            </Flex>
          ) : null}
        </Flex>
        <ErrorAlert error={registry.error} onRetry={() => void registry.refetch()} />
        <Table<TagView>
          rowKey="name"
          size={phone ? 'small' : 'middle'}
          loading={registry.isFetching}
          dataSource={shown}
          pagination={shown.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          locale={{ emptyText: t('tags.empty') }}
          rowSelection={checkboxSelection<TagView>(selectedNames, setSelectedNames, (x) => t('tags.selectTag', { name: x.name }), 36)}
          columns={tagColumns(t, phone, (x) => (
            <RowActions
              phone={phone}
              onEdit={() => setDialog({ kind: 'edit', tag: x })}
              onRename={() => setDialog({ kind: 'rename', tag: x })}
              onDelete={() => confirmDelete(x)}
            />
          ))}
        />
      </Card>
      {dialog?.kind === 'new' || dialog?.kind === 'edit' ? (
        <TagDialog
          dialog={dialog}
          tags={all}
          onClose={() => setDialog(null)}
          onSaved={(name) => done(dialog.kind === 'new' ? t('tags.created', { name }) : t('common.saved'))}
        />
      ) : null}
      {dialog?.kind === 'rename' ? (
        <RenameDialog
          tag={dialog.tag}
          tags={all}
          onClose={() => setDialog(null)}
          onDone={(into, n) => {
            setSelectedNames((s) => s.map((x) => (x === dialog.tag.name ? into : x)));
            done(t('tags.renamed', { name: into, n }));
          }}
        />
      ) : null}
      {dialog?.kind === 'merge' ? (
        <MergeDialog
          selected={dialog.tags}
          tags={all}
          onClose={() => setDialog(null)}
          onDone={(into, n) => {
            setSelectedNames([]);
            done(t('tags.merged', { name: into, n }));
          }}
        />
      ) : null}
    </>
  );
}
