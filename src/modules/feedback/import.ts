/**
 * Feedback items as an import target (CSV/XLSX through the import engine, issue #19): each row is one piece of customer
 * voice — its text, optionally its customer (by number or phone), a contact name, a category (by its Chinese or English
 * name) and the day it was received. Every row is analysed and routed like any new item (recordFeedback: sentiment,
 * keywords, the suggested category, the assignment rules, the deadline), with source `import` and the row's import key
 * as its reference (`import:<file hash>:<row>`): a file imported again skips the rows it recorded before.
 *
 * Rejected rows, with the reason in the reader's language: no text or under two characters, over 2,000; a customer
 * number or phone that no customer has (a phone alone is kept as the contact's phone when no customer has it);
 * a customer outside the importer's data scope; a category that does not exist; a date that is not one (or lies in the
 * future).
 */
import type { DbOrTx } from '../../platform/db/client.js';
import type { FieldIssue } from '../../platform/errors.js';
import { normalizePhone } from '../../platform/phone.js';
import { customerAccess, customersByKeys } from '../customers/index.js';
import { importKeyOf, instantOf, parseDateCell, type BatchContext, type Cell, type Importer, type ImportRow, type RowOutcome } from '../imports/index.js';
import { ensureFeedbackSeed } from './categories.service.js';
import { FEEDBACK_LIMITS as L } from './feedback.contract.js';
import * as repo from './feedback.repository.js';
import { recordExternalFeedback } from './feedback.service.js';

export const feedbackImportFields: Importer['fields'] = [
  { key: 'text', required: true, synonyms: ['反馈内容', '反馈', '内容', '意见', '意见建议', '留言', '投诉内容', '客户反馈', '问题描述', 'feedback', 'text', 'comment', 'comments', 'message', 'content'] },
  { key: 'customerExternalId', synonyms: ['客户编号', '客户号', '户号', '用户编号', '用户号', 'customer id', 'customer no', 'customer number'] },
  { key: 'customerPhone', synonyms: ['手机', '手机号', '手机号码', '电话', '联系电话', '客户电话', 'phone', 'mobile'] },
  { key: 'contactName', synonyms: ['姓名', '联系人', '称呼', '客户姓名', '反馈人', 'name', 'contact', 'contact name'] },
  { key: 'category', synonyms: ['分类', '反馈分类', '类别', '问题类型', 'category', 'type'] },
  { key: 'receivedAt', synonyms: ['日期', '反馈日期', '反馈时间', '时间', '提交时间', '收到时间', 'date', 'time', 'received at', 'created at'] },
];

const text = (c: Cell | undefined | null): string => (c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c).trim());

type Parsed = { row: number; text: string; externalId: string | null; phone: string | null; contactName: string | null; category: string | null; at: Date | null };

function parseRow(r: ImportRow): Parsed | FieldIssue {
  const cell = (k: string) => r.values[k]?.[0] ?? null;
  const str = (k: string) => text(cell(k));
  const body = str('text');
  if (!body) return { field: 'text', key: 'validation.required', params: {} };
  if (body.length < L.textMin) return { field: 'text', key: 'validation.too_short', params: { min: L.textMin } };
  if (body.length > L.text) return { field: 'text', key: 'validation.too_long', params: { max: L.text } };
  const phoneRaw = str('customerPhone');
  const phone = phoneRaw ? normalizePhone(phoneRaw) : null;
  if (phoneRaw && !phone) return { field: 'customerPhone', key: 'validation.invalid_phone', params: { value: phoneRaw.slice(0, 32) } };
  const externalId = str('customerExternalId');
  if (externalId.length > 100) return { field: 'customerExternalId', key: 'validation.too_long', params: { max: 100 } };
  const name = str('contactName');
  if (name.length > L.name) return { field: 'contactName', key: 'validation.too_long', params: { max: L.name } };
  let at: Date | null = null;
  const rawDate = cell('receivedAt');
  if (rawDate !== null && text(rawDate) !== '') {
    const d = parseDateCell(rawDate);
    at = d ? instantOf(d) : null;
    if (!at || at.getTime() > Date.now() + 86_400_000) return { field: 'receivedAt', key: 'imports.invalid_date', params: { value: text(rawDate).slice(0, 50) } };
  }
  return { row: r.row, text: body, externalId: externalId || null, phone, contactName: name || null, category: str('category') || null, at };
}

async function processBatch(tx: DbOrTx, ctx: BatchContext, rows: ImportRow[]): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = [];
  const parsed: Parsed[] = [];
  for (const r of rows) {
    const p = parseRow(r);
    if ('key' in p) outcomes.push({ row: r.row, outcome: 'rejected', issue: p });
    else parsed.push(p);
  }
  if (!parsed.length) return outcomes;
  await ensureFeedbackSeed(tx);
  // Categories by their names (Chinese or English, case ignored); a live one only.
  const byName = new Map<string, string>();
  for (const c of await repo.listCategories(tx, { activeOnly: true })) {
    byName.set(c.nameZh.toLowerCase(), c.id);
    if (!byName.has(c.nameEn.toLowerCase())) byName.set(c.nameEn.toLowerCase(), c.id);
  }
  const { byExternalId, byPhone } = await customersByKeys(tx, {
    externalIds: [...new Set(parsed.flatMap((p) => (p.externalId ? [p.externalId] : [])))],
    phones: [...new Set(parsed.flatMap((p) => (p.phone ? [p.phone] : [])))],
  });
  for (const p of parsed) {
    const customer = (p.externalId && byExternalId.get(p.externalId)) || (p.phone && byPhone.get(p.phone)) || null;
    if (p.externalId && !customer) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'customerExternalId', key: 'imports.customer_not_found', params: { value: p.externalId } } });
      continue;
    }
    if (customer && !customerAccess.reaches(ctx.actor, customer)) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'row', key: 'imports.customer_out_of_scope', params: {} } });
      continue;
    }
    const categoryId = p.category ? (byName.get(p.category.toLowerCase()) ?? null) : null;
    if (p.category && !categoryId) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'category', key: 'feedback.import_category_unknown', params: { value: p.category.slice(0, 50) } } });
      continue;
    }
    const { duplicate } = await recordExternalFeedback(
      tx,
      {
        text: p.text,
        source: 'import',
        sourceRef: `import:${importKeyOf(ctx, p.row)}`,
        customerId: customer?.id ?? null,
        contactName: p.contactName,
        contactPhone: customer ? null : p.phone,
        categoryId,
        createdBy: ctx.actor.userId,
        now: p.at ?? new Date(),
      },
      ctx.actor,
    );
    outcomes.push({ row: p.row, outcome: duplicate ? 'skipped' : 'created' });
  }
  return outcomes.sort((a, b) => a.row - b.row);
}

export const feedbackImporter: Importer = {
  kind: 'feedback',
  permissions: ['feedback:manage'],
  fields: feedbackImportFields,
  // Each row is analysed (segmentation, the sentiment model): smaller batches keep a checkpoint's transaction short.
  batchRows: 500,
  tables: ['feedback_items'],
  processBatch,
};
