import { useState } from 'react';
import { App, Button, Flex, Form, Input, Modal, Select, Table, Tag, TreeSelect } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../../platform/api';
import { FormDialog } from '../../platform/FormDialog';
import { useMutation } from '../../platform/forms';
import { localized, useI18n, useT } from '../../platform/i18n';
import { ErrorAlert } from '../../platform/ui';
import { FEEDBACK_LIMITS as L, feedbackKeys, useFeedbackCategories, type FeedbackCategoryView } from './api';
import { categoryTree } from './parts';

type Values = { nameZh: string; nameEn?: string; parentId?: string | null; seedWords: string[] };
type Row = FeedbackCategoryView & { depth: number };

/** The tree in display order, each with its depth. */
function flatten(all: FeedbackCategoryView[]): Row[] {
  const out: Row[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const c of all.filter((x) => x.parentId === parent).sort((a, b) => a.position - b.position)) {
      out.push({ ...c, depth });
      if (depth < 5) walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** A category's form: names, parent and the words that suggest it. */
function CategoryForm({ editing, categories, onClose }: { editing: FeedbackCategoryView | null; categories: FeedbackCategoryView[]; onClose: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return (
    <FormDialog<Values, FeedbackCategoryView>
      title={editing ? t('fb.cat.edit') : t('fb.cat.new')}
      initialValues={editing ? { nameZh: editing.nameZh, nameEn: editing.nameEn, parentId: editing.parentId, seedWords: editing.seedWords } : { seedWords: [] }}
      submit={(v) => {
        const body = { ...v, parentId: v.parentId ?? null, nameEn: v.nameEn || undefined };
        return editing ? api.patch(`/api/v1/feedback-categories/${editing.id}`, body) : api.post('/api/v1/feedback-categories', body);
      }}
      onSaved={() => {
        message.success(t('fb.cat.saved'));
        void qc.invalidateQueries({ queryKey: feedbackKeys.categories });
      }}
      onClose={onClose}
    >
      <Form.Item name="nameZh" label={t('fb.cat.nameZh')} rules={[{ required: true, whitespace: true }, { max: L.categoryName }]}>
        <Input maxLength={L.categoryName} />
      </Form.Item>
      <Form.Item name="nameEn" label={t('fb.cat.nameEn')}>
        <Input maxLength={80} />
      </Form.Item>
      <Form.Item name="parentId" label={t('fb.cat.parent')}>
        <TreeSelect allowClear treeDefaultExpandAll treeData={categoryTree(categories.filter((c) => c.id !== editing?.id), lang)} />
      </Form.Item>
      <Form.Item name="seedWords" label={t('fb.cat.seedWords')} extra={t('fb.cat.seedWordsHint')}>
        <Select mode="tags" open={false} maxCount={L.seedWords} tokenSeparators={[',', '，', '、', ' ']} />
      </Form.Item>
    </FormDialog>
  );
}

/** 管理分类: the category tree with its seed words; new, edit, archive / restore. */
export function CategoriesDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const categories = useFeedbackCategories();
  const [editing, setEditing] = useState<FeedbackCategoryView | 'new' | null>(null);
  const archive = useMutation({
    mutationFn: (c: { id: string; archived: boolean }) => api.patch(`/api/v1/feedback-categories/${c.id}`, { archived: c.archived }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: feedbackKeys.categories }),
    onError: (err) => message.error(errorMessage(err)),
  });
  const all = categories.data ?? [];
  return (
    <Modal open title={t('fb.cat.title')} onCancel={onClose} footer={null} width={720}>
      <ErrorAlert error={categories.error} />
      <Flex justify="flex-end" style={{ marginBottom: 8 }}>
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('fb.cat.new')}
        </Button>
      </Flex>
      <Table<Row>
        rowKey="id"
        size="small"
        pagination={false}
        loading={categories.isPending}
        dataSource={flatten(all)}
        scroll={{ x: 560 }}
        columns={[
          {
            title: t('fb.cat.nameZh'),
            key: 'name',
            width: 160,
            render: (_, c) => (
              <span style={{ paddingInlineStart: c.depth * 16 }}>
                {localized(c, lang, 'name')} {c.archived ? <Tag>{t('fb.cat.archived')}</Tag> : null}
              </span>
            ),
          },
          { title: t('fb.cat.seedWords'), key: 'words', render: (_, c) => c.seedWords.join('、') },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 140,
            render: (_, c) => (
              <Flex gap={4}>
                <Button size="small" type="link" onClick={() => setEditing(c)}>
                  {t('common.edit')}
                </Button>
                <Button size="small" type="link" onClick={() => archive.mutate({ id: c.id, archived: !c.archived })}>
                  {c.archived ? t('fb.cat.unarchive') : t('fb.cat.archive')}
                </Button>
              </Flex>
            ),
          },
        ]}
      />
      {editing ? <CategoryForm editing={editing === 'new' ? null : editing} categories={all} onClose={() => setEditing(null)} /> : null}
    </Modal>
  );
}
