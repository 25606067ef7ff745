import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isUniqueViolation, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../audit/index.js';
import { customerInScope } from '../customers/index.js';
import { applyTransactionCode, checkTransactionCode } from './codes.js';
import { transactionsWritten } from './written.js';
import * as repo from './transactions.repository.js';
import type { LineRow, ProductRow, TransactionRow } from './transactions.repository.js';
import type { CreateTransactionInput } from './transactions.types.js';
import type { PurchaseSummary, TransactionView } from './transactions.contract.js';

function toView(t: TransactionRow, lines: LineRow[]): TransactionView {
  return {
    id: t.id,
    customerId: t.customerId,
    occurredAt: t.occurredAt.toISOString(),
    type: t.type,
    amountFen: t.amountFen,
    channel: t.channel,
    externalId: t.externalId,
    heatingSeason: t.heatingSeason,
    billedAreaM2: t.billedAreaM2,
    notes: t.notes,
    refundOfId: t.refundOfId,
    lines: lines.map((l) => ({
      position: l.position,
      productId: l.productId,
      description: l.description,
      quantity: l.quantity,
      unitPriceFen: l.unitPriceFen,
      amountFen: l.amountFen,
    })),
    createdAt: t.createdAt.toISOString(),
    deletedAt: t.deletedAt?.toISOString() ?? null,
  };
}

/** Line amounts are quantity × unit price, rounded to the fen; prices default to the catalogue's. */
async function resolveLines(db: DbOrTx, lines: CreateTransactionInput['lines']) {
  const ids = [...new Set(lines.map((l) => l.productId).filter((id): id is string => !!id))];
  const found = new Map<string, ProductRow>((await repo.findProducts(db, ids)).map((p) => [p.id, p]));
  return lines.map((l, i) => {
    const product = l.productId ? found.get(l.productId) : undefined;
    if (l.productId && !product) throw AppError.field(`lines.${i}.productId`, 'products.not_found');
    const description = l.description || product?.name;
    if (!description) throw AppError.field(`lines.${i}.description`, 'validation.required', { field: `lines.${i}.description` });
    const unitPriceFen = l.unitPriceFen ?? product?.priceFen ?? 0;
    return {
      position: i + 1,
      productId: product?.id ?? null,
      description,
      quantity: l.quantity,
      unitPriceFen,
      amountFen: Math.round(l.quantity * unitPriceFen),
    };
  });
}

export async function createTransaction(
  db: DbOrTx,
  actor: Actor | null,
  customerId: string,
  input: CreateTransactionInput,
): Promise<TransactionView> {
  requireAccess(actor, 'transaction:write');
  await customerInScope(db, actor, customerId, { forWrite: true });
  const lines = await resolveLines(db, input.lines);
  const linesTotal = lines.reduce((s, l) => s + l.amountFen, 0);
  let amountFen = input.amountFen;
  if (amountFen === undefined) {
    if (!lines.length) throw AppError.field('amountFen', 'validation.required', { field: 'amountFen' });
    amountFen = linesTotal;
  } else if (lines.length && amountFen !== linesTotal) {
    throw AppError.field('amountFen', 'transactions.amount_mismatch', { lines: (linesTotal / 100).toFixed(2) });
  }
  if (input.externalId && (await repo.findByExternalId(db, input.externalId))) {
    throw AppError.field('externalId', 'transactions.external_id_taken', { value: input.externalId }, 'conflict');
  }
  if (input.refundOfId) await checkRefundOf(db, customerId, input.refundOfId, input.type, amountFen);
  const couponCode = input.couponCode ?? null;
  if (couponCode) checkTransactionCode(couponCode, input.type);
  // With a code the row, its lines and the code's handler share one (sub)transaction: a refused code writes nothing,
  // even for a caller that passed no transaction.
  const write = async (w: DbOrTx) => {
    const written = await repo.insertTransaction(
      w,
      {
        customerId,
        occurredAt: input.occurredAt,
        type: input.type,
        amountFen,
        channel: input.channel ?? null,
        externalId: input.externalId ?? null,
        heatingSeason: input.heatingSeason ?? null,
        billedAreaM2: input.billedAreaM2 ?? null,
        notes: input.notes ?? null,
        refundOfId: input.refundOfId ?? null,
        createdBy: actor.userId,
      },
      lines,
    );
    if (couponCode) {
      await applyTransactionCode(w, actor, {
        transactionId: written.tx.id,
        customerId,
        code: couponCode,
        amountFen,
        type: written.tx.type,
        occurredAt: written.tx.occurredAt,
        source: 'api',
      });
    }
    return written;
  };
  let created: Awaited<ReturnType<typeof repo.insertTransaction>>;
  try {
    created = couponCode ? await (db as Db).transaction((sp) => write(sp)) : await write(db);
  } catch (err) {
    if (isUniqueViolation(err, 'transactions_external_unique')) {
      throw AppError.field('externalId', 'transactions.external_id_taken', { value: input.externalId ?? '' }, 'conflict');
    }
    throw err;
  }
  await transactionsWritten(db, actor, { change: 'created', ids: [created.tx.id], source: 'api' });
  // Recorded on the customer, so it shows in the customer's history.
  await recordAudit(db, actor, {
    action: 'transaction_create',
    entityType: 'customer',
    entityId: customerId,
    changes: {
      transactionId: created.tx.id,
      type: created.tx.type,
      amountFen,
      occurredAt: created.tx.occurredAt.toISOString(),
      ...(couponCode ? { couponCode } : {}),
      ...(input.refundOfId ? { refundOfId: input.refundOfId } : {}),
    },
  });
  return toView(created.tx, created.lines);
}

/**
 * A refund that names its original: a live purchase or payment of the same customer, locked while the refunds are
 * summed, so two refunds at once cannot together exceed its amount.
 */
async function checkRefundOf(db: DbOrTx, customerId: string, refundOfId: string, type: TransactionRow['type'], amountFen: number): Promise<void> {
  if (type !== 'refund') throw AppError.field('refundOfId', 'transactions.refund_of_not_refund');
  const original = await repo.lockTransaction(db, refundOfId);
  if (!original || original.deletedAt || original.customerId !== customerId || original.type === 'refund') throw AppError.field('refundOfId', 'transactions.refund_of_invalid');
  const left = original.amountFen - (await repo.refundedFen(db, refundOfId));
  if (amountFen > left) throw AppError.field('amountFen', 'transactions.refund_exceeds', { left: (Math.max(0, left) / 100).toFixed(2) });
}

export async function listTransactions(
  db: DbOrTx,
  actor: Actor | null,
  customerId: string,
  q: { cursor?: string; limit: number; type?: TransactionRow['type']; deleted: 'exclude' | 'only' },
): Promise<{ items: TransactionView[]; nextCursor: string | null }> {
  requireAccess(actor, 'customer:read');
  await customerInScope(db, actor, customerId);
  const rows = await repo.listForCustomer(db, customerId, {
    type: q.type,
    deleted: q.deleted,
    after: q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const lines = await repo.linesOf(
    db,
    page.map((r) => r.id),
  );
  const byTx = new Map<string, LineRow[]>();
  for (const l of lines) byTx.set(l.transactionId, [...(byTx.get(l.transactionId) ?? []), l]);
  const last = page[page.length - 1];
  return {
    items: page.map((t) => toView(t, byTx.get(t.id) ?? [])),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortValue, last.id) : null,
  };
}

/** Lifetime spend (purchases and payments less refunds), count, first and last date and average order value. */
export async function purchaseSummary(db: DbOrTx, actor: Actor | null, customerId: string): Promise<PurchaseSummary> {
  requireAccess(actor, 'customer:read');
  await customerInScope(db, actor, customerId);
  const s = await repo.summaryFor(db, customerId);
  return {
    count: s.count,
    lifetimeSpendFen: s.grossFen - s.refundsFen,
    grossFen: s.grossFen,
    refundsFen: s.refundsFen,
    averageOrderFen: s.count ? Math.round(s.grossFen / s.count) : null,
    firstAt: s.firstAt?.toISOString() ?? null,
    lastAt: s.lastAt?.toISOString() ?? null,
  };
}

/**
 * Which customer a transaction belongs to and whether it is deleted, for modules that link to one (an interaction
 * about a payment). No access check: the caller has checked the customer.
 */
export async function transactionRef(db: DbOrTx, id: string): Promise<{ id: string; customerId: string; deletedAt: Date | null } | undefined> {
  const row = await repo.findTransaction(db, id);
  return row ? { id: row.id, customerId: row.customerId, deletedAt: row.deletedAt } : undefined;
}

async function loadForWrite(db: DbOrTx, actor: Actor, id: string): Promise<TransactionRow> {
  const row = await repo.findTransaction(db, id);
  if (!row) throw AppError.notFound('transactions.not_found');
  // Out of scope is "not found", exactly as for the customer itself.
  await customerInScope(db, actor, row.customerId, { forWrite: true }).catch(() => {
    throw AppError.notFound('transactions.not_found');
  });
  return row;
}

/** Soft delete (restorable); audited on the customer. */
export async function deleteTransaction(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'transaction:write');
  const row = await loadForWrite(db, actor, id);
  if (row.deletedAt) return;
  await repo.setDeleted(db, id, true);
  await transactionsWritten(db, actor, { change: 'deleted', ids: [id], source: 'api' });
  await recordAudit(db, actor, {
    action: 'transaction_delete',
    entityType: 'customer',
    entityId: row.customerId,
    changes: { transactionId: id, type: row.type, amountFen: row.amountFen },
  });
}

export async function restoreTransaction(db: DbOrTx, actor: Actor | null, id: string): Promise<TransactionView> {
  requireAccess(actor, 'transaction:write');
  const row = await loadForWrite(db, actor, id);
  if (!row.deletedAt) throw AppError.conflict('transactions.not_deleted');
  if (row.refundOfId) await checkRefundOf(db, row.customerId, row.refundOfId, row.type, row.amountFen);
  const after = await repo.setDeleted(db, id, false);
  await transactionsWritten(db, actor, { change: 'restored', ids: [id], source: 'api' });
  await recordAudit(db, actor, {
    action: 'transaction_restore',
    entityType: 'customer',
    entityId: row.customerId,
    changes: { transactionId: id, type: row.type, amountFen: row.amountFen },
  });
  return toView(after!, await repo.linesOf(db, [id]));
}
