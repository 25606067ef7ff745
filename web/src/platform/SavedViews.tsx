import { useState, type CSSProperties, type ReactNode } from 'react';
import { App, Button, Checkbox, Dropdown, Empty, Flex, Form, Grid, Input, Modal, Popconfirm, Radio, Select, Tag, Typography, type MenuProps } from 'antd';
import { AppstoreOutlined, DeleteOutlined, DownOutlined, EditOutlined, SaveOutlined, SettingOutlined, TableOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from './api';
import { useAuth } from './auth';
import { FormDialog } from './FormDialog';
import { useMutation } from './forms';
import { useT } from './i18n';
import { VIEW_LIMITS, type SavedViewItem, type SavedViewList, type SavedViewState, type ViewPage } from '../../../src/modules/views/views.contract';

export type { SavedViewState, ViewPage };

/** The URL parameter holding a table's visible columns (comma-separated keys; absent: every column). */
export const COLS_PARAM = 'cols';

/** The visible column keys the URL names (`cols=`), among the table's; null when it names none (all shown). */
export function columnsFromParams(params: URLSearchParams, all: readonly string[]): string[] | null {
  const raw = params.get(COLS_PARAM);
  if (raw === null) return null;
  const wanted = raw.split(',').filter((k) => all.includes(k));
  return wanted.length ? wanted : null;
}

/** `params` with `cols=` set to `columns` (or removed: null or every column). */
export function withColumns(params: URLSearchParams | Record<string, string>, columns: readonly string[] | null, all?: readonly string[]): URLSearchParams {
  const p = new URLSearchParams(params);
  if (!columns || (all && all.every((k) => columns.includes(k)))) p.delete(COLS_PARAM);
  else p.set(COLS_PARAM, columns.join(','));
  return p;
}

/** The search string a saved view applies: its query with its columns as `cols=`. */
export function searchOfView(state: SavedViewState): URLSearchParams {
  const p = new URLSearchParams(state.query);
  return withColumns(p, state.columns?.length ? state.columns : null);
}

const viewKeys = { page: (page: ViewPage) => ['views', page] as const };

/** A view's name in the 「视图」 menu: one line, at most this wide (a long name is cut with …, whole in its tooltip). */
const MENU_LABEL_WIDTH = 'min(320px, calc(100vw - 72px))';

/** 「列」: a checkbox list of a table's columns; at least one stays shown. */
export function ColumnChooser({ columns, visible, onChange }: { columns: { key: string; title: ReactNode }[]; visible: readonly string[]; onChange: (keys: string[]) => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Dropdown
      open={open}
      onOpenChange={setOpen}
      trigger={['click']}
      popupRender={() => (
        <div style={{ background: 'var(--ant-color-bg-elevated, #fff)', padding: 12, borderRadius: 8, boxShadow: '0 6px 16px rgba(0,0,0,.12)' }} data-testid="column-chooser">
          <Typography.Text strong>{t('views.columnsTitle')}</Typography.Text>
          <Flex vertical gap={4} style={{ marginTop: 8 }}>
            {columns.map((c) => (
              <Checkbox
                key={c.key}
                checked={visible.includes(c.key)}
                disabled={visible.length === 1 && visible.includes(c.key)}
                onChange={(e) => onChange(columns.map((x) => x.key).filter((k) => (k === c.key ? e.target.checked : visible.includes(k))))}
                data-testid={`column-${c.key}`}
              >
                {c.title}
              </Checkbox>
            ))}
          </Flex>
        </div>
      )}
    >
      <Button icon={<TableOutlined />} data-testid="column-button">
        {t('views.columns')}
      </Button>
    </Dropdown>
  );
}

type SaveValues = { name: string; visibility: 'personal' | 'team'; teamId?: string };

/** The teams a view can be shared with: the user's own (its name when the user may read teams). */
function useMyTeam(): { id: string; name: string } | null {
  const { me, can } = useAuth();
  const t = useT();
  const teamId = me?.user?.teamId ?? null;
  const teams = useQuery({
    queryKey: ['views', 'teams'],
    queryFn: ({ signal }) => api.get<{ items: { id: string; name: string }[] }>('/api/v1/teams', undefined, signal),
    enabled: !!teamId && can('user:read'),
    staleTime: 60_000,
  });
  if (!teamId) return null;
  return { id: teamId, name: teams.data?.items.find((x) => x.id === teamId)?.name ?? t('views.myTeam') };
}

function SaveViewDialog({ page, state, onClose }: { page: ViewPage; state: SavedViewState; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const team = useMyTeam();
  const [form] = Form.useForm<SaveValues>();
  const visibility = Form.useWatch('visibility', form);
  return (
    <FormDialog<SaveValues, SavedViewItem>
      title={t('views.saveTitle')}
      form={form}
      initialValues={{ visibility: 'personal', teamId: team?.id }}
      submit={(v) => api.post<SavedViewItem>('/api/v1/views', { page, name: v.name, state, teamId: v.visibility === 'team' ? (v.teamId ?? team?.id ?? null) : null })}
      onSaved={(view) => {
        message.success(t('views.saved', { name: view.name }));
        void qc.invalidateQueries({ queryKey: viewKeys.page(page) });
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'save-view-form' }}
    >
      <Form.Item name="name" label={t('views.name')} rules={[{ required: true, whitespace: true, message: t('views.nameRequired') }]}>
        <Input maxLength={VIEW_LIMITS.name} autoFocus data-testid="view-name" />
      </Form.Item>
      <Form.Item name="visibility" label={t('views.visibility')} extra={team ? undefined : t('views.noTeam')}>
        <Radio.Group
          options={[
            { value: 'personal', label: t('views.personal') },
            { value: 'team', label: t('views.team'), disabled: !team },
          ]}
          data-testid="view-visibility"
        />
      </Form.Item>
      {visibility === 'team' && team ? (
        <Form.Item name="teamId" label={t('views.teamPick')} rules={[{ required: true, message: t('views.teamRequired') }]}>
          <Select options={[{ value: team.id, label: team.name }]} data-testid="view-team" />
        </Form.Item>
      ) : null}
    </FormDialog>
  );
}

function RenameViewDialog({ view, onClose }: { view: SavedViewItem; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return (
    <FormDialog<{ name: string }, SavedViewItem>
      title={t('views.renameTitle')}
      initialValues={{ name: view.name }}
      submit={(v) => api.patch<SavedViewItem>(`/api/v1/views/${view.id}`, { name: v.name })}
      onSaved={(saved) => {
        message.success(t('views.renamed', { name: saved.name }));
        // The new name shows at once (the menu, the manage list); the refetch then brings the server's order.
        qc.setQueryData<SavedViewList>(viewKeys.page(view.page), (old) => old && { items: old.items.map((x) => (x.id === saved.id ? saved : x)) });
        void qc.invalidateQueries({ queryKey: viewKeys.page(view.page) });
      }}
      onClose={onClose}
      formProps={{ 'data-testid': 'rename-view-form' }}
    >
      <Form.Item name="name" label={t('views.name')} rules={[{ required: true, whitespace: true, message: t('views.nameRequired') }]}>
        <Input maxLength={VIEW_LIMITS.name} autoFocus data-testid="rename-view-name" />
      </Form.Item>
    </FormDialog>
  );
}

/** One line, cut with … when longer than the room (menus and rows on a phone). */
const ONE_LINE: CSSProperties = { display: 'block', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' };
/** The delete confirmation's text wraps within the screen (a long name would otherwise widen it past a phone's edge). */
const CONFIRM_TEXT: CSSProperties = { maxWidth: 'min(320px, calc(100vw - 96px))', overflowWrap: 'anywhere' };

/** A row of 管理视图: the name, personal or shared (and whose), 重命名 (the owner) and 删除 after a confirmation (the owner or an admin). */
function ManagedViewRow({ view: v, canRename, canDelete, deleting, onRename, onDelete }: { view: SavedViewItem; canRename: boolean; canDelete: boolean; deleting: boolean; onRename: () => void; onDelete: () => void }) {
  const t = useT();
  const isPhone = !Grid.useBreakpoint().sm;
  return (
    <Flex align="center" gap={8} style={{ padding: '8px 0', minWidth: 0 }} data-testid="managed-view" data-name={v.name}>
      <Flex vertical gap={2} style={{ flex: 1, minWidth: 0 }}>
        <Typography.Text strong style={ONE_LINE} title={v.name} data-testid="managed-view-name">
          {v.name}
        </Typography.Text>
        <Flex gap={4} wrap align="center" style={{ minWidth: 0 }}>
          {v.teamId ? <Tag color="blue">{t('views.sharedTag', { team: v.teamName ?? '' })}</Tag> : <Tag>{t('views.personalTag')}</Tag>}
          {v.mine ? null : <Typography.Text type="secondary">{t('views.owner', { owner: v.ownerName })}</Typography.Text>}
        </Flex>
      </Flex>
      {canRename ? (
        <Button size="small" icon={<EditOutlined />} onClick={onRename} aria-label={`${t('views.rename')} ${v.name}`} data-testid="view-rename">
          {isPhone ? null : t('views.rename')}
        </Button>
      ) : null}
      {canDelete ? (
        <Popconfirm
          title={<div style={CONFIRM_TEXT}>{t('views.deleteConfirm', { name: v.name })}</div>}
          description={v.teamId ? <div style={CONFIRM_TEXT}>{t('views.deleteConfirmShared', { team: v.teamName ?? t('views.myTeam') })}</div> : undefined}
          okText={t('common.delete')}
          okButtonProps={{ danger: true }}
          cancelText={t('common.cancel')}
          onConfirm={onDelete}
          placement="topRight"
        >
          <Button size="small" danger icon={<DeleteOutlined />} loading={deleting} aria-label={`${t('common.delete')} ${v.name}`} data-testid="view-delete">
            {isPhone ? null : t('common.delete')}
          </Button>
        </Popconfirm>
      ) : null}
    </Flex>
  );
}

/**
 * 管理视图: the views the user may change — their own (rename, delete), and for an admin the others' shared ones too
 * (delete only: the server lets only the owner change a view). A delete asks first, leaves the list at once and can be
 * undone from its message.
 */
function ManageViewsDialog({ page, views, onClose }: { page: ViewPage; views: SavedViewItem[]; onClose: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const { me } = useAuth();
  const qc = useQueryClient();
  const [renaming, setRenaming] = useState<SavedViewItem | null>(null);
  const isAdmin = me?.user?.roleKey === 'admin';
  const key = viewKeys.page(page);
  const refresh = () => void qc.invalidateQueries({ queryKey: key });
  const restore = useMutation({
    mutationFn: (v: SavedViewItem) => api.post<SavedViewItem>(`/api/v1/views/${v.id}/restore`),
    onSuccess: (v) => {
      message.success(t('views.restored', { name: v.name }));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const remove = useMutation({
    mutationFn: (v: SavedViewItem) => api.delete(`/api/v1/views/${v.id}`).then(() => v),
    // Gone from the menu and this list at once; back if the server refuses.
    onMutate: async (v) => {
      await qc.cancelQueries({ queryKey: key });
      qc.setQueryData<SavedViewList>(key, (old) => old && { items: old.items.filter((x) => x.id !== v.id) });
    },
    onSuccess: (v) => {
      refresh();
      const toast = `view-deleted-${v.id}`;
      message.success({
        key: toast,
        duration: 8,
        content: (
          <span data-testid="view-deleted">
            {t('views.deleted', { name: v.name })}{' '}
            <Button
              type="link"
              size="small"
              onClick={() => {
                message.destroy(toast);
                restore.mutate(v);
              }}
              data-testid="view-undo"
            >
              {t('views.undo')}
            </Button>
          </span>
        ),
      });
    },
    onError: (err) => {
      refresh();
      message.error(errorMessage(err));
    },
  });
  const manageable = views.filter((v) => v.mine || isAdmin);
  return (
    <Modal open title={t('views.manageTitle')} onCancel={onClose} footer={null} destroyOnHidden>
      {manageable.length ? (
        <Flex vertical data-testid="manage-views" style={{ minWidth: 0 }}>
          {manageable.map((v) => (
            <ManagedViewRow
              key={v.id}
              view={v}
              canRename={v.mine}
              canDelete
              deleting={remove.isPending && remove.variables?.id === v.id}
              onRename={() => setRenaming(v)}
              onDelete={() => remove.mutate(v)}
            />
          ))}
        </Flex>
      ) : (
        <Empty description={t('views.noneOwned')} />
      )}
      {manageable.length < views.length ? (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }} data-testid="views-others-hint">
          {t('views.othersHint')}
        </Typography.Paragraph>
      ) : null}
      {renaming ? <RenameViewDialog view={renaming} onClose={() => setRenaming(null)} /> : null}
    </Modal>
  );
}

export type SavedViewsProps = {
  page: ViewPage;
  /** The list's current URL search string (filters and sort; `cols=` is taken out and saved as `columns`). */
  search: string;
  /** The visible column keys, on a page with columns. */
  columns?: string[];
  /** Opens a view: the page applies its query and columns (e.g. `setSearchParams(searchOfView(state))`). */
  onApply: (state: SavedViewState, view: SavedViewItem) => void;
};

/**
 * 「视图」: a list page's saved views (personal first, then those shared with the user's team, with the owner's name);
 * choosing one applies it; 「保存当前视图」 saves the page's filters, sort and columns; 「管理视图」 renames the user's own
 * and deletes them (an admin: others' shared ones too) after a confirmation, with 撤销. At phone width it is a compact
 * icon button whose menu, names and dialog stay within the screen (long names cut with …).
 */
export function SavedViews({ page, search, columns, onApply }: SavedViewsProps) {
  const t = useT();
  const isPhone = !Grid.useBreakpoint().md;
  const [dialog, setDialog] = useState<'save' | 'manage' | null>(null);
  const views = useQuery({
    queryKey: viewKeys.page(page),
    queryFn: ({ signal }) => api.get<SavedViewList>('/api/v1/views', { page }, signal),
  });
  const items = views.data?.items ?? [];
  const personal = items.filter((v) => v.mine && !v.teamId);
  const shared = items.filter((v) => !(v.mine && !v.teamId));
  const query = new URLSearchParams(search.replace(/^\?/, ''));
  query.delete('cols');
  const state: SavedViewState = columns ? { query: query.toString(), columns } : { query: query.toString() };
  const entry = (v: SavedViewItem, label: string) => ({
    key: `view:${v.id}`,
    label: (
      <span data-testid="saved-view-item" data-name={v.name} title={label} style={{ ...ONE_LINE, maxWidth: MENU_LABEL_WIDTH }}>
        {label}
      </span>
    ),
  });
  const menu: MenuProps['items'] = [
    ...(personal.length ? [{ type: 'group' as const, key: 'mine', label: t('views.mine'), children: personal.map((v) => entry(v, v.name)) }] : []),
    ...(shared.length ? [{ type: 'group' as const, key: 'shared', label: t('views.shared'), children: shared.map((v) => entry(v, t('views.sharedBy', { name: v.name, owner: v.ownerName }))) }] : []),
    ...(items.length ? [] : [{ key: 'none', disabled: true, label: t('views.none') }]),
    { type: 'divider' as const },
    { key: 'save', icon: <SaveOutlined />, label: <span data-testid="save-view">{t('views.save')}</span> },
    { key: 'manage', icon: <SettingOutlined />, label: <span data-testid="manage-views-item">{t('views.manage')}</span> },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'save' || key === 'manage') return setDialog(key);
    const view = items.find((v) => `view:${v.id}` === key);
    if (view) onApply(view.state, view);
  };
  return (
    <>
      <Dropdown trigger={['click']} menu={{ items: menu, onClick, style: { maxWidth: 'calc(100vw - 16px)' } }}>
        <Button icon={<AppstoreOutlined />} aria-label={t('views.button')} data-testid="saved-views" loading={views.isPending}>
          {isPhone ? null : (
            <>
              {t('views.button')} <DownOutlined />
            </>
          )}
        </Button>
      </Dropdown>
      {dialog === 'save' ? <SaveViewDialog page={page} state={state} onClose={() => setDialog(null)} /> : null}
      {dialog === 'manage' ? <ManageViewsDialog page={page} views={items} onClose={() => setDialog(null)} /> : null}
    </>
  );
}
