/**
 * Transactions as an import target. Each row names its customer by number (external id) or phone; unknown
 * customers are refused, or created when the import asks for it (a purchase history from another system).
 * A transaction already present — same import key, or same external id from another file — is skipped.
 * A refund row may name the purchase or payment it refunds by that transaction's number (`refundOf`, 原交易编号):
 * the original must be imported already or come earlier in the file, be live, the same customer's and not a refund,
 * and the refunds of it never exceed its amount — otherwise the row is rejected with the reason. Such a refund is
 * written with `refund_of_id`, so the written hook's listeners treat it as one entered by hand (loyalty takes back the
 * points the original earned and gives back points spent on it).
 */
import { and, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError, type FieldIssue } from '../../platform/errors.js';
import { normalizePhone } from '../../platform/phone.js';
import { createCustomersForImport, customerAccess, customersByKeys, type CustomerRef } from '../customers/index.js';
import {
  importKeyOf,
  instantOf,
  parseAmountFen,
  parseDateCell,
  parseNumber,
  sameFileRow,
  type BatchContext,
  type Cell,
  type Importer,
  type ImportRow,
  type RowOutcome,
} from '../imports/index.js';
import { applyTransactionCode, checkTransactionCode, codeIssueOf, MAX_COUPON_CODE } from './codes.js';
import { transactions } from './schema.js';
import type { TransactionRow } from './transactions.repository.js';
import * as repo from './transactions.repository.js';
import { transactionsWritten } from './written.js';

const MAX_FEN = 100_000_000_000;

export const transactionImportFields: Importer['fields'] = [
  { key: 'customerExternalId', synonyms: ['客户编号', '客户号', '户号', '用户编号', '用户号', '会员号', 'customer id', 'customer no', 'customer number', 'member id'] },
  { key: 'customerPhone', synonyms: ['客户电话', '手机', '手机号', '手机号码', '电话', '联系电话', 'phone', 'mobile', 'customer phone'] },
  { key: 'customerName', synonyms: ['客户姓名', '客户名称', '姓名', '户名', '户主', 'customer name', 'name'] },
  { key: 'externalId', synonyms: ['交易编号', '订单号', '订单编号', '单号', '流水号', '票据号', '缴费单号', '收据号', 'transaction id', 'order id', 'order no', 'receipt no', 'external id'] },
  { key: 'occurredAt', required: true, synonyms: ['日期', '交易日期', '缴费日期', '购买日期', '下单日期', '下单时间', '交易时间', '缴费时间', '时间', 'date', 'occurred at', 'transaction date', 'order date', 'time'] },
  { key: 'type', synonyms: ['交易类型', '类型', '类别', '业务类型', 'type', 'transaction type'] },
  { key: 'amount', required: true, synonyms: ['金额', '交易金额', '缴费金额', '实收金额', '实付金额', '订单金额', '应收金额', 'amount', 'dollar value', 'value', 'total', 'sum'] },
  { key: 'channel', synonyms: ['渠道', '缴费渠道', '支付方式', '付款方式', 'channel', 'payment method'] },
  { key: 'heatingSeason', synonyms: ['采暖季', '供暖季', '采暖期', '供暖期', 'heating season', 'season'] },
  { key: 'billedArea', synonyms: ['计费面积', '面积', '供暖面积', '建筑面积', '收费面积', 'billed area', 'area'] },
  { key: 'notes', synonyms: ['备注', '说明', 'notes', 'note', 'remark', 'remarks', 'memo'] },
  { key: 'couponCode', synonyms: ['优惠码', '券码', '优惠券码', '优惠券', '券号', '折扣码', 'coupon', 'coupon code', 'promo code', 'voucher code', 'discount code'] },
  { key: 'refundOf', synonyms: ['原交易编号', '原交易号', '原单号', '原订单号', '原缴费单号', '原流水号', '退款原单号', 'refund of', 'original transaction', 'original transaction id', 'original order'] },
];

const TYPES: Record<string, TransactionRow['type']> = {
  购买: 'purchase', 消费: 'purchase', 采购: 'purchase', 销售: 'purchase', 订单: 'purchase', purchase: 'purchase', sale: 'purchase', order: 'purchase',
  缴费: 'payment', 交费: 'payment', 付款: 'payment', 收费: 'payment', 预缴: 'payment', payment: 'payment', pay: 'payment',
  退款: 'refund', 退费: 'refund', 退货: 'refund', refund: 'refund', return: 'refund',
};

const text = (c: Cell | undefined): string => (c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c).trim());

type Parsed = {
  row: number;
  customerExternalId: string | null;
  customerPhone: string | null;
  customerName: string | null;
  /** A coupon code (purchases only): the row is then written on its own, with the code's handler. */
  couponCode: string | null;
  /** The external id of the purchase or payment this refund refunds. */
  refundOf: string | null;
  values: Omit<typeof transactions.$inferInsert, 'customerId'>;
};

function tooLong(field: string, v: string, max: number): FieldIssue | null {
  return v.length > max ? { field, key: 'validation.too_long', params: { max } } : null;
}

function parseRow(r: ImportRow): Parsed | FieldIssue {
  const cell = (k: string) => r.values[k]?.[0] ?? null;
  const str = (k: string) => text(cell(k) ?? undefined);

  const rawDate = cell('occurredAt');
  if (rawDate === null || text(rawDate) === '') return { field: 'occurredAt', key: 'validation.required', params: {} };
  const d = parseDateCell(rawDate);
  const when = d ? instantOf(d) : null;
  if (!when || when.getTime() > Date.now() + 86_400_000) return { field: 'occurredAt', key: 'imports.invalid_date', params: { value: text(rawDate).slice(0, 50) } };

  const rawAmount = cell('amount');
  if (rawAmount === null || text(rawAmount) === '') return { field: 'amount', key: 'validation.required', params: {} };
  let amount = parseAmountFen(typeof rawAmount === 'number' ? rawAmount : text(rawAmount));
  if (amount === null || Math.abs(amount) > MAX_FEN) return { field: 'amount', key: 'imports.invalid_amount', params: { value: text(rawAmount).slice(0, 50) } };

  const refundOf = str('refundOf');
  // A row naming the transaction it refunds is a refund, unless its type says otherwise (then it is refused below).
  let type: TransactionRow['type'] = amount < 0 || refundOf ? 'refund' : 'purchase';
  const rawType = str('type');
  if (rawType) {
    const t = TYPES[rawType.toLowerCase()] ?? TYPES[rawType];
    if (!t) return { field: 'type', key: 'imports.invalid_choice', params: { value: rawType.slice(0, 50) } };
    if (amount < 0 && t !== 'refund') return { field: 'amount', key: 'imports.invalid_amount', params: { value: text(rawAmount).slice(0, 50) } };
    type = t;
  }
  amount = Math.abs(amount);

  let heatingSeason: string | null = null;
  const rawSeason = str('heatingSeason');
  if (rawSeason) {
    const m = /^(\d{4})\D{1,3}(\d{2}|\d{4})\D*$/.exec(rawSeason);
    const from = m ? Number(m[1]) : NaN;
    const to = m ? (m[2]!.length === 2 ? Math.floor(from / 100) * 100 + Number(m[2]) : Number(m[2])) : NaN;
    if (!(to === from + 1)) return { field: 'heatingSeason', key: 'imports.invalid_choice', params: { value: rawSeason.slice(0, 50) } };
    heatingSeason = `${from}-${to}`;
  }
  let billedAreaM2: number | null = null;
  const rawArea = cell('billedArea');
  if (rawArea !== null && text(rawArea) !== '') {
    const n = parseNumber(typeof rawArea === 'number' ? rawArea : text(rawArea));
    if (n === null || n < 0 || n > 1_000_000) return { field: 'billedArea', key: 'imports.invalid_number', params: { value: text(rawArea).slice(0, 50) } };
    billedAreaM2 = Math.round(n * 100) / 100;
  }
  const channel = str('channel');
  const notes = str('notes');
  const externalId = str('externalId');
  const customerExternalId = str('customerExternalId');
  const couponCode = str('couponCode');
  const issue =
    tooLong('channel', channel, 50) ??
    tooLong('notes', notes, 2000) ??
    tooLong('externalId', externalId, 100) ??
    tooLong('customerExternalId', customerExternalId, 100) ??
    tooLong('couponCode', couponCode, MAX_COUPON_CODE) ??
    tooLong('refundOf', refundOf, 100);
  if (issue) return issue;
  if (refundOf && type !== 'refund') return { field: 'refundOf', key: 'transactions.refund_of_not_refund', params: {} };
  if (couponCode && type !== 'purchase') return { field: 'couponCode', key: 'transactions.coupon_purchase_only', params: { code: couponCode } };
  const phone = str('customerPhone');
  if (!customerExternalId && !phone) return { field: 'row', key: 'imports.customer_key_missing', params: {} };
  if (phone && !normalizePhone(phone)) return { field: 'customerPhone', key: 'validation.invalid_phone', params: { value: phone.slice(0, 32) } };
  return {
    row: r.row,
    customerExternalId: customerExternalId || null,
    customerPhone: phone ? normalizePhone(phone) : null,
    customerName: str('customerName').slice(0, 200) || null,
    couponCode: couponCode || null,
    refundOf: refundOf || null,
    values: { occurredAt: when, type, amountFen: amount, channel: channel || null, externalId: externalId || null, heatingSeason, billedAreaM2, notes: notes || null },
  };
}

const prepare = (rows: ImportRow[]): (Parsed | FieldIssue)[] => rows.map(parseRow);

async function processBatch(tx: DbOrTx, ctx: BatchContext, rows: ImportRow[], prepared?: unknown): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = [];
  const parsed: Parsed[] = [];
  const results = (prepared as (Parsed | FieldIssue)[] | undefined) ?? prepare(rows);
  rows.forEach((r, i) => {
    const p = results[i]!;
    if ('key' in p) outcomes.push({ row: r.row, outcome: 'rejected', issue: p });
    else parsed.push(p);
  });
  if (!parsed.length) return outcomes;

  // Customers found by earlier batches of this run are remembered (a purchase log names the same customers again
  // and again); only the others are looked up.
  const cache = (ctx.memo.customers ??= { byExternalId: new Map<string, CustomerRef>(), byPhone: new Map<string, CustomerRef>() }) as {
    byExternalId: Map<string, CustomerRef>;
    byPhone: Map<string, CustomerRef>;
  };
  if (cache.byExternalId.size + cache.byPhone.size > 500_000) {
    cache.byExternalId.clear();
    cache.byPhone.clear();
  }
  const found = await customersByKeys(tx, {
    externalIds: [...new Set(parsed.flatMap((p) => (p.customerExternalId && !cache.byExternalId.has(p.customerExternalId) ? [p.customerExternalId] : [])))],
    phones: [...new Set(parsed.flatMap((p) => (p.customerPhone && !cache.byPhone.has(p.customerPhone) ? [p.customerPhone] : [])))],
  });
  for (const [k, v] of found.byExternalId) cache.byExternalId.set(k, v);
  for (const [k, v] of found.byPhone) cache.byPhone.set(k, v);
  const { byExternalId, byPhone } = cache;
  if (ctx.options.createMissingCustomers) {
    const missing = new Map<string, { externalId: string; name: string | null; phone: string | null }>();
    for (const p of parsed) {
      if (!p.customerExternalId || byExternalId.has(p.customerExternalId) || (p.customerPhone && byPhone.has(p.customerPhone))) continue;
      if (!missing.has(p.customerExternalId)) missing.set(p.customerExternalId, { externalId: p.customerExternalId, name: p.customerName, phone: p.customerPhone });
    }
    for (const [k, c] of await createCustomersForImport(tx, ctx.actor, ctx.jobId, [...missing.values()])) byExternalId.set(k, c);
  }

  const inserts: (typeof transactions.$inferInsert)[] = [];
  const insertRows: number[] = [];
  const coded: { v: typeof transactions.$inferInsert; row: number; code: string }[] = [];
  const refunds: { v: typeof transactions.$inferInsert; row: number; refundOf: string }[] = [];
  const extHere = new Map<string, number>();
  for (const p of parsed) {
    const ext = p.values.externalId;
    if (ext && extHere.has(ext)) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'externalId', key: 'imports.duplicate_in_file', params: { other: extHere.get(ext)!, by: 'externalId' } } });
      continue;
    }
    const customer = (p.customerExternalId && byExternalId.get(p.customerExternalId)) || (p.customerPhone && byPhone.get(p.customerPhone)) || null;
    if (!customer) {
      const value = [p.customerExternalId, p.customerPhone].filter(Boolean).join(' / ');
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: p.customerExternalId ? 'customerExternalId' : 'customerPhone', key: 'imports.customer_not_found', params: { value } } });
      continue;
    }
    if (!customerAccess.reaches(ctx.actor, customer)) {
      outcomes.push({ row: p.row, outcome: 'rejected', issue: { field: 'row', key: 'imports.customer_out_of_scope', params: {} } });
      continue;
    }
    if (ext) extHere.set(ext, p.row);
    const v = { ...p.values, customerId: customer.id, importKey: importKeyOf(ctx, p.row), createdBy: ctx.actor.userId };
    if (p.couponCode) coded.push({ v, row: p.row, code: p.couponCode });
    else if (p.refundOf) refunds.push({ v, row: p.row, refundOf: p.refundOf });
    else {
      inserts.push(v);
      insertRows.push(p.row);
    }
  }
  // Written unless already there: the same import key (this file, imported before) or external id.
  const written = await repo.insertTransactions(tx, inserts);
  const notWritten = inserts.map((v, i) => ({ v, row: insertRows[i]! })).filter(({ v }) => !written.has(v.importKey!));
  const createdRows = insertRows.filter((_, i) => written.has(inserts[i]!.importKey!));
  const createdIds = [...written.values()];
  // Rows with a coupon code one by one, each in its own savepoint with the code's handler: a refused code rejects its
  // row only (nothing of it written). A row imported before is not redeemed again.
  for (const c of coded) {
    try {
      checkTransactionCode(c.code, c.v.type!);
      const row = await (tx as Db).transaction(async (sp) => {
        const inserted = await repo.insertTransactionIfNew(sp, c.v);
        if (inserted) {
          await applyTransactionCode(sp, ctx.actor, {
            transactionId: inserted.id,
            customerId: inserted.customerId,
            code: c.code,
            amountFen: inserted.amountFen,
            type: inserted.type,
            occurredAt: inserted.occurredAt,
            source: 'import',
          });
        }
        return inserted;
      });
      if (row) {
        createdRows.push(c.row);
        createdIds.push(row.id);
      }
      else notWritten.push({ v: c.v, row: c.row });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      outcomes.push({ row: c.row, outcome: 'rejected', issue: codeIssueOf(err) });
    }
  }
  // Refunds naming their original, after the batch's purchases and payments (an original earlier in the batch is found).
  if (refunds.length) {
    const r = await writeRefunds(tx, refunds);
    outcomes.push(...r.rejected);
    notWritten.push(...r.notWritten);
    createdRows.push(...r.created.map((c) => c.row));
    createdIds.push(...r.created.map((c) => c.id));
  }
  const existing = notWritten.length
    ? await repo.findByImportKeysOrExternalIds(
        tx,
        notWritten.map(({ v }) => v.importKey!),
        notWritten.flatMap(({ v }) => (v.externalId ? [v.externalId] : [])),
      )
    : [];
  const keys = new Set(existing.map((e) => e.importKey));
  const byExt = new Map(existing.filter((e) => e.externalId).map((e) => [e.externalId!, e.importKey]));
  for (const { v, row } of notWritten) {
    // Another row of this same file holds the external id: the file repeats itself. Otherwise it was imported before.
    const other = keys.has(v.importKey!) ? null : sameFileRow(ctx, byExt.get(v.externalId ?? '') ?? null);
    if (other !== null) outcomes.push({ row, outcome: 'rejected', issue: { field: 'externalId', key: 'imports.duplicate_in_file', params: { other, by: 'externalId' } } });
    else outcomes.push({ row, outcome: 'skipped' });
  }
  for (const row of createdRows) outcomes.push({ row, outcome: 'created' });
  await transactionsWritten(tx, ctx.actor, { change: 'created', ids: createdIds, source: 'import' });
  return outcomes;
}

type RefundRow = { v: typeof transactions.$inferInsert; row: number; refundOf: string };

/**
 * Refund rows that name their original by its external id: rows imported before are left to the caller (skipped),
 * the others checked as the service checks a refund entered by hand (checkRefundOf) — the original exists, is live,
 * the same customer's and a purchase or payment, locked (in id order) while its refunds are summed with the earlier
 * rows of this batch — and written with `refund_of_id`. The rest are rejected with the reason.
 */
async function writeRefunds(
  tx: DbOrTx,
  rows: RefundRow[],
): Promise<{ created: { row: number; id: string }[]; notWritten: { v: typeof transactions.$inferInsert; row: number }[]; rejected: RowOutcome[] }> {
  const seen = await repo.findByImportKeysOrExternalIds(
    tx,
    rows.map((r) => r.v.importKey!),
    rows.flatMap((r) => (r.v.externalId ? [r.v.externalId] : [])),
  );
  const seenKeys = new Set(seen.map((e) => e.importKey));
  const seenExt = new Set(seen.flatMap((e) => (e.externalId ? [e.externalId] : [])));
  const notWritten = rows.filter((r) => seenKeys.has(r.v.importKey!) || (r.v.externalId && seenExt.has(r.v.externalId)));
  const fresh = rows.filter((r) => !notWritten.includes(r));
  const names = [...new Set(fresh.map((r) => r.refundOf))];
  const originals = new Map(
    (names.length
      ? await tx
          .select({ id: transactions.id, externalId: transactions.externalId, customerId: transactions.customerId, type: transactions.type, amountFen: transactions.amountFen, deletedAt: transactions.deletedAt })
          .from(transactions)
          .where(sql`${transactions.externalId} = any(${sql.param(names)})`)
          .orderBy(transactions.id)
          .for('update')
      : []
    ).map((o): [string, typeof o] => [o.externalId!, o]),
  );
  const ids = [...originals.values()].map((o) => o.id);
  const refunded = new Map(
    ids.length
      ? (
          await tx
            .select({ id: transactions.refundOfId, fen: sql<string>`sum(${transactions.amountFen})` })
            .from(transactions)
            .where(and(sql`${transactions.refundOfId} = any(${sql.param(ids)}::uuid[])`, isNull(transactions.deletedAt)))
            .groupBy(transactions.refundOfId)
        ).map((r): [string, number] => [r.id!, Number(r.fen)])
      : [],
  );
  const rejected: RowOutcome[] = [];
  const valid: RefundRow[] = [];
  for (const r of fresh) {
    const o = originals.get(r.refundOf);
    if (!o) {
      rejected.push({ row: r.row, outcome: 'rejected', issue: { field: 'refundOf', key: 'transactions.refund_of_unknown', params: { value: r.refundOf } } });
      continue;
    }
    if (o.deletedAt || o.customerId !== r.v.customerId || o.type === 'refund') {
      rejected.push({ row: r.row, outcome: 'rejected', issue: { field: 'refundOf', key: 'transactions.refund_of_invalid', params: {} } });
      continue;
    }
    const left = o.amountFen - (refunded.get(o.id) ?? 0);
    if (r.v.amountFen > left) {
      rejected.push({ row: r.row, outcome: 'rejected', issue: { field: 'amount', key: 'transactions.refund_exceeds', params: { left: (Math.max(0, left) / 100).toFixed(2) } } });
      continue;
    }
    refunded.set(o.id, (refunded.get(o.id) ?? 0) + r.v.amountFen);
    valid.push({ ...r, v: { ...r.v, refundOfId: o.id } });
  }
  const written = await repo.insertTransactions(tx, valid.map((r) => r.v));
  return {
    created: valid.flatMap((r) => (written.has(r.v.importKey!) ? [{ row: r.row, id: written.get(r.v.importKey!)! }] : [])),
    // Written meanwhile by another import (the unique import key or external id): skipped, as the rows above.
    notWritten: [...notWritten, ...valid.filter((r) => !written.has(r.v.importKey!))].map(({ v, row }) => ({ v, row })),
    rejected,
  };
}

export const transactionImporter: Importer = {
  kind: 'transactions',
  permissions: ['transaction:write', 'customer:write'],
  fields: transactionImportFields,
  oneOf: [['customerExternalId', 'customerPhone']],
  batchRows: 10000,
  tables: ['transactions', 'customers', 'audit_log', 'import_rejects'],
  prepare,
  processBatch,
};
