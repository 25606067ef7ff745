/**
 * 个人信息请求 (issue #18): use cases of the requests register and the export. Everything needs `privacy:manage` (the
 * administrators' permission); the linked customer is looked up within the actor's data scope.
 *
 * Rules: the due date is the end of the 15th working day after the day of receipt on the company's default business
 * calendar (tickets' SLA calendar, with its holidays and 调休 days), fixed when the request is registered (a later
 * receipt time recomputes it). Status moves only along PRIVACY_TRANSITIONS; handling (`in_progress`) needs the
 * requester's verification on record; answering or refusing needs the answer (a refusal's reason); a closed request
 * changes no more. Every change is audited on the request (entity `privacy_request`), the export on the request and on
 * the customer, so it shows in the customer's history too.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t } from '../../platform/i18n/index.js';
import { usersHoldingPermission } from '../accounts/index.js';
import { entityHistory, recordAudit } from '../audit/index.js';
import { customerInScope } from '../customers/index.js';
import { workingDaysDeadline } from '../tickets/index.js';
import { erasePrivacyRequests } from './erase.requests.js';
import { CONSENT_TABLES, consentSections, eraseConsentData } from './consent.privacy.js';
import { gatherPersonalData, personalDataZip, type ExportManifest } from './export.js';
import { emitPrivacyDue, personalDataHooks, type PersonalDataHook } from './hooks.js';
import {
  OPEN_PRIVACY_STATUSES,
  PRIVACY_DUE_WORKING_DAYS,
  PRIVACY_REMIND_WORKING_DAYS,
  PRIVACY_TRANSITIONS,
  type PrivacyHookList,
  type PrivacyRequestDetail,
  type PrivacyRequestPage,
  type PrivacyRequestStatus,
  type PrivacyRequestView,
} from './privacy.contract.js';
import * as repo from './privacy.repository.js';
import type { CreateRequestInput, RequestListQuery, UpdateRequestInput } from './privacy.types.js';

const PERMISSION = 'privacy:manage' as const;
const isOpen = (s: PrivacyRequestStatus) => OPEN_PRIVACY_STATUSES.includes(s);

function viewOf(r: repo.RequestWithNames, now: Date): PrivacyRequestView {
  const q = r.request;
  const open = isOpen(q.status);
  return {
    id: q.id,
    number: q.number,
    kind: q.kind,
    status: q.status,
    channel: q.channel,
    requesterName: q.requesterName,
    requesterContact: q.requesterContact,
    details: q.details,
    customerId: q.customerId,
    customerName: q.customerId ? r.customerName : null,
    verification:
      q.verificationMethod && q.verifiedAt
        ? { method: q.verificationMethod, note: q.verificationNote, verifiedById: q.verifiedBy, verifiedByName: q.verifiedBy ? r.verifierName : null, verifiedAt: q.verifiedAt.toISOString() }
        : null,
    handlerId: q.handlerId,
    handlerName: q.handlerId ? r.handlerName : null,
    receivedAt: q.receivedAt.toISOString(),
    dueDay: q.dueDay,
    dueAt: q.dueAt.toISOString(),
    overdue: open && q.dueAt.getTime() < now.getTime(),
    dueSoon: open && q.remindAt.getTime() <= now.getTime() && q.dueAt.getTime() >= now.getTime(),
    answer: q.answer,
    closedAt: q.closedAt?.toISOString() ?? null,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}

/** The customer, within the actor's scope; otherwise a 400 naming `customerId` (a request names a customer, it does not open one). */
async function checkCustomer(db: DbOrTx, actor: Actor, customerId: string): Promise<void> {
  try {
    await customerInScope(db, actor, customerId);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') throw AppError.field('customerId', 'privacy.customer_not_found');
    throw err;
  }
}

async function checkHandler(db: DbOrTx, handlerId: string): Promise<void> {
  if (!(await usersHoldingPermission(db, PERMISSION)).includes(handlerId)) throw AppError.field('handlerId', 'privacy.handler_invalid');
}

/** Due (end of the 15th working day) and reminder (end of the 12th) instants for a receipt time. */
async function deadlines(db: DbOrTx, receivedAt: Date): Promise<{ dueDay: string; dueAt: Date; remindAt: Date }> {
  const due = await workingDaysDeadline(db, receivedAt, PRIVACY_DUE_WORKING_DAYS);
  const remind = await workingDaysDeadline(db, receivedAt, PRIVACY_DUE_WORKING_DAYS - PRIVACY_REMIND_WORKING_DAYS);
  return { dueDay: due.day, dueAt: due.at, remindAt: remind.at };
}

async function load(db: DbOrTx, id: string): Promise<repo.RequestWithNames> {
  const r = await repo.findRequest(db, id);
  if (!r) throw AppError.notFound();
  return r;
}

export async function createRequest(db: DbOrTx, actor: Actor | null, input: CreateRequestInput, now: Date): Promise<PrivacyRequestView> {
  requireAccess(actor, PERMISSION);
  const receivedAt = input.receivedAt ? new Date(input.receivedAt) : now;
  if (receivedAt.getTime() > now.getTime() + 60_000) throw AppError.field('receivedAt', 'privacy.received_in_future');
  if (input.customerId) await checkCustomer(db, actor, input.customerId);
  if (input.handlerId) await checkHandler(db, input.handlerId);
  const row = await repo.insertRequest(db, {
    kind: input.kind,
    channel: input.channel,
    requesterName: input.requesterName,
    requesterContact: input.requesterContact ?? null,
    details: input.details ?? null,
    customerId: input.customerId ?? null,
    handlerId: input.handlerId ?? null,
    receivedAt,
    ...(await deadlines(db, receivedAt)),
    ...(input.verification
      ? { verificationMethod: input.verification.method, verificationNote: input.verification.note ?? null, verifiedBy: actor.userId, verifiedAt: now }
      : {}),
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  });
  await recordAudit(db, actor, {
    action: 'create',
    entityType: 'privacy_request',
    entityId: row.id,
    changes: { number: row.number, kind: row.kind, channel: row.channel, customerId: row.customerId, dueDay: row.dueDay, verification: row.verificationMethod },
  });
  return viewOf((await repo.findRequest(db, row.id))!, now);
}

export async function getRequest(db: DbOrTx, actor: Actor | null, id: string, now: Date): Promise<PrivacyRequestDetail> {
  requireAccess(actor, PERMISSION);
  const r = await load(db, id);
  const history = await entityHistory(db, 'privacy_request', id, 200, actor.locale);
  return {
    ...viewOf(r, now),
    history: history.map((h) => ({ id: h.id, at: h.at, actorName: h.actorName, action: h.action, actionLabel: h.actionLabel, changes: h.changes })),
  };
}

export async function listRequests(db: DbOrTx, actor: Actor | null, q: RequestListQuery, now: Date): Promise<PrivacyRequestPage> {
  requireAccess(actor, PERMISSION);
  const filter: repo.RequestFilter = {
    status: q.status,
    kind: q.kind,
    overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
    customerId: q.customerId,
    handlerId: q.handlerId,
  };
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  const rows = await repo.listRequests(db, filter, now, after, q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => viewOf(r, now)),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortAt, last.request.id) : null,
    total: await repo.countRequests(db, filter, now),
  };
}

export async function updateRequest(db: DbOrTx, actor: Actor | null, id: string, input: UpdateRequestInput, now: Date): Promise<PrivacyRequestView> {
  requireAccess(actor, PERMISSION);
  const row = await repo.lockRequest(db, id);
  if (!row) throw AppError.notFound();
  const statusLabel = (s: PrivacyRequestStatus) => t(actor.locale, `privacy.status.${s}`);
  if (!isOpen(row.status)) throw AppError.conflict('privacy.closed', { status: statusLabel(row.status) }, 'status');
  const values: Partial<repo.RequestRow> = {};
  const changes: Record<string, unknown> = {};
  const set = <K extends keyof repo.RequestRow>(key: K, value: repo.RequestRow[K]) => {
    if (row[key] === value) return;
    values[key] = value;
    changes[key] = { from: row[key] instanceof Date ? (row[key] as Date).toISOString() : row[key], to: value instanceof Date ? value.toISOString() : value };
  };
  if (input.customerId !== undefined) {
    if (input.customerId) await checkCustomer(db, actor, input.customerId);
    set('customerId', input.customerId);
  }
  if (input.handlerId !== undefined) {
    if (input.handlerId) await checkHandler(db, input.handlerId);
    set('handlerId', input.handlerId);
  }
  if (input.details !== undefined) set('details', input.details ?? null);
  if (input.answer !== undefined) set('answer', input.answer ?? null);
  if (input.verification) {
    set('verificationMethod', input.verification.method);
    set('verificationNote', input.verification.note ?? null);
    set('verifiedBy', actor.userId);
    values.verifiedAt = now;
  }
  let statusChanged = false;
  if (input.status && input.status !== row.status) {
    const to = input.status;
    if (!PRIVACY_TRANSITIONS[row.status].includes(to)) throw AppError.conflict('privacy.bad_transition', { from: statusLabel(row.status), to: statusLabel(to) }, 'status');
    const verified = values.verificationMethod ?? row.verificationMethod;
    if ((to === 'in_progress' || to === 'answered') && !verified) throw AppError.field('verification', 'privacy.verification_required');
    const answer = input.answer !== undefined ? input.answer : row.answer;
    if ((to === 'answered' || to === 'refused') && !answer) throw AppError.field('answer', 'privacy.answer_required');
    set('status', to);
    if (!isOpen(to)) values.closedAt = now;
    if (to === 'in_progress' && !row.handlerId && values.handlerId === undefined && actor.userId) set('handlerId', actor.userId);
    statusChanged = true;
  }
  if (Object.keys(values).length) {
    await repo.updateRequest(db, id, values);
    if (statusChanged) await recordAudit(db, actor, { action: 'privacy_status', entityType: 'privacy_request', entityId: id, changes });
    else await recordAudit(db, actor, { action: 'update', entityType: 'privacy_request', entityId: id, changes });
  }
  return viewOf((await repo.findRequest(db, id))!, now);
}

/**
 * The ZIP of everything Hearth holds about the request's customer, gathered through every registered hook in one
 * transaction (the caller's), audited before it leaves.
 */
export async function exportRequest(
  db: DbOrTx,
  actor: Actor | null,
  id: string,
  now: Date,
  dataDir?: string,
): Promise<{ zip: Uint8Array; fileName: string; manifest: ExportManifest }> {
  requireAccess(actor, PERMISSION);
  const { request } = await load(db, id);
  if (!request.customerId) throw AppError.conflict('privacy.no_customer', {}, 'customerId');
  await customerInScope(db, actor, request.customerId);
  const modules = await gatherPersonalData(db, request.customerId, dataDir);
  const { zip, manifest } = await personalDataZip(modules, {
    customerId: request.customerId,
    request: { id: request.id, number: request.number, kind: request.kind },
    now,
    locale: actor.locale,
  });
  const counts = Object.fromEntries(manifest.modules.map((m) => [m.module, Object.values(m.records).reduce((a, b) => a + b, 0)]));
  await recordAudit(db, actor, [
    { action: 'privacy_export', entityType: 'privacy_request', entityId: id, changes: { customerId: request.customerId, records: counts } },
    { action: 'privacy_export', entityType: 'customer', entityId: request.customerId, changes: { request: request.number, records: counts } },
  ]);
  return { zip, fileName: `personal-data-${request.number}-${now.toISOString().slice(0, 10)}.zip`, manifest };
}

export function listHooks(actor: Actor | null): PrivacyHookList {
  requireAccess(actor, PERMISSION);
  return { items: personalDataHooks().map((h) => ({ module: h.module, tables: [...h.tables] })) };
}

/** Requests per reminder pass (the register is small; a pass after downtime catches up in several). */
const REMIND_BATCH = 200;

/**
 * Tells the handler (or, with none, every holder of privacy:manage — the notifications module decides) of each open
 * request whose reminder time (3 working days before the due date) or due time has come, once per stage: the stage is
 * written on the request in the same transaction as the notification, and the rows are taken `for update skip
 * locked`, so two processes never tell the same stage twice. Returns the reminders sent.
 */
export async function remindPrivacyRequests(db: Db, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await repo.dueForReminder(tx, now, REMIND_BATCH);
      for (const r of rows) {
        const stage = r.dueAt.getTime() <= now.getTime() ? 'overdue' : 'due_soon';
        await repo.setRemindedStage(tx, r.id, stage);
        await emitPrivacyDue(tx, { requestId: r.id, number: r.number, kind: r.kind, stage, dueDay: r.dueDay, handlerId: r.handlerId, at: now });
      }
      return rows.length;
    });
    total += n;
    if (n < REMIND_BATCH) return total;
  }
}

/** The privacy module's own hook: the requests a person made (their requester name and contact are theirs). */
export const privacyPersonalData: PersonalDataHook = {
  module: 'privacy',
  tables: ['privacy_requests', ...CONSENT_TABLES],
  async export(db, customerId) {
    return [{ name: 'requests', table: 'privacy_requests', rows: await repo.requestsOfCustomer(db, customerId) }, ...(await consentSections(db, customerId))];
  },
  // The requests, then the consent ledger's notes (consent.privacy.ts).
  erase: async (db, customerId, ctx) => ({ ...(await erasePrivacyRequests(db, customerId, ctx)), ...(await eraseConsentData(db, customerId, ctx)) }),
};
