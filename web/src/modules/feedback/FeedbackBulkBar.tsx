import type { ReactNode } from 'react';
import { App, Form, Select, TreeSelect } from 'antd';
import { FolderOutlined, SwapOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { BulkBar } from '../../platform/BulkBar';
import { bulkReportSummary } from '../../platform/BulkReportSummary';
import { FormDialog } from '../../platform/FormDialog';
import { useI18n, useT, type Translate } from '../../platform/i18n';
import {
  FEEDBACK_BULK_STATUSES,
  feedbackKeys,
  postFeedbackBulk,
  useFeedbackCategories,
  useFeedbackUsers,
  type FeedbackBulkAction,
  type FeedbackBulkInput,
  type FeedbackBulkResult,
  type FeedbackItemView,
} from './api';
import { categoryTree } from './parts';

/** The "nobody" / "none" choice of the owner and category pickers. */
const NONE = '__none__';

/** What a bulk change did, as one message (the shared shape; the inbox's words). */
export function bulkSummary(t: Translate, r: FeedbackBulkResult): ReactNode {
  return bulkReportSummary(t, {
    report: r,
    done: t(`fb.bulk.done.${r.action}`, { n: r.done }),
    noneDone: t('fb.bulk.noneDone'),
    unchanged: (n) => t('fb.bulk.unchanged', { n }),
    refusedHead: (n) => t('fb.bulk.refused', { n }),
    refusedItem: (x) => (x.number !== null ? t('fb.bulk.refusedItem', { number: x.number, reason: x.reason ?? '' }) : (x.reason ?? '')),
    more: (n) => t('fb.bulk.more', { n }),
    testId: 'fb-bulk-result',
    itemTestId: 'fb-bulk-refused',
  });
}

type Values = { ownerId?: string; status?: (typeof FEEDBACK_BULK_STATUSES)[number]; categoryId?: string };

/** The dialog of one bulk action: its one field; OK sends the change for every selected item, once (FormDialog). */
function BulkDialog({ action, items, onClose, onDone }: { action: FeedbackBulkAction; items: FeedbackItemView[]; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const { lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const users = useFeedbackUsers(action === 'assign');
  const categories = useFeedbackCategories(action === 'category');
  const ids = items.map((x) => x.id);
  const n = items.length;
  const toInput = (v: Values): FeedbackBulkInput =>
    action === 'assign'
      ? { action, ids, ownerId: v.ownerId === NONE ? null : (v.ownerId ?? null) }
      : action === 'status'
        ? { action, ids, status: v.status! }
        : { action, ids, categoryId: v.categoryId === NONE ? null : (v.categoryId ?? null) };
  const saved = (r: FeedbackBulkResult) => {
    const content = bulkSummary(t, r);
    if (r.refused) message.warning(content, 10);
    else message.success(content, 5);
    void qc.invalidateQueries({ queryKey: feedbackKeys.all });
    onDone();
  };
  const required = (field: string) => [{ required: true, message: t('fb.bulk.required', { field }) }];
  return (
    <FormDialog<Values, FeedbackBulkResult>
      title={t(`fb.bulk.${action}Title`, { n })}
      okText={t('fb.bulk.ok')}
      submit={(v) => postFeedbackBulk(toInput(v))}
      onSaved={saved}
      onClose={onClose}
      formProps={{ 'data-testid': `fb-bulk-${action}-form` }}
    >
      {action === 'assign' ? (
        <Form.Item name="ownerId" label={t('fb.bulk.owner')} rules={required(t('fb.bulk.owner'))}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            aria-label={t('fb.bulk.owner')}
            autoFocus
            options={[{ value: NONE, label: t('fb.bulk.unassign') }, ...(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))]}
          />
        </Form.Item>
      ) : action === 'status' ? (
        <Form.Item name="status" label={t('fb.bulk.newStatus')} extra={t('fb.bulk.statusHint')} rules={required(t('fb.bulk.newStatus'))}>
          <Select aria-label={t('fb.bulk.newStatus')} autoFocus options={FEEDBACK_BULK_STATUSES.map((s) => ({ value: s, label: t(`fb.status.${s}`) }))} />
        </Form.Item>
      ) : (
        <Form.Item name="categoryId" label={t('fb.bulk.category')} rules={required(t('fb.bulk.category'))}>
          <TreeSelect
            treeDefaultExpandAll
            aria-label={t('fb.bulk.category')}
            treeData={[{ value: NONE, title: t('fb.uncategorised') }, ...categoryTree(categories.data ?? [], lang)]}
          />
        </Form.Item>
      )}
    </FormDialog>
  );
}

/** The bar above the inbox while items are selected: how many, 分配给…, 更改状态, 设置分类, clear. */
export function FeedbackBulkBar({ selected, onClear }: { selected: FeedbackItemView[]; onClear: () => void }) {
  const t = useT();
  return (
    <BulkBar<FeedbackBulkAction>
      count={selected.length}
      selectedLabel={t('fb.bulk.selected', { n: selected.length })}
      clearLabel={t('fb.bulk.clear')}
      testId="fb-bulk-bar"
      onClear={onClear}
      actions={[
        { key: 'assign', label: t('fb.bulk.assign'), icon: <UserSwitchOutlined />, primary: true, testId: 'fb-bulk-assign' },
        { key: 'status', label: t('fb.bulk.status'), icon: <SwapOutlined />, testId: 'fb-bulk-status' },
        { key: 'category', label: t('fb.bulk.category'), icon: <FolderOutlined />, testId: 'fb-bulk-category' },
      ]}
      dialog={(action, close, done) => <BulkDialog action={action} items={selected} onClose={close} onDone={done} />}
    />
  );
}
