import type { ReactNode } from 'react';
import { App, Form, Select } from 'antd';
import { SwapOutlined, TagsOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { BulkBar } from '../../platform/BulkBar';
import { bulkReportSummary } from '../../platform/BulkReportSummary';
import { FormDialog } from '../../platform/FormDialog';
import { useT, type Translate } from '../../platform/i18n';
import { postTicketBulk, TICKET_BULK_STATUSES, TICKET_LIMITS, useRefreshTickets, useTicketTags, useTicketUsers, type TicketBulkAction, type TicketBulkInput, type TicketBulkResult, type TicketSummary } from './api';

/** The "nobody" choice of the assignee picker (unassign). */
const NOBODY = '__nobody__';

/** What a bulk change did, as one message (the shared shape; the tickets' words). */
export function bulkSummary(t: Translate, r: TicketBulkResult, unassign = false): ReactNode {
  return bulkReportSummary(t, {
    report: r,
    done: t(r.action === 'assign' && unassign ? 'tk.bulk.done.unassign' : `tk.bulk.done.${r.action}`, { n: r.done }),
    noneDone: t('tk.bulk.noneDone'),
    unchanged: (n) => t('tk.bulk.unchanged', { n }),
    refusedHead: (n) => t('tk.bulk.refused', { n }),
    refusedItem: (x) => (x.number !== null ? t('tk.bulk.refusedItem', { number: x.number, reason: x.reason ?? '' }) : (x.reason ?? '')),
    more: (n) => t('tk.bulk.more', { n }),
    testId: 'bulk-result',
    itemTestId: 'bulk-refused',
  });
}

type Values = { assigneeId?: string; status?: (typeof TICKET_BULK_STATUSES)[number]; tags?: string[] };

/** The dialog of one bulk action: its one field, OK sends the change for every selected ticket (once). */
function BulkDialog({ action, tickets, onClose, onDone }: { action: TicketBulkAction; tickets: TicketSummary[]; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const { message } = App.useApp();
  const refresh = useRefreshTickets();
  const users = useTicketUsers();
  const tags = useTicketTags();
  const ids = tickets.map((x) => x.id);
  const n = tickets.length;
  const toInput = (v: Values): TicketBulkInput =>
    action === 'assign'
      ? { action, ids, assigneeId: v.assigneeId === NOBODY ? null : (v.assigneeId ?? null) }
      : action === 'status'
        ? { action, ids, status: v.status! }
        : { action, ids, tags: [...new Set((v.tags ?? []).map((x) => x.trim()).filter(Boolean))] };
  const saved = (r: TicketBulkResult, v: Values) => {
    const content = bulkSummary(t, r, action === 'assign' && v.assigneeId === NOBODY);
    if (r.refused) message.warning(content, 10);
    else message.success(content, 5);
    refresh();
    onDone();
  };
  const title = t(`tk.bulk.${action}Title`, { n });
  return (
    <FormDialog<Values, TicketBulkResult>
      title={title}
      okText={t('tk.bulk.ok')}
      cancelText={t('tk.cancel')}
      submit={(v) => postTicketBulk(toInput(v))}
      onSaved={saved}
      onClose={onClose}
      formProps={{ 'data-testid': `bulk-${action}-form` }}
      errorFields={(f) => (f.startsWith('tags') ? 'tags' : f)}
    >
      {action === 'assign' ? (
        <Form.Item name="assigneeId" label={t('tk.bulk.assignee')} rules={[{ required: true, message: t('tk.bulk.required', { field: t('tk.bulk.assignee') }) }]}>
          <Select
            showSearch
            optionFilterProp="label"
            aria-label={t('tk.bulk.assignee')}
            autoFocus
            options={[{ value: NOBODY, label: t('tk.bulk.unassign') }, ...(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))]}
          />
        </Form.Item>
      ) : action === 'status' ? (
        <Form.Item name="status" label={t('tk.bulk.newStatus')} extra={t('tk.bulk.statusHint')} rules={[{ required: true, message: t('tk.bulk.required', { field: t('tk.bulk.newStatus') }) }]}>
          <Select aria-label={t('tk.bulk.newStatus')} autoFocus options={TICKET_BULK_STATUSES.map((s) => ({ value: s, label: t(`tk.status.${s}`) }))} />
        </Form.Item>
      ) : (
        <Form.Item
          name="tags"
          label={t('tk.field.tags')}
          extra={t('tk.tags.hint', { max: TICKET_LIMITS.tags })}
          rules={[
            { required: true, type: 'array', min: 1, message: t('tk.bulk.required', { field: t('tk.field.tags') }) },
            {
              validator: async (_, v?: string[]) => {
                const long = (v ?? []).find((x) => x.trim().length > TICKET_LIMITS.tag);
                if (long) throw new Error(t('tk.tags.tooLong', { max: TICKET_LIMITS.tag }));
              },
            },
          ]}
        >
          <Select mode="tags" aria-label={t('tk.field.tags')} autoFocus maxCount={TICKET_LIMITS.tags} tokenSeparators={[',', '，']} options={(tags.data ?? []).map((x) => ({ value: x.tag, label: x.tag }))} />
        </Form.Item>
      )}
    </FormDialog>
  );
}

/** The bar above the queue while tickets are selected: how many, 分配给…, 更改状态, 添加标签, clear. */
export function TicketBulkBar({ selected, onClear }: { selected: TicketSummary[]; onClear: () => void }) {
  const t = useT();
  return (
    <BulkBar<TicketBulkAction>
      count={selected.length}
      selectedLabel={t('tk.bulk.selected', { n: selected.length })}
      clearLabel={t('tk.bulk.clear')}
      testId="ticket-bulk-bar"
      onClear={onClear}
      actions={[
        { key: 'assign', label: t('tk.bulk.assign'), icon: <UserSwitchOutlined />, primary: true, testId: 'bulk-assign' },
        { key: 'status', label: t('tk.bulk.status'), icon: <SwapOutlined />, testId: 'bulk-status' },
        { key: 'tag', label: t('tk.bulk.tag'), icon: <TagsOutlined />, testId: 'bulk-tag' },
      ]}
      dialog={(action, close, done) => <BulkDialog action={action} tickets={selected} onClose={close} onDone={done} />}
    />
  );
}
