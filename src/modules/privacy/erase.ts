/**
 * Erasure (issue #18, PIPL Art. 47): a deletion request executed through every module's personal-data hook, with two
 * people's consent.
 *
 * Rules. Only a deletion request being handled (`in_progress`: its requester verified) and linked to its customer can
 * be proposed; the proposer and the approver both hold privacy:manage and reach the customer (data scope), and they
 * are two different users — the proposer's own approval is a 403. The approval executes the erasure in its own
 * transaction: the person's records (the customer and every record merged with it) are anonymised by each registered
 * hook (`erase`), the keyed hashes of their phone and ID numbers are kept (erased-keys.ts), the request is answered,
 * and one audit entry on the request records it with ids and counts only — nothing of what was erased. It cannot be
 * undone: the values are gone, not hidden (and an undo would need them). Files (ticket attachments) are deleted once
 * the transaction has committed. A proposal can be withdrawn until it is approved.
 *
 * Every customer record erased is kept in `privacy_erased_customers` (ids only): the customers module asks it
 * (`erasedCustomerIds`, registered by app.ts) and refuses to restore or un-merge such a record. An applied retention
 * policy erases through the same path (`eraseForRetention`), one request of channel `retention` per customer.
 */
import { eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { userDirectory } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import { customerInScope } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import type { PrivacyErasureView } from './erase.contract.js';
import { privacyErasedCustomers, privacyErasures } from './erase.schema.js';
import { recordErasedKeys } from './erased-keys.js';
import { personalDataHooks, type ErasureContext, type PersonalDataHook } from './hooks.js';
import * as repo from './privacy.repository.js';

const PERMISSION = 'privacy:manage' as const;
type ErasureRow = typeof privacyErasures.$inferSelect;

const proposer = alias(userDirectory, 'proposer');
const approver = alias(userDirectory, 'approver');

async function findErasure(db: DbOrTx, requestId: string) {
  const [row] = await db
    .select({ e: privacyErasures, proposedByName: proposer.displayName, approvedByName: approver.displayName })
    .from(privacyErasures)
    .leftJoin(proposer, eq(proposer.id, privacyErasures.proposedBy))
    .leftJoin(approver, eq(approver.id, privacyErasures.approvedBy))
    .where(eq(privacyErasures.requestId, requestId));
  return row;
}

async function viewOf(db: DbOrTx, actor: Actor, requestId: string): Promise<PrivacyErasureView> {
  const r = await findErasure(db, requestId);
  const e = r?.e;
  return {
    requestId,
    status: !e ? 'none' : e.executedAt ? 'executed' : 'proposed',
    source: e?.source ?? 'request',
    runId: e?.runId ?? null,
    proposedById: e?.proposedBy ?? null,
    proposedByName: e ? (r?.proposedByName ?? null) : null,
    proposedAt: e?.proposedAt.toISOString() ?? null,
    approvedById: e?.approvedBy ?? null,
    approvedByName: e?.approvedBy ? (r?.approvedByName ?? null) : null,
    executedAt: e?.executedAt?.toISOString() ?? null,
    records: e?.records ?? null,
    counts: e?.counts ?? null,
    canApprove: !!e && !e.executedAt && e.proposedBy !== actor.userId,
  };
}

/** The request, locked, checked to be an erasable deletion request; its customer within the actor's scope. */
async function erasable(db: DbOrTx, actor: Actor, requestId: string): Promise<repo.RequestRow & { customerId: string }> {
  const row = await repo.lockRequest(db, requestId);
  if (!row) throw AppError.notFound();
  if (row.kind !== 'deletion') throw AppError.conflict('privacy.erasure_not_deletion', {}, 'kind');
  const [done] = await db.select().from(privacyErasures).where(eq(privacyErasures.requestId, requestId));
  if (done?.executedAt) throw AppError.conflict('privacy.erasure_done', {}, 'status');
  if (row.status !== 'in_progress') throw AppError.conflict('privacy.erasure_not_in_progress', { status: t(actor.locale, `privacy.status.${row.status}`) }, 'status');
  if (!row.customerId) throw AppError.conflict('privacy.erasure_no_customer', {}, 'customerId');
  await customerInScope(db, actor, row.customerId);
  return { ...row, customerId: row.customerId };
}

export async function getErasure(db: DbOrTx, actor: Actor | null, requestId: string): Promise<PrivacyErasureView> {
  requireAccess(actor, PERMISSION);
  if (!(await repo.findRequest(db, requestId))) throw AppError.notFound();
  return viewOf(db, actor, requestId);
}

/** The first person's step: the erasure is proposed (audited: who, which request and customer). */
export async function proposeErasure(db: DbOrTx, actor: Actor | null, requestId: string, now: Date): Promise<PrivacyErasureView> {
  requireAccess(actor, PERMISSION);
  if (!actor.userId) throw AppError.forbidden(); // a person proposes (the system and the CLI have no second person)
  const row = await erasable(db, actor, requestId);
  if (await findErasure(db, requestId)) throw AppError.conflict('privacy.erasure_proposed', {}, 'status');
  await db.insert(privacyErasures).values({ requestId, proposedBy: actor.userId, proposedAt: now });
  await recordAudit(db, actor, { action: 'privacy_erasure_proposed', entityType: 'privacy_request', entityId: requestId, changes: { customerId: row.customerId } });
  return viewOf(db, actor, requestId);
}

/** A proposal withdrawn (by anyone holding privacy:manage) before it was approved. */
export async function withdrawErasure(db: DbOrTx, actor: Actor | null, requestId: string): Promise<PrivacyErasureView> {
  requireAccess(actor, PERMISSION);
  const row = await repo.lockRequest(db, requestId);
  if (!row) throw AppError.notFound();
  const found = await findErasure(db, requestId);
  if (!found) throw AppError.conflict('privacy.erasure_not_proposed', {}, 'status');
  if (found.e.executedAt) throw AppError.conflict('privacy.erasure_done', {}, 'status');
  await db.delete(privacyErasures).where(eq(privacyErasures.requestId, requestId));
  await recordAudit(db, actor, { action: 'privacy_erasure_withdrawn', entityType: 'privacy_request', entityId: requestId, changes: { proposedBy: found.e.proposedBy } });
  return viewOf(db, actor, requestId);
}

/** Work the caller runs once the transaction has committed (files to delete). */
export type AfterCommit = (() => Promise<void>)[];

/**
 * The second person's step: approved and executed, in the caller's transaction. `afterCommit` collects what must wait
 * for the commit (the route runs it).
 */
export async function approveErasure(
  db: DbOrTx,
  actor: Actor | null,
  requestId: string,
  now: Date,
  opts: { dataDir?: string; afterCommit: AfterCommit },
): Promise<PrivacyErasureView> {
  requireAccess(actor, PERMISSION);
  const row = await erasable(db, actor, requestId);
  const found = await findErasure(db, requestId);
  if (!found) throw AppError.conflict('privacy.erasure_not_proposed', {}, 'status');
  if (!actor.userId || found.e.proposedBy === actor.userId) throw AppError.forbidden('privacy.erasure_own');
  const { records, counts, keys } = await eraseCustomer(db, row.customerId, requestId, now, opts);
  const values: Partial<ErasureRow> = { approvedBy: actor.userId, executedAt: now, records, counts };
  await db.update(privacyErasures).set(values).where(eq(privacyErasures.requestId, requestId));
  const answered = (await repo.lockRequest(db, requestId))?.answer; // as the privacy hook left it (scrubbed)
  await repo.updateRequest(db, requestId, {
    status: 'answered',
    closedAt: now,
    answer: answered ?? t(actor.locale, 'privacy.erasure.answer'),
    handlerId: row.handlerId ?? actor.userId,
  });
  await recordAudit(db, actor, {
    action: 'privacy_erasure',
    entityType: 'privacy_request',
    entityId: requestId,
    changes: { customerId: row.customerId, proposedBy: found.e.proposedBy, approvedBy: actor.userId, records, keys, rows: counts, status: { from: row.status, to: 'answered' } },
  });
  return viewOf(db, actor, requestId);
}

/** Identifying strings shorter than this would match too much (a one-character name). */
const MIN_NEEDLE = 2;

const needlesOf = (values: Iterable<string>) => [...new Set([...values].map((v) => v.trim()).filter((v) => v.length >= MIN_NEEDLE))].sort((a, b) => b.length - a.length || a.localeCompare(b));

/**
 * Every record of the person (the customer and those merged with it) through every hook: identifiers first, from all
 * of them, then each hook's erase. Returns the records, the rows per table and the hashes kept.
 */
export async function eraseCustomer(
  db: DbOrTx,
  customerId: string,
  requestId: string | null,
  now: Date,
  opts: { dataDir?: string; afterCommit: AfterCommit },
  hooks: readonly PersonalDataHook[] = personalDataHooks(),
): Promise<{ records: number; counts: Record<string, number>; keys: number }> {
  const subjects = [customerId];
  for (const h of hooks) if (h.related) for (const id of await h.related(db, customerId)) if (!subjects.includes(id)) subjects.push(id);
  const everywhere: string[] = [];
  const linked: string[] = [];
  const keys = { phones: [] as string[], idNumbers: [] as string[] };
  for (const id of subjects)
    for (const h of hooks) {
      const found = h.identifiers ? await h.identifiers(db, id) : undefined;
      if (!found) continue;
      everywhere.push(...found.everywhere);
      linked.push(...(found.linked ?? []));
      keys.phones.push(...(found.keys?.phones ?? []));
      keys.idNumbers.push(...(found.keys?.idNumbers ?? []));
    }
  const counts: Record<string, number> = {};
  for (const id of subjects) {
    const ctx: ErasureContext = {
      now,
      pseudonym: `已删除用户 #${id.replace(/-/g, '').slice(0, 8)}`,
      needles: needlesOf([...everywhere, ...linked]),
      everywhere: needlesOf(everywhere),
      dataDir: opts.dataDir,
      afterCommit: (fn) => void opts.afterCommit.push(fn),
    };
    for (const h of hooks) for (const [table, n] of Object.entries(await h.erase(db, id, ctx))) counts[table] = (counts[table] ?? 0) + n;
  }
  const kept = requestId ? await recordErasedKeys(db, requestId, keys, now) : 0;
  if (requestId)
    await db
      .insert(privacyErasedCustomers)
      .values(subjects.map((customerId) => ({ customerId, requestId, erasedAt: now })))
      .onConflictDoNothing();
  return { records: subjects.length, counts, keys: kept };
}

/**
 * Of these customer records, those an erasure anonymised (the person's record or a duplicate merged into it). What the
 * customers module asks before a restore or a merge's undo (registered by app.ts: customers never imports privacy).
 */
export async function erasedCustomerIds(db: DbOrTx, customerIds: readonly string[]): Promise<Set<string>> {
  if (!customerIds.length) return new Set();
  const rows = await db
    .select({ id: privacyErasedCustomers.customerId })
    .from(privacyErasedCustomers)
    .where(inArray(privacyErasedCustomers.customerId, [...new Set(customerIds)]));
  return new Set(rows.map((r) => r.id));
}

/** What an applied retention policy's erasure of one customer needs to know. */
export type RetentionErasureContext = {
  runId: string;
  /** The administrator who applied the dry run (null: the CLI). */
  appliedBy: string | null;
  now: Date;
  dataDir?: string;
  afterCommit: (fn: () => Promise<void>) => void;
  /** The language of the answer written on the request (the company's default). */
  locale?: Locale;
};

/**
 * 数据保留: one inactive customer anonymised by an applied retention policy, in the caller's (short) transaction,
 * through the same hooks as an approved deletion request. The register shows it: a deletion request of channel
 * `retention` (requester: the pseudonym; answered at once) with its erasure (source `retention`, the apply's
 * administrator as proposer and approver: applying the dry run is the approval), the keyed hashes and the erased
 * records under it, and one audit entry on the request with ids and counts only. Returns the rows changed per table.
 */
export async function eraseForRetention(db: DbOrTx, customerId: string, ctx: RetentionErasureContext): Promise<Record<string, number>> {
  const { now } = ctx;
  const { today } = await companyClock(db, now);
  const request = await repo.insertRequest(db, {
    kind: 'deletion',
    channel: 'retention',
    status: 'in_progress',
    requesterName: `已删除用户 #${customerId.replace(/-/g, '').slice(0, 8)}`,
    customerId,
    handlerId: ctx.appliedBy,
    receivedAt: now,
    dueDay: today,
    dueAt: now,
    remindAt: now,
    createdBy: ctx.appliedBy,
    createdAt: now,
    updatedAt: now,
  });
  await db.insert(privacyErasures).values({ requestId: request.id, source: 'retention', runId: ctx.runId, proposedBy: ctx.appliedBy, proposedAt: now });
  const afterCommit: AfterCommit = [];
  const { records, counts, keys } = await eraseCustomer(db, customerId, request.id, now, { dataDir: ctx.dataDir, afterCommit });
  for (const fn of afterCommit) ctx.afterCommit(fn);
  await db.update(privacyErasures).set({ approvedBy: ctx.appliedBy, executedAt: now, records, counts }).where(eq(privacyErasures.requestId, request.id));
  await repo.updateRequest(db, request.id, { status: 'answered', closedAt: now, answer: t(ctx.locale ?? 'zh-CN', 'privacy.erasure.retention_answer') });
  await recordAudit(db, systemActor('system'), {
    action: 'privacy_erasure',
    entityType: 'privacy_request',
    entityId: request.id,
    changes: { customerId, source: 'retention', runId: ctx.runId, appliedBy: ctx.appliedBy, records, keys, rows: counts },
  });
  return counts;
}
