import { useMemo, useState } from 'react';
import {
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Popconfirm,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Tree,
  TreeSelect,
  Typography,
  type TableColumnsType,
} from 'antd';
import { useSearchParams } from 'react-router';
import { DeleteOutlined, EditOutlined, FolderAddOutlined, PlusOutlined, UndoOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { useAuth } from '../../platform/auth';
import { formatDateTime } from '../../platform/format';
import { applyServerErrors, useMutation } from '../../platform/forms';
import { FormDialog } from '../../platform/FormDialog';
import { localized, useI18n, useT, type Lang, type Translate } from '../../platform/i18n';
import { ErrorAlert, FormErrors, PageHeader } from '../../platform/ui';
import { ArticleBody } from './ArticleBody';
import { KeysetPager } from '../../platform/KeysetPager';
import {
  KB_LIMITS,
  kbKeys,
  useKbArticle,
  useKbArticles,
  useKbCategories,
  useKbVersions,
  type ArticleInput,
  type KbArticle,
  type KbArticleListItem,
  type KbArticleStatus,
  type KbArticleVersion,
  type KbCategory,
} from './api';

type TreeNode = { key: string; title: string; value: string; children: TreeNode[] };

/** The flat category list as a tree (for antd Tree and TreeSelect). */
function useCategoryTree(categories: KbCategory[] | undefined, lang: Lang): TreeNode[] {
  return useMemo(() => {
    const nodes = new Map<string, TreeNode>();
    for (const c of categories ?? []) {
      const name = localized(c, lang, 'name');
      nodes.set(c.id, { key: c.id, value: c.id, title: `${name} (${c.articleCount})`, children: [] });
    }
    const roots: TreeNode[] = [];
    for (const c of categories ?? []) {
      const node = nodes.get(c.id)!;
      const parent = c.parentId ? nodes.get(c.parentId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    return roots;
  }, [categories, lang]);
}

function StatusTag({ status }: { status: KbArticleStatus }) {
  const t = useT();
  return <Tag color={status === 'published' ? 'green' : 'default'}>{t(`kb.status.${status}`)}</Tag>;
}

type Values = Omit<ArticleInput, 'tags'> & { tags?: string[] };

function ArticleEditor({ editing, onClose }: { editing: KbArticle | 'new' | null; onClose: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<string[]>([]);
  const categories = useKbCategories();
  const tree = useCategoryTree(categories.data, lang);
  const body = Form.useWatch('body', form) ?? '';
  const format = Form.useWatch('bodyFormat', form) ?? 'markdown';
  const isNew = editing === 'new';
  const save = useMutation({
    mutationFn: (v: Values) => {
      const input: ArticleInput = {
        title: v.title ?? '',
        titleEn: v.titleEn?.trim() || null,
        summary: v.summary?.trim() || null,
        body: v.body ?? '',
        bodyFormat: v.bodyFormat,
        categoryId: v.categoryId ?? null,
        tags: v.tags ?? [],
        status: v.status,
        isPublic: v.isPublic,
      };
      return isNew || !editing ? api.post<KbArticle>('/api/v1/kb/articles', input) : api.patch<KbArticle>(`/api/v1/kb/articles/${editing.id}`, { ...input, version: editing.version });
    },
    onSuccess: (saved) => {
      setErrors([]);
      message.success(t('kb.saved'));
      qc.setQueryData(kbKeys.article(saved.id), saved);
      void qc.invalidateQueries({ queryKey: kbKeys.all });
      onClose();
    },
    onError: (err) => setErrors(applyServerErrors(form, err)),
  });
  const initial: Partial<Values> =
    editing && editing !== 'new'
      ? { title: editing.title, titleEn: editing.titleEn ?? '', summary: editing.summary ?? '', body: editing.body, bodyFormat: editing.bodyFormat, categoryId: editing.categoryId, tags: editing.tags, status: editing.status, isPublic: editing.isPublic }
      : { bodyFormat: 'markdown', status: 'draft', isPublic: false, tags: [] };
  return (
    <Drawer
      open={!!editing}
      width={760}
      title={isNew ? t('kb.editor.new') : t('kb.editor.edit')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('kb.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="kb-save">
            {t('kb.save')}
          </Button>
        </Space>
      }
    >
      <FormErrors errors={errors} />
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="title" label={t('kb.field.title')} required>
          <Input maxLength={KB_LIMITS.title} data-testid="kb-title" />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} md={12}>
            <Form.Item name="categoryId" label={t('kb.field.category')}>
              <TreeSelect treeData={tree} allowClear treeDefaultExpandAll data-testid="kb-category" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="titleEn" label={t('kb.field.titleEn')}>
              <Input maxLength={KB_LIMITS.titleEn} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="summary" label={t('kb.field.summary')}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={KB_LIMITS.summary} />
        </Form.Item>
        <Form.Item name="bodyFormat" label={t('kb.field.bodyFormat')}>
          <Radio.Group optionType="button" options={[{ value: 'markdown', label: t('kb.format.markdown') }, { value: 'text', label: t('kb.format.text') }]} />
        </Form.Item>
        <Tabs
          size="small"
          items={[
            {
              key: 'edit',
              label: t('kb.field.body'),
              forceRender: true,
              children: (
                <Form.Item name="body" required extra={t('kb.bodyHelp')}>
                  <Input.TextArea autoSize={{ minRows: 10, maxRows: 24 }} data-testid="kb-body-input" />
                </Form.Item>
              ),
            },
            { key: 'preview', label: t('kb.preview'), children: <Card size="small"><ArticleBody body={body} format={format} /></Card> },
          ]}
        />
        <Form.Item name="tags" label={t('kb.field.tags')}>
          <Select mode="tags" tokenSeparators={[',', '，', ' ']} maxCount={KB_LIMITS.tags} open={false} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="status" label={t('kb.field.status')}>
            <Radio.Group optionType="button" options={[{ value: 'draft', label: t('kb.status.draft') }, { value: 'published', label: t('kb.status.published') }]} data-testid="kb-status" />
          </Form.Item>
          <Form.Item name="isPublic" label={t('kb.field.isPublic')} valuePropName="checked">
            <Switch data-testid="kb-public" />
          </Form.Item>
        </Space>
      </Form>
    </Drawer>
  );
}

function ArticleView({ id, onClose, onEdit }: { id: string | null; onClose: () => void; onEdit: (a: KbArticle) => void }) {
  const t = useT();
  const { can } = useAuth();
  const article = useKbArticle(id);
  const editor = can('kb:manage');
  const versions = useKbVersions(editor ? id : null);
  const a = article.data;
  return (
    <Drawer open={!!id} width={720} onClose={onClose} title={a?.title} extra={editor && a && !a.deletedAt ? <Button icon={<EditOutlined />} onClick={() => onEdit(a)}>{t('kb.edit')}</Button> : null}>
      {article.error ? <ErrorAlert error={article.error} /> : null}
      {a ? (
        <>
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('kb.col.status')}>
              <StatusTag status={a.status} /> <Tag>{a.isPublic ? t('kb.public.yes') : t('kb.public.no')}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('kb.col.updated')}>{formatDateTime(a.updatedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('kb.author')}>{a.author?.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('kb.col.uses')}>{a.useCount} · {t('kb.col.views')} {a.viewCount}</Descriptions.Item>
            {a.tags.length ? <Descriptions.Item label={t('kb.field.tags')}>{a.tags.map((x) => <Tag key={x}>{x}</Tag>)}</Descriptions.Item> : null}
          </Descriptions>
          {a.summary ? <Typography.Paragraph type="secondary">{a.summary}</Typography.Paragraph> : null}
          <ArticleBody body={a.body} format={a.bodyFormat} />
          {editor && versions.data && versions.data.length > 1 ? <VersionHistory article={a} versions={versions.data} /> : null}
        </>
      ) : null}
    </Drawer>
  );
}

/**
 * 历史版本: each saved version, viewable; any whose text differs from the current one can be restored (a new
 * version on the server, refused with 409 when someone changed the article meanwhile).
 */
function VersionHistory({ article, versions }: { article: KbArticle; versions: KbArticleVersion[] }) {
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState<number | null>(null);
  const restore = useMutation({
    mutationFn: (n: number) => api.post<KbArticle>(`/api/v1/kb/articles/${article.id}/versions/${n}/restore`, { version: article.version }),
    onSuccess: (_, n) => {
      message.success(t('kb.version.restored', { n }));
      setOpen(null);
      void qc.invalidateQueries({ queryKey: kbKeys.all });
    },
    onError: (err) => {
      message.error(errorMessage(err));
      void qc.invalidateQueries({ queryKey: kbKeys.all });
    },
  });
  // The newest saved version with the current text (later saves may have changed only the status or category).
  const currentVersion = versions.find((x) => x.title === article.title && x.body === article.body)?.version;
  return (
    <div data-testid="kb-versions">
      <Typography.Title level={5}>{t('kb.versions')}</Typography.Title>
      {versions.map((v) => {
        const current = v.title === article.title && v.body === article.body;
        return (
          <div key={v.version} data-testid={`kb-version-${v.version}`} style={{ marginBottom: 4 }}>
            <Flex gap={8} align="center" wrap>
              <Typography.Text type="secondary">
                {t('kb.version', { n: v.version })} · {v.title} · {v.editedBy?.name ?? '—'} · {formatDateTime(v.editedAt)}
              </Typography.Text>
              {v.version === currentVersion ? <Tag color="blue">{t('kb.version.current')}</Tag> : null}
              <Button size="small" type="link" onClick={() => setOpen(open === v.version ? null : v.version)}>
                {open === v.version ? t('kb.version.hide') : t('kb.version.show')}
              </Button>
              {!current ? (
                <Popconfirm title={t('kb.version.restoreConfirm', { n: v.version })} onConfirm={() => restore.mutate(v.version)} okText={t('kb.version.restore')} cancelText={t('kb.cancel')}>
                  <Button size="small" icon={<UndoOutlined />} loading={restore.isPending && restore.variables === v.version} data-testid={`kb-version-restore-${v.version}`}>
                    {t('kb.version.restore')}
                  </Button>
                </Popconfirm>
              ) : null}
            </Flex>
            {open === v.version ? (
              <Card size="small" style={{ marginTop: 4 }}>
                <ArticleBody body={v.body} format={article.bodyFormat} />
              </Card>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}

/** New category, or rename / move the one given. */
function CategoryDialog({ open, parentId, editing, onClose }: { open: boolean; parentId: string | null; editing?: KbCategory; onClose: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const qc = useQueryClient();
  const categories = useKbCategories();
  const tree = useCategoryTree(categories.data, lang);
  return (
    <FormDialog<{ name: string; nameEn?: string; parentId?: string | null }, KbCategory>
      open={open}
      title={editing ? t('kb.category.edit') : t('kb.category.new')}
      okText={t('kb.save')}
      cancelText={t('kb.cancel')}
      initialValues={editing ? { name: editing.name, nameEn: editing.nameEn ?? '', parentId: editing.parentId } : { parentId }}
      submit={(v) => {
        const body = { name: v.name ?? '', nameEn: v.nameEn || null, parentId: v.parentId ?? null };
        return editing ? api.patch<KbCategory>(`/api/v1/kb/categories/${editing.id}`, body) : api.post<KbCategory>('/api/v1/kb/categories', body);
      }}
      onSaved={() => void qc.invalidateQueries({ queryKey: kbKeys.categories })}
      onClose={onClose}
    >
      <Form.Item name="name" label={t('kb.category.name')} required>
        <Input maxLength={KB_LIMITS.categoryName} />
      </Form.Item>
      <Form.Item name="nameEn" label={t('kb.category.nameEn')}>
        <Input maxLength={KB_LIMITS.categoryName} />
      </Form.Item>
      <Form.Item name="parentId" label={t('kb.category.parent')}>
        <TreeSelect treeData={tree} allowClear treeDefaultExpandAll />
      </Form.Item>
    </FormDialog>
  );
}

type ArticleActions = { onView: (id: string) => void; onEdit: (id: string) => void; onDelete: (id: string) => void; onRestore: (id: string) => void };

/** The article list's columns; for editors, edit / delete (restore in the trash). */
function articleColumns({ t, lang, names, editor, onView, onEdit, onDelete, onRestore }: { t: Translate; lang: Lang; names: Map<string, string>; editor: boolean } & ArticleActions): TableColumnsType<KbArticleListItem> {
  return [
    {
      title: t('kb.col.title'),
      dataIndex: 'title',
      render: (_: string, a) => (
        <div>
          <Typography.Link onClick={() => onView(a.id)} data-testid="kb-row-title">
            {localized(a, lang, 'title')}
          </Typography.Link>
          {a.snippet || a.summary ? (
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 1 }} style={{ margin: 0, fontSize: 12 }}>
              {a.snippet ?? a.summary}
            </Typography.Paragraph>
          ) : null}
        </div>
      ),
    },
    { title: t('kb.col.category'), dataIndex: 'categoryId', width: 120, render: (v: string | null) => (v ? names.get(v) ?? '—' : t('kb.uncategorized')) },
    {
      title: t('kb.col.status'),
      dataIndex: 'status',
      width: 130,
      render: (v: KbArticleStatus, a) => (
        <Space size={2} wrap>
          <StatusTag status={v} />
          {a.isPublic ? <Tag color="blue">{t('kb.public.yes')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('kb.col.uses'), dataIndex: 'useCount', width: 90, align: 'right' },
    { title: t('kb.col.views'), dataIndex: 'viewCount', width: 90, align: 'right' },
    { title: t('kb.col.updated'), dataIndex: 'updatedAt', width: 150, render: (v: string) => formatDateTime(v) },
    ...(editor
      ? [
          {
            title: '',
            key: 'actions',
            width: 96,
            render: (_: unknown, a: KbArticleListItem) =>
              a.deletedAt ? (
                <Button size="small" icon={<UndoOutlined />} onClick={() => onRestore(a.id)}>
                  {t('kb.restore')}
                </Button>
              ) : (
                <Space size={0}>
                  <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('kb.edit')} onClick={() => onEdit(a.id)} />
                  <Popconfirm title={t('kb.deleteConfirm')} onConfirm={() => onDelete(a.id)}>
                    <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('kb.delete')} />
                  </Popconfirm>
                </Space>
              ),
          },
        ]
      : []),
  ];
}

/** The category tree (with 全部分类), and for editors: new, edit and delete the selected category. */
function CategoryPanel(props: {
  editor: boolean;
  tree: TreeNode[];
  categoryId: string | undefined;
  selected: KbCategory | undefined;
  onSelect: (id: string | undefined) => void;
  onDeleted: () => void;
  onDialog: (kind: 'new' | 'edit') => void;
}) {
  const { editor, tree, categoryId, selected, onSelect, onDeleted, onDialog } = props;
  const t = useT();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const removeCategory = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/kb/categories/${id}`),
    onSuccess: () => {
      onDeleted();
      void qc.invalidateQueries({ queryKey: kbKeys.all });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  return (
    <Card
      size="small"
      title={t('kb.categories')}
      extra={
        editor ? (
          <Space size={0}>
            <Button type="text" size="small" icon={<FolderAddOutlined />} aria-label={t('kb.category.new')} onClick={() => onDialog('new')} />
            {selected ? (
              <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('kb.category.edit')} onClick={() => onDialog('edit')} />
            ) : null}
            {selected ? (
              <Popconfirm title={t('kb.category.deleteConfirm', { name: selected.name })} onConfirm={() => removeCategory.mutate(selected.id)}>
                <Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('kb.category.delete')} />
              </Popconfirm>
            ) : null}
          </Space>
        ) : null
      }
    >
      <Button type={categoryId ? 'text' : 'link'} size="small" onClick={() => onSelect(undefined)}>
        {t('kb.allCategories')}
      </Button>
      <Tree
        treeData={tree}
        defaultExpandAll
        selectedKeys={categoryId ? [categoryId] : []}
        onSelect={(keys) => onSelect(keys.length ? String(keys[0]) : undefined)}
      />
    </Card>
  );
}

const PAGE = 20;

/** 知识库: categories on the left; search, status and the trash on top; usage counts in the list. */
export function KbPage() {
  const t = useT();
  const { lang } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const editor = can('kb:manage');
  const [q, setQ] = useState('');
  const [categoryId, setCategoryId] = useState<string | undefined>();
  const [status, setStatus] = useState<KbArticleStatus | undefined>();
  const [trash, setTrash] = useState(false);
  // The article open in the drawer is in the URL (?article=<id>), so a link (global search, a reply's reference) opens it.
  const [params, setParams] = useSearchParams();
  const viewing = params.get('article');
  const setViewing = (id: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (id) next.set('article', id);
        else next.delete('article');
        return next;
      },
      { replace: true },
    );
  const [editing, setEditing] = useState<KbArticle | 'new' | null>(null);
  const [categoryDialog, setCategoryDialog] = useState<'new' | 'edit' | null>(null);
  const categories = useKbCategories();
  const tree = useCategoryTree(categories.data, lang);
  const names = useMemo(() => new Map((categories.data ?? []).map((c) => [c.id, localized(c, lang, 'name')])), [categories.data, lang]);
  // Keyset pages (上一页 / 下一页): a new search, category, status or the trash starts again at the first page.
  const list = useKbArticles({ q: q || undefined, categoryId, status, deleted: trash ? 'only' : undefined }, PAGE);
  const refresh = () => void qc.invalidateQueries({ queryKey: kbKeys.all });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/kb/articles/${id}`),
    onSuccess: () => {
      message.success(t('kb.deleted'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const restore = useMutation({
    mutationFn: (id: string) => api.post(`/api/v1/kb/articles/${id}/restore`),
    onSuccess: () => {
      message.success(t('kb.restored'));
      refresh();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const openEditor = async (id: string) => {
    try {
      setEditing(await qc.fetchQuery({ queryKey: kbKeys.article(id), queryFn: () => api.get<KbArticle>(`/api/v1/kb/articles/${id}`) }));
    } catch (err) {
      message.error(errorMessage(err));
    }
  };
  const selected = categoryId ? categories.data?.find((c) => c.id === categoryId) : undefined;
  return (
    <>
      <PageHeader
        title={t('kb.title')}
        extra={
          editor ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="kb-new">
              {t('kb.new')}
            </Button>
          ) : null
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={6}>
          <CategoryPanel
            editor={editor}
            tree={tree}
            categoryId={categoryId}
            selected={selected}
            onSelect={setCategoryId}
            onDeleted={() => setCategoryId(undefined)}
            onDialog={setCategoryDialog}
          />
        </Col>
        <Col xs={24} md={18}>
          <Flex gap={8} wrap style={{ marginBottom: 12 }}>
            <Input.Search
              allowClear
              placeholder={t('kb.search')}
              style={{ maxWidth: 360 }}
              onSearch={(v) => setQ(v.trim())}
              data-testid="kb-search"
            />
            {editor ? (
              <>
                <Select
                  allowClear
                  style={{ width: 140 }}
                  placeholder={t('kb.status.all')}
                  value={status}
                  onChange={setStatus}
                  options={[{ value: 'draft', label: t('kb.status.draft') }, { value: 'published', label: t('kb.status.published') }]}
                />
                <Button type={trash ? 'primary' : 'default'} icon={<DeleteOutlined />} onClick={() => setTrash(!trash)}>
                  {t('kb.trash')}
                </Button>
              </>
            ) : null}
          </Flex>
          {list.error ? <ErrorAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
          <Table<KbArticleListItem>
            rowKey="id"
            size="middle"
            loading={list.isFetching}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: t('kb.empty') }}
            scroll={{ x: 760 }}
            pagination={false}
            columns={articleColumns({
              t,
              lang,
              names,
              editor,
              onView: setViewing,
              onEdit: (id) => void openEditor(id),
              onDelete: (id) => remove.mutate(id),
              onRestore: (id) => restore.mutate(id),
            })}
          />
          <KeysetPager list={list} testId="kb" total={list.data ? t('kb.total', { n: list.data.total }) : undefined} />
        </Col>
      </Row>
      <ArticleView id={viewing} onClose={() => setViewing(null)} onEdit={(a) => { setViewing(null); setEditing(a); }} />
      <ArticleEditor key={editing === 'new' ? 'new' : editing?.id ?? 'none'} editing={editing} onClose={() => setEditing(null)} />
      {categoryDialog ? (
        <CategoryDialog open parentId={categoryId ?? null} editing={categoryDialog === 'edit' ? selected : undefined} onClose={() => setCategoryDialog(null)} />
      ) : null}
    </>
  );
}
