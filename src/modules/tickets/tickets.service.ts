/**
 * Service tickets (工单): intake (agents, API, the public page), the workflow, assignment rules, notes and replies,
 * merge, resolution with the satisfaction check and the return visit. Every write runs in the caller's transaction
 * with its audit entry; the SLA hooks (./sla) are called inside the same transaction.
 */
import { randomBytes } from 'node:crypto';
import { can, requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { displayPhone, maskPhone, normalizePhone } from '../../platform/phone.js';
import { recordAudit } from '../audit/index.js';
import { customerInScope, customerReachable } from '../customers/index.js';
import { createTask, logInteraction } from '../interactions/index.js';
import { sendMessage, type MessagingRuntime } from '../messages/index.js';
import { readCompanySettings, readSetting } from '../settings/index.js';
import { transactionRef } from '../transactions/index.js';
import { slaClocks, slaFactsChanged, slaFirstResponse, slaStatusChanged, startSlaClock } from './sla/index.js';
import type { SlaClockView, SlaTicketFacts, TicketStatus } from './sla/sla.contract.js';
import {
  DEFAULT_ROOT_CAUSES,
  HEATING_CATEGORIES,
  PUBLIC_REOPEN_DAYS,
  type PublicSubmitResult,
  type PublicTicketView,
  type TicketDetail,
  type TicketEventKind,
  type TicketSummary,
} from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { TicketRow, TicketWithRefs, Visibility } from './tickets.repository.js';
import type { CreateTicketInput, ListTicketsQuery, PublicSubmitInput, ResolveInput, UpdateTicketInput } from './tickets.types.js';

/** What the tickets module needs from the process: the outbox runtime (its clock, public links). */
export type TicketsRuntime = MessagingRuntime;

const OPEN: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'waiting_on_customer'];

export const followPath = (token: string) => `/s/t/${token}`;

async function publicBase(db: DbOrTx, rt: TicketsRuntime): Promise<string> {
  const s = await readSetting<{ publicUrl?: string | null }>(db, 'messages.settings');
  return (s?.publicUrl ?? rt.fallbackUrl).replace(/\/+$/, '');
}

// ---- defaults: the heating template's categories and the root causes ------------------------------------------------

/** Seeds the default categories (heating template) and root causes once per installation. */
export async function ensureTicketDefaults(db: DbOrTx): Promise<void> {
  if (await readSetting<boolean>(db, 'tickets.defaults')) return;
  // Two first requests at once: only the one that inserts the marker seeds (the other waits on its row, then skips).
  if (!(await repo.claimMarker(db, 'tickets.defaults'))) return;
  if ((await repo.listCategories(db)).length === 0 && (await readCompanySettings(db)).template === 'heating') {
    let i = 0;
    for (const c of HEATING_CATEGORIES) await repo.insertCategory(db, { nameZh: c.zh, nameEn: c.en, position: (i += 10) });
  }
  if ((await repo.listRootCauses(db)).length === 0) {
    let i = 0;
    for (const c of DEFAULT_ROOT_CAUSES) await repo.insertRootCause(db, { nameZh: c.zh, nameEn: c.en, position: (i += 10) });
  }
}

// ---- visibility ------------------------------------------------------------------------------------------------

const NO_USER = '00000000-0000-0000-0000-000000000000';

function visibilityOf(actor: Actor): Visibility {
  if (actor.scope === 'all') return { kind: 'all' };
  const userId = actor.userId ?? NO_USER;
  return actor.scope === 'team' ? { kind: 'team', userId, teamIds: actor.teamIds } : { kind: 'own', userId };
}

/** Tickets of customers in the actor's data scope, tickets assigned to them (or their teams), and unlinked intake. */
function canSee(actor: Actor, r: TicketWithRefs): boolean {
  const tk = r.ticket;
  if (actor.scope === 'all' || !tk.customerId) return true;
  if (actor.userId && tk.assigneeId === actor.userId) return true;
  if (actor.scope === 'team' && tk.teamId && actor.teamIds.includes(tk.teamId)) return true;
  return customerReachable(actor, { ownerId: r.customerOwnerId, teamId: r.customerTeamId });
}

async function loadVisible(db: DbOrTx, actor: Actor, id: string, lock = false): Promise<TicketWithRefs> {
  const row = await repo.findTicket(db, id, lock);
  if (!row || !canSee(actor, row)) throw AppError.notFound('tickets.not_found');
  return row;
}

// ---- views -----------------------------------------------------------------------------------------------------

function summaryOf(actor: Actor, r: TicketWithRefs, sla: SlaClockView | undefined): TicketSummary {
  const tk = r.ticket;
  const reachable = tk.customerId && customerReachable(actor, { ownerId: r.customerOwnerId, teamId: r.customerTeamId });
  return {
    id: tk.id,
    number: tk.number,
    title: tk.title,
    status: tk.status,
    type: tk.type,
    priority: tk.priority,
    severity: tk.severity,
    source: tk.source,
    categoryId: tk.categoryId,
    category: tk.category,
    customer: tk.customerId ? { id: tk.customerId, name: reachable ? (r.customerName ?? '') : '' } : null,
    contactName: tk.contactName,
    assignee: tk.assigneeId ? { id: tk.assigneeId, name: r.assigneeName ?? '' } : null,
    teamId: tk.teamId,
    reopenCount: tk.reopenCount,
    rating: tk.rating,
    createdAt: tk.createdAt.toISOString(),
    updatedAt: tk.updatedAt.toISOString(),
    sla: sla ?? null,
  };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

async function detailOf(db: DbOrTx, actor: Actor, r: TicketWithRefs, rt: TicketsRuntime): Promise<TicketDetail> {
  const tk = r.ticket;
  const clocks = await slaClocks(db, [tk.id], rt.now());
  const events = await repo.eventsOf(db, tk.id);
  const attachments = await repo.attachmentsOf(db, tk.id);
  return {
    ...summaryOf(actor, r, clocks.get(tk.id)),
    description: tk.description,
    // Masked like every phone number; customer:pii holders reveal it (audited).
    contactPhone: tk.contactPhone ? maskPhone(tk.contactPhone) : null,
    contactAddress: tk.contactAddress,
    transactionId: tk.transactionId,
    mergedIntoId: tk.mergedIntoId,
    rootCauseId: tk.rootCauseId,
    rootCause: (actor.locale === 'en' ? r.rootCauseEn : r.rootCauseZh) ?? null,
    solution: tk.solution,
    outcomeToldAt: iso(tk.outcomeToldAt),
    resolvedAt: iso(tk.resolvedAt),
    closedAt: iso(tk.closedAt),
    ratingComment: tk.ratingComment,
    ratedAt: iso(tk.ratedAt),
    returnVisitTaskId: tk.returnVisitTaskId,
    publicUrl: followPath(tk.publicToken),
    version: tk.version,
    attachments: attachments.map((a) => ({ id: a.id, fileName: a.fileName, contentType: a.contentType, size: a.size, createdAt: a.createdAt.toISOString() })),
    events: events.map((e) => ({
      id: e.event.id,
      kind: e.event.kind,
      body: e.event.body,
      data: e.event.data,
      actor: e.event.actorId ? { id: e.event.actorId, name: e.actorName ?? '' } : null,
      at: e.event.createdAt.toISOString(),
    })),
  };
}

// ---- helpers for writes ----------------------------------------------------------------------------------------

async function factsOf(db: DbOrTx, tk: TicketRow): Promise<SlaTicketFacts> {
  return {
    id: tk.id,
    type: tk.type,
    priority: tk.priority,
    customerTier: tk.customerId ? await repo.valueTier(db, tk.customerId) : null,
    createdAt: tk.createdAt,
  };
}

async function event(db: DbOrTx, ticketId: string, kind: TicketEventKind, actor: Actor | null, body: string | null = null, data: Record<string, unknown> = {}, at?: Date) {
  await repo.insertEvent(db, { ticketId, kind, body, data, actorId: actor?.userId ?? null, ...(at ? { createdAt: at } : {}) });
}

async function audit(db: DbOrTx, actor: Actor, action: string, tk: { id: string; number: number; customerId: string | null }, changes: Record<string, unknown> = {}) {
  await recordAudit(db, actor, { action, entityType: 'ticket', entityId: tk.id, changes: { number: tk.number, customerId: tk.customerId, ...changes } });
}

const stale = (current: number, given: number) => AppError.conflict('tickets.stale', { current, given }, 'version');

async function save(db: DbOrTx, tk: TicketRow, values: Partial<repo.TicketInsert>): Promise<TicketRow> {
  const row = await repo.updateTicket(db, tk.id, tk.version, values);
  if (!row) throw stale(tk.version + 1, tk.version);
  return row;
}

/** Changes the status with the SLA hook and a timeline entry (same transaction). */
async function changeStatus(db: DbOrTx, actor: Actor | null, tk: TicketRow, to: TicketStatus, now: Date, extra: Partial<repo.TicketInsert> = {}, data: Record<string, unknown> = {}): Promise<TicketRow> {
  const from = tk.status;
  const row = await save(db, tk, { status: to, ...extra });
  if (from !== to) {
    await event(db, tk.id, 'status', actor, null, { from, to, ...data }, now);
    await slaStatusChanged(db, tk.id, from, to, now);
  }
  return row;
}

async function categoryOf(db: DbOrTx, id: string | null | undefined, field = 'categoryId'): Promise<{ id: string | null; name: string | null }> {
  if (!id) return { id: null, name: null };
  const c = await repo.findCategory(db, id);
  if (!c || !c.active) throw AppError.field(field, 'tickets.category_not_found');
  return { id: c.id, name: c.nameZh };
}

async function checkTransaction(db: DbOrTx, transactionId: string | null | undefined, customerId: string | null): Promise<string | null> {
  if (!transactionId) return null;
  const tr = await transactionRef(db, transactionId);
  if (!tr || tr.deletedAt || tr.customerId !== customerId) throw AppError.field('transactionId', 'tickets.transaction_mismatch');
  return tr.id;
}

/** Someone who can handle tickets: an active user whose role holds ticket:write. */
async function checkAssignee(db: DbOrTx, id: string): Promise<{ id: string; teamId: string | null }> {
  const u = await repo.activeUser(db, id);
  if (!u) throw AppError.field('assigneeId', 'tickets.assignee_invalid');
  return u;
}

// ---- assignment rules ------------------------------------------------------------------------------------------

async function isVip(db: DbOrTx, c: repo.CustomerFacts): Promise<boolean> {
  if (c.tags.some((tag) => tag.toUpperCase() === 'VIP')) return true;
  return (await repo.valueTier(db, c.id)) === 'high';
}

/** The first active rule whose conditions match decides; null when none does (the ticket stays new). */
export async function assignByRules(db: DbOrTx, tk: { categoryId: string | null; customerId: string | null }): Promise<{ assigneeId: string; teamId: string | null; ruleId: string } | null> {
  const rules = await repo.listRules(db, true);
  if (!rules.length) return null;
  const c = tk.customerId ? await repo.customerFacts(db, tk.customerId) : undefined;
  let vip: boolean | null = null;
  for (const rule of rules) {
    if (rule.categoryId && rule.categoryId !== tk.categoryId) continue;
    if (rule.compound && rule.compound !== c?.compound) continue;
    if (rule.district && rule.district !== c?.district) continue;
    if (rule.vipOnly) {
      if (!c) continue;
      vip ??= await isVip(db, c);
      if (!vip) continue;
    }
    if (rule.target === 'user' && rule.userId) {
      const u = await repo.activeUser(db, rule.userId);
      if (u) return { assigneeId: u.id, teamId: rule.teamId ?? u.teamId, ruleId: rule.id };
    } else if (rule.target === 'owner' && c?.ownerId) {
      const u = await repo.activeUser(db, c.ownerId);
      if (u) return { assigneeId: u.id, teamId: u.teamId, ruleId: rule.id };
    } else if (rule.target === 'team_round_robin' && rule.teamId) {
      // The rule row is locked until commit: two tickets arriving together take consecutive people.
      const locked = (await repo.lockRule(db, rule.id))!;
      const people = await repo.teamHandlers(db, rule.teamId);
      if (!people.length) continue;
      const next = people[(people.indexOf(locked.lastUserId ?? '') + 1) % people.length]!;
      await repo.updateRule(db, rule.id, { lastUserId: next });
      return { assigneeId: next, teamId: rule.teamId, ruleId: rule.id };
    }
  }
  return null;
}

// ---- creating ----------------------------------------------------------------------------------------------------

const newToken = () => randomBytes(32).toString('base64url');

async function afterCreate(db: DbOrTx, actor: Actor | null, tk: TicketRow, now: Date, explicitAssignee?: string): Promise<TicketRow> {
  await event(db, tk.id, 'created', actor, null, { source: tk.source }, now);
  await startSlaClock(db, await factsOf(db, tk), now);
  let target: { assigneeId: string; teamId: string | null; ruleId: string | null } | null = null;
  if (explicitAssignee) {
    const u = await checkAssignee(db, explicitAssignee);
    target = { assigneeId: u.id, teamId: u.teamId, ruleId: null };
  } else {
    target = await assignByRules(db, tk);
  }
  if (!target) return tk;
  const row = await changeStatus(db, actor, tk, 'assigned', now, { assigneeId: target.assigneeId, teamId: target.teamId });
  await event(db, tk.id, 'assigned', actor, null, { assigneeId: target.assigneeId, teamId: target.teamId, ruleId: target.ruleId }, now);
  return row;
}

export async function createTicket(db: DbOrTx, actor: Actor | null, input: CreateTicketInput, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  await ensureTicketDefaults(db);
  const now = rt.now();
  const customerId = input.customerId ?? null;
  if (customerId) {
    await customerInScope(db, actor, customerId, { forWrite: true }).catch(() => {
      throw AppError.field('customerId', 'customers.not_found');
    });
  }
  const phone = input.contactPhone ? normalizePhone(input.contactPhone) : null;
  if (input.contactPhone && !phone) throw AppError.field('contactPhone', 'tickets.phone_invalid');
  const category = await categoryOf(db, input.categoryId);
  const inserted = await repo.insertTicket(db, {
    title: input.title,
    description: input.description,
    type: input.type,
    priority: input.priority,
    severity: input.severity,
    source: input.source,
    categoryId: category.id,
    category: category.name,
    customerId,
    contactName: input.contactName ?? null,
    contactPhone: phone,
    contactAddress: input.contactAddress ?? null,
    transactionId: await checkTransaction(db, input.transactionId, customerId),
    publicToken: newToken(),
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  });
  const tk = await afterCreate(db, actor, inserted, now, input.assigneeId);
  await audit(db, actor, 'ticket_create', tk, { title: tk.title, type: tk.type, source: tk.source, assigneeId: tk.assigneeId });
  return detailOf(db, actor, (await repo.findTicket(db, tk.id))!, rt);
}

/** The public form (no sign-in): the customer is found by the complete phone number, or the ticket stays unlinked. */
export async function submitPublicTicket(db: DbOrTx, input: PublicSubmitInput, ip: string | null, rt: TicketsRuntime): Promise<PublicSubmitResult> {
  await ensureTicketDefaults(db);
  const now = rt.now();
  const phone = normalizePhone(input.phone);
  if (!phone) throw AppError.field('phone', 'tickets.phone_invalid');
  const category = await categoryOf(db, input.categoryId);
  const customerId = await repo.customerByPhone(db, phone);
  const title = input.title || category.name || input.description.slice(0, 30);
  const inserted = await repo.insertTicket(db, {
    title,
    description: input.description,
    type: input.type,
    source: 'public',
    categoryId: category.id,
    category: category.name,
    customerId,
    contactName: input.name,
    contactPhone: phone,
    contactAddress: input.address ?? null,
    publicToken: newToken(),
    createdAt: now,
    updatedAt: now,
  });
  const tk = await afterCreate(db, null, inserted, now);
  await audit(db, publicActor(ip), 'ticket_create', tk, { title, type: tk.type, source: 'public', assigneeId: tk.assigneeId });
  return { number: tk.number, token: tk.publicToken, followUrl: followPath(tk.publicToken) };
}

// ---- reading -----------------------------------------------------------------------------------------------------

const SLA_CHUNK = 5000;

export async function listTickets(db: DbOrTx, actor: Actor | null, q: ListTicketsQuery, rt: TicketsRuntime): Promise<{ items: TicketSummary[]; total: number }> {
  requireAccess(actor, 'ticket:read');
  const filter: repo.ListFilter = {
    visibility: visibilityOf(actor),
    status: q.status,
    type: q.type,
    categoryId: q.categoryId,
    assigneeId: q.mine === 'true' ? (actor.userId ?? NO_USER) : q.assigneeId,
    customerId: q.customerId,
    q: q.q,
  };
  const now = rt.now();
  if (q.sla === 'met' || q.sla === 'breached' || q.sla === 'paused') {
    // Decided in SQL from the clock's due times (exact; paged and counted by the database).
    filter.sla = { state: q.sla, now };
  } else if (q.sla) {
    // Warning versus on track needs business time (the SLA calendar): SQL keeps the running clocks, the SLA module
    // computes their states in chunks, and the page is cut from the matching ids.
    const ids = await repo.listTicketIds(db, { ...filter, sla: { state: 'running', now } });
    const matching: string[] = [];
    for (let i = 0; i < ids.length; i += SLA_CHUNK) {
      const chunk = ids.slice(i, i + SLA_CHUNK);
      const clocks = await slaClocks(db, chunk, now);
      for (const id of chunk) if (clocks.get(id)?.state === q.sla) matching.push(id);
    }
    const page = matching.slice(q.offset, q.offset + q.limit);
    const { rows } = await repo.listTickets(db, { ...filter, ids: page }, q.limit, 0);
    const clocks = await slaClocks(db, page, now);
    return { items: rows.map((r) => summaryOf(actor, r, clocks.get(r.ticket.id))), total: matching.length };
  }
  const { rows, total } = await repo.listTickets(db, filter, q.limit, q.offset);
  const clocks = await slaClocks(db, rows.map((r) => r.ticket.id), now);
  return { items: rows.map((r) => summaryOf(actor, r, clocks.get(r.ticket.id))), total };
}

export async function getTicket(db: DbOrTx, actor: Actor | null, id: string, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:read');
  return detailOf(db, actor, await loadVisible(db, actor, id), rt);
}

async function loadForWrite(db: DbOrTx, actor: Actor, id: string, version?: number): Promise<TicketWithRefs> {
  const r = await loadVisible(db, actor, id, true);
  if (version !== undefined && version !== r.ticket.version) throw stale(r.ticket.version, version);
  return r;
}

const reload = async (db: DbOrTx, actor: Actor, id: string, rt: TicketsRuntime) => detailOf(db, actor, (await repo.findTicket(db, id))!, rt);

/** The full contact phone of a ticket, for customer:pii holders; every reveal is audited. */
export async function revealContact(db: DbOrTx, actor: Actor | null, id: string): Promise<{ contactPhone: string | null }> {
  requireAccess(actor, 'ticket:read');
  requireAccess(actor, 'customer:pii');
  const r = await loadVisible(db, actor, id);
  await audit(db, actor, 'ticket_reveal', r.ticket, { fields: ['contactPhone'] });
  return { contactPhone: r.ticket.contactPhone ? displayPhone(r.ticket.contactPhone) : null };
}

// ---- changing ----------------------------------------------------------------------------------------------------

export async function updateTicket(db: DbOrTx, actor: Actor | null, id: string, input: UpdateTicketInput, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id, input.version);
  const tk = r.ticket;
  const now = rt.now();
  const values: Partial<repo.TicketInsert> = {};
  if (input.title !== undefined) values.title = input.title;
  if (input.description !== undefined) values.description = input.description;
  if (input.type !== undefined) values.type = input.type;
  if (input.priority !== undefined) values.priority = input.priority;
  if (input.severity !== undefined) values.severity = input.severity;
  if (input.categoryId !== undefined) {
    const c = await categoryOf(db, input.categoryId);
    values.categoryId = c.id;
    values.category = c.name;
  }
  if (input.customerId !== undefined && input.customerId !== tk.customerId) {
    if (input.customerId) {
      await customerInScope(db, actor, input.customerId, { forWrite: true }).catch(() => {
        throw AppError.field('customerId', 'customers.not_found');
      });
    }
    values.customerId = input.customerId;
    // A transaction of the previous customer no longer belongs to the ticket.
    if (input.transactionId === undefined && tk.transactionId) values.transactionId = null;
  }
  if (input.transactionId !== undefined) {
    values.transactionId = await checkTransaction(db, input.transactionId, values.customerId !== undefined ? values.customerId : tk.customerId);
  }
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(values)) {
    const before = (tk as Record<string, unknown>)[k] ?? null;
    if (before !== (v ?? null)) changes[k] = [before, v ?? null];
  }
  if (!Object.keys(changes).length) return detailOf(db, actor, r, rt);
  const row = await save(db, tk, values);
  await event(db, id, 'updated', actor, null, { changes }, now);
  if (changes.type || changes.priority || changes.customerId) await slaFactsChanged(db, await factsOf(db, row), now);
  await audit(db, actor, 'ticket_update', row, changes);
  return reload(db, actor, id, rt);
}

/** Which manual status changes the workflow allows (resolve and reopen have their own actions). */
const MANUAL: Record<'in_progress' | 'waiting_on_customer' | 'closed', readonly TicketStatus[]> = {
  in_progress: ['new', 'assigned', 'waiting_on_customer'],
  waiting_on_customer: ['new', 'assigned', 'in_progress'],
  closed: ['resolved'],
};

export async function setStatus(db: DbOrTx, actor: Actor | null, id: string, to: 'in_progress' | 'waiting_on_customer' | 'closed', version: number | undefined, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id, version);
  const tk = r.ticket;
  if (tk.status === to) return detailOf(db, actor, r, rt);
  if (!MANUAL[to].includes(tk.status)) throw AppError.conflict('tickets.bad_transition', { from: t(actor.locale, `tickets.status.${tk.status}`), to: t(actor.locale, `tickets.status.${to}`) }, 'status');
  const now = rt.now();
  const extra: Partial<repo.TicketInsert> = to === 'closed' ? { closedAt: now } : {};
  // Taking a ticket nobody holds makes it the taker's.
  if (to === 'in_progress' && !tk.assigneeId && actor.userId) Object.assign(extra, { assigneeId: actor.userId, teamId: actor.teamId });
  const row = await changeStatus(db, actor, tk, to, now, extra);
  if (extra.assigneeId) await event(db, id, 'assigned', actor, null, { assigneeId: extra.assigneeId, teamId: extra.teamId ?? null }, now);
  await audit(db, actor, 'ticket_status', row, { status: [tk.status, to] });
  return reload(db, actor, id, rt);
}

/**
 * Reopens a resolved or closed ticket (agent or household): counted; the resolution clock restarts. A rating given
 * before stays in the timeline (its 'rated' event, and the previous rating on the 'reopened' one) but is no longer
 * the ticket's rating: the next resolution asks for a new one.
 */
async function reopen(db: DbOrTx, actor: Actor | null, tk: TicketRow, reason: string, now: Date, by: 'agent' | 'customer'): Promise<TicketRow> {
  if (tk.status !== 'resolved' && tk.status !== 'closed') throw AppError.conflict('tickets.not_resolved', {}, 'status');
  if (tk.mergedIntoId) throw AppError.conflict('tickets.merged', { number: tk.number });
  const row = await changeStatus(
    db,
    actor,
    tk,
    'in_progress',
    now,
    { reopenCount: tk.reopenCount + 1, resolvedAt: null, closedAt: null, rating: null, ratingComment: null, ratedAt: null },
    { reopen: true },
  );
  const previous = tk.rating !== null ? { previousRating: tk.rating, previousComment: tk.ratingComment } : {};
  await event(db, tk.id, 'reopened', actor, reason, { count: row.reopenCount, by, ...previous }, now);
  return row;
}

export async function reopenTicket(db: DbOrTx, actor: Actor | null, id: string, reason: string, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  const row = await reopen(db, actor, r.ticket, reason, rt.now(), 'agent');
  await audit(db, actor, 'ticket_reopen', row, { reason, reopenCount: row.reopenCount, previousRating: r.ticket.rating });
  return reload(db, actor, id, rt);
}

export async function assignTicket(db: DbOrTx, actor: Actor | null, id: string, input: { assigneeId: string | null; teamId?: string | null }, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  const tk = r.ticket;
  if (tk.status === 'resolved' || tk.status === 'closed') throw AppError.conflict('tickets.not_open', {}, 'status');
  const now = rt.now();
  let assigneeId: string | null = null;
  let teamId: string | null = input.teamId ?? null;
  if (input.assigneeId) {
    const u = await checkAssignee(db, input.assigneeId);
    assigneeId = u.id;
    teamId = input.teamId ?? u.teamId;
  }
  if (assigneeId === tk.assigneeId && teamId === tk.teamId) return detailOf(db, actor, r, rt);
  let row: TicketRow;
  if (assigneeId && tk.status === 'new') row = await changeStatus(db, actor, tk, 'assigned', now, { assigneeId, teamId });
  else if (!assigneeId && tk.status === 'assigned') row = await changeStatus(db, actor, tk, 'new', now, { assigneeId, teamId });
  else row = await save(db, tk, { assigneeId, teamId });
  await event(db, id, 'assigned', actor, null, { assigneeId, teamId, from: tk.assigneeId }, now);
  await audit(db, actor, 'ticket_assign', row, { assigneeId: [tk.assigneeId, assigneeId], teamId: [tk.teamId, teamId] });
  return reload(db, actor, id, rt);
}

export async function addNote(db: DbOrTx, actor: Actor | null, id: string, body: string, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  await event(db, id, 'note', actor, body, {}, rt.now());
  await save(db, r.ticket, {});
  await audit(db, actor, 'ticket_note', r.ticket, { length: body.length });
  return reload(db, actor, id, rt);
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/**
 * Who acts on the ticket's customer (messages, the logged call, the return visit): the handler when their own role
 * reaches the customer; otherwise — a ticket assigned to someone outside the customer's data scope — the ticket
 * workflow on the handler's behalf (answering the ticket's customer is what ticket:write is for; consent still
 * applies). The audit keeps the handler's name.
 */
async function customerActor(db: DbOrTx, actor: Actor, customerId: string): Promise<{ actor: Actor; own: boolean }> {
  if (can(actor, 'customer:write')) {
    const reaches = await customerInScope(db, actor, customerId, { forWrite: true }).then(
      () => true,
      () => false,
    );
    if (reaches) return { actor, own: true };
  }
  return { actor: { ...systemActor('system', actor.locale), displayName: actor.displayName, username: actor.username }, own: false };
}

/**
 * Sends a text to the ticket's customer through the outbox: SMS, else email (the outbox applies consent). Returns
 * the message id, or why nothing was queued (no linked customer, no number or address).
 */
async function deliver(db: DbOrTx, actor: Actor, tk: TicketRow, text: string, rt: TicketsRuntime): Promise<{ messageId: string | null; channel: string | null; status: string; reason?: string }> {
  if (!tk.customerId) return { messageId: null, channel: null, status: 'public_only' };
  const c = await repo.customerContact(db, tk.customerId);
  // SMS when the customer agreed to it, else email when agreed; with neither, SMS (the outbox records it as
  // suppressed for want of consent) or, without a number, nothing.
  const channel = c?.consent?.sms && c.phones.length ? 'sms' : c?.consent?.email && c.email ? 'email' : c?.phones.length ? 'sms' : c?.email ? 'email' : null;
  if (!channel) return { messageId: null, channel: null, status: 'not_sent', reason: 'no_recipient' };
  const sender = (await customerActor(db, actor, tk.customerId)).actor;
  const link = `${await publicBase(db, rt)}${followPath(tk.publicToken)}`;
  const prefix = t('zh-CN', 'tickets.message.prefix', { number: tk.number });
  const body = channel === 'sms' ? `${prefix}${clip(text, 380)} ${link}` : `${prefix}${text}\n\n${link}`;
  try {
    const m = await sendMessage(db, sender, tk.customerId, { channel, category: 'transactional', body, subject: channel === 'email' ? clip(prefix, 100) : undefined }, rt);
    return { messageId: m.id, channel, status: m.status, ...(m.reason ? { reason: m.reason } : {}) };
  } catch (err) {
    // No usable recipient (a landline for SMS, say): the reply stands on the follow page; nothing was written.
    if (err instanceof AppError && err.code === 'validation') return { messageId: null, channel, status: 'not_sent', reason: err.issues[0]?.key ?? 'no_recipient' };
    throw err;
  }
}

async function firstResponse(db: DbOrTx, tk: TicketRow, now: Date): Promise<Partial<repo.TicketInsert>> {
  if (tk.firstRespondedAt) return {};
  await slaFirstResponse(db, tk.id, now);
  return { firstRespondedAt: now };
}

/** A reply to the customer: on the public page, and through the outbox when the ticket has a customer. */
export async function addReply(db: DbOrTx, actor: Actor | null, id: string, input: { body: string; kbArticleId?: string; send: boolean }, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  let tk = r.ticket;
  if (tk.mergedIntoId) throw AppError.conflict('tickets.merged', { number: tk.number });
  const now = rt.now();
  const delivery = input.send ? await deliver(db, actor, tk, input.body, rt) : { messageId: null, channel: null, status: 'not_sent' };
  await event(db, id, 'reply', actor, input.body, { delivery, ...(input.kbArticleId ? { kbArticleId: input.kbArticleId } : {}) }, now);
  const extra = await firstResponse(db, tk, now);
  if (tk.status === 'new' || tk.status === 'assigned') {
    tk = await changeStatus(db, actor, tk, 'in_progress', now, { ...extra, ...(!tk.assigneeId && actor.userId ? { assigneeId: actor.userId, teamId: actor.teamId } : {}) });
  } else {
    tk = await save(db, tk, extra);
  }
  await audit(db, actor, 'ticket_reply', tk, { messageId: delivery.messageId, channel: delivery.channel, kbArticleId: input.kbArticleId ?? null });
  return reload(db, actor, id, rt);
}

/**
 * Resolves a ticket: root cause and solution; the customer told the outcome (a reply through the outbox, or a logged
 * call); the satisfaction request with the public link; a return visit (回访 task) due N days later.
 */
export async function resolveTicket(db: DbOrTx, actor: Actor | null, id: string, input: ResolveInput, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id);
  let tk = r.ticket;
  if (!OPEN.includes(tk.status)) throw AppError.conflict('tickets.not_open', {}, 'status');
  const cause = await repo.findRootCause(db, input.rootCauseId);
  if (!cause || !cause.active) throw AppError.field('rootCauseId', 'tickets.root_cause_not_found');
  const now = rt.now();
  let outcomeToldAt: Date | null = null;
  let interactionId: string | null = null;
  if (input.outcomeTold === 'call' && tk.customerId) {
    const logged = await logInteraction(db, (await customerActor(db, actor, tk.customerId)).actor, tk.customerId, {
      channel: 'call',
      direction: 'outbound',
      summary: clip(t('zh-CN', 'tickets.outcome_call', { number: tk.number }), 200),
      content: input.solution,
    });
    interactionId = logged.id;
    outcomeToldAt = now;
  }
  // The satisfaction request carries the outcome too, so a reply-told outcome is one message, not two.
  // Not told yet: nothing is sent now (the follow page still offers the rating).
  const delivery =
    input.outcomeTold === 'not_yet'
      ? { messageId: null, channel: null, status: 'not_sent' }
      : await deliver(db, actor, tk, t('zh-CN', 'tickets.message.resolved_body', { solution: clip(input.solution, 300) }), rt);
  if (input.outcomeTold === 'reply') {
    await event(db, id, 'reply', actor, input.solution, { delivery, resolution: true }, now);
    outcomeToldAt = now;
  }
  if (outcomeToldAt) await event(db, id, 'outcome_told', actor, null, { via: input.outcomeTold, interactionId }, now);
  if (input.outcomeTold !== 'not_yet') await event(db, id, 'satisfaction_requested', actor, null, { delivery }, now);
  let returnVisitTaskId: string | null = null;
  // The return visit goes to the handler, or — when the handler cannot reach the customer — to its account manager.
  const visitor = tk.customerId ? await customerActor(db, actor, tk.customerId) : { actor, own: can(actor, 'customer:write') };
  const owner = !visitor.own && tk.customerId ? (await repo.customerFacts(db, tk.customerId))?.ownerId : null;
  if (input.returnVisitDays > 0 && (visitor.own || owner)) {
    const task = await createTask(db, visitor.actor, {
      ...(visitor.own ? {} : { assigneeId: owner! }),
      type: 'return_visit',
      title: clip(t('zh-CN', 'tickets.return_visit', { number: tk.number, title: tk.title }), 200),
      notes: clip(input.solution, 2000),
      customerId: tk.customerId,
      dueAt: new Date(now.getTime() + input.returnVisitDays * 86_400_000),
    });
    returnVisitTaskId = task.id;
  }
  const extra = input.outcomeTold === 'reply' ? await firstResponse(db, tk, now) : {};
  tk = await changeStatus(db, actor, tk, 'resolved', now, {
    ...extra,
    rootCauseId: cause.id,
    solution: input.solution,
    outcomeToldAt,
    resolvedAt: now,
    returnVisitTaskId,
  });
  await event(db, id, 'resolved', actor, input.solution, { rootCauseId: cause.id, rootCause: cause.nameZh, returnVisitTaskId }, now);
  await audit(db, actor, 'ticket_resolve', tk, { rootCause: cause.nameZh, outcomeTold: input.outcomeTold, returnVisitTaskId, messageId: delivery.messageId });
  return reload(db, actor, id, rt);
}

/** Merges a duplicate into another ticket: the duplicate closes (linked to the survivor), its conversation moves. */
export async function mergeTicket(db: DbOrTx, actor: Actor | null, id: string, intoId: string, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  if (id === intoId) throw AppError.field('intoId', 'tickets.merge_self');
  const dup = (await loadForWrite(db, actor, id)).ticket;
  const into = await repo.findTicket(db, intoId, true);
  if (!into || !canSee(actor, into)) throw AppError.field('intoId', 'tickets.not_found');
  if (into.ticket.mergedIntoId || into.ticket.status === 'closed') throw AppError.field('intoId', 'tickets.merge_target_invalid');
  if (dup.mergedIntoId) throw AppError.conflict('tickets.merged', { number: dup.number });
  const now = rt.now();
  const moved = await repo.moveConversation(db, dup.id, into.ticket.id);
  await repo.moveAttachments(db, dup.id, into.ticket.id);
  const row = await changeStatus(db, actor, dup, 'closed', now, { mergedIntoId: into.ticket.id, closedAt: now }, { merged: true });
  await event(db, dup.id, 'merged', actor, null, { intoId: into.ticket.id, intoNumber: into.ticket.number, moved: moved.length }, now);
  await event(db, into.ticket.id, 'merged', actor, null, { fromId: dup.id, fromNumber: dup.number, moved: moved.length }, now);
  await save(db, into.ticket, {});
  await audit(db, actor, 'ticket_merge', row, { intoId: into.ticket.id, intoNumber: into.ticket.number, movedEvents: moved });
  return reload(db, actor, into.ticket.id, rt);
}

// ---- the public follow page --------------------------------------------------------------------------------------

async function loadByToken(db: DbOrTx, token: string): Promise<TicketWithRefs> {
  const r = await repo.findByToken(db, token);
  if (!r) throw AppError.notFound('tickets.link_invalid');
  return r;
}

const REOPEN_MS = PUBLIC_REOPEN_DAYS * 86_400_000;

/** The household may reopen within PUBLIC_REOPEN_DAYS of the resolution (a merged duplicate never). */
function reopenable(tk: TicketRow, now: Date): boolean {
  return (tk.status === 'resolved' || tk.status === 'closed') && !tk.mergedIntoId && tk.resolvedAt !== null && now.getTime() - tk.resolvedAt.getTime() <= REOPEN_MS;
}

const publicActor = (ip: string | null): Actor => ({ ...systemActor('system'), displayName: 'public', ip });

export async function publicTicket(db: DbOrTx, token: string, now: Date): Promise<PublicTicketView> {
  const r = await loadByToken(db, token);
  const tk = r.ticket;
  const events = await repo.eventsOf(db, tk.id);
  const attachments = await repo.attachmentsOf(db, tk.id);
  return {
    number: tk.number,
    title: tk.title,
    status: tk.status,
    type: tk.type,
    category: tk.category,
    description: tk.description,
    createdAt: tk.createdAt.toISOString(),
    resolvedAt: iso(tk.resolvedAt),
    solution: tk.solution,
    replies: events
      .filter((e) => e.event.kind === 'reply' || e.event.kind === 'customer_reply')
      .map((e) => ({ body: e.event.body ?? '', at: e.event.createdAt.toISOString(), from: e.event.kind === 'reply' ? ('agent' as const) : ('customer' as const) })),
    attachments: attachments.map((a) => ({ id: a.id, fileName: a.fileName, contentType: a.contentType, size: a.size, createdAt: a.createdAt.toISOString() })),
    canReply: OPEN.includes(tk.status) && !tk.mergedIntoId,
    canReopen: reopenable(tk, now),
    canRate: (tk.status === 'resolved' || tk.status === 'closed') && tk.rating === null && !tk.mergedIntoId,
    rating: tk.rating,
    ratingComment: tk.ratingComment,
  };
}

/** The household rates the handling (1–5 stars and a comment), once, after resolution. */
export async function rateTicket(db: DbOrTx, token: string, input: { rating: number; comment?: string | null }, ip: string | null, rt: TicketsRuntime): Promise<PublicTicketView> {
  const r = await loadByToken(db, token);
  const tk = (await repo.findTicket(db, r.ticket.id, true))!.ticket;
  if (tk.status !== 'resolved' && tk.status !== 'closed') throw AppError.conflict('tickets.not_resolved');
  if (tk.rating !== null) throw AppError.conflict('tickets.already_rated');
  const now = rt.now();
  const row = await save(db, tk, { rating: input.rating, ratingComment: input.comment ?? null, ratedAt: now });
  await event(db, tk.id, 'rated', null, input.comment ?? null, { rating: input.rating }, now);
  await audit(db, publicActor(ip), 'ticket_rate', row, { rating: input.rating });
  return publicTicket(db, token, now);
}

/**
 * The household adds a message on the follow page (stored as text). It shows to the agent as the customer's message;
 * a ticket waiting on the customer goes back to in progress (the SLA clock resumes, as on the agents' path).
 */
export async function publicReply(db: DbOrTx, token: string, body: string, ip: string | null, rt: TicketsRuntime): Promise<PublicTicketView> {
  const r = await loadByToken(db, token);
  const tk = (await repo.findTicket(db, r.ticket.id, true))!.ticket;
  if (tk.mergedIntoId) throw AppError.conflict('tickets.merged', { number: tk.number });
  if (!OPEN.includes(tk.status)) throw AppError.conflict('tickets.public_closed', {}, 'body');
  const now = rt.now();
  await event(db, tk.id, 'customer_reply', null, body, {}, now);
  const row = tk.status === 'waiting_on_customer' ? await changeStatus(db, null, tk, 'in_progress', now, {}, { customerReply: true }) : await save(db, tk, {});
  await audit(db, publicActor(ip), 'ticket_customer_reply', row, { length: body.length, status: [tk.status, row.status] });
  return publicTicket(db, token, now);
}

/** The household reopens a resolved ticket from the follow page, within PUBLIC_REOPEN_DAYS days, with a reason. */
export async function publicReopen(db: DbOrTx, token: string, reason: string, ip: string | null, rt: TicketsRuntime): Promise<PublicTicketView> {
  const r = await loadByToken(db, token);
  const tk = (await repo.findTicket(db, r.ticket.id, true))!.ticket;
  const now = rt.now();
  if ((tk.status === 'resolved' || tk.status === 'closed') && !tk.mergedIntoId && !reopenable(tk, now)) {
    throw AppError.conflict('tickets.reopen_expired', { days: PUBLIC_REOPEN_DAYS }, 'reason');
  }
  const row = await reopen(db, null, tk, reason, now, 'customer');
  await audit(db, publicActor(ip), 'ticket_reopen', row, { reason, reopenCount: row.reopenCount, previousRating: tk.rating, by: 'customer' });
  return publicTicket(db, token, now);
}

// ---- the customer timeline ---------------------------------------------------------------------------------------

export const ticketTimelineSource = {
  kind: 'ticket',
  async events(db: DbOrTx, q: { customerId: string; before: { at: string; id: string } | null; limit: number; locale: Locale }) {
    const rows = await repo.ticketsForTimeline(db, q.customerId, q.before, q.limit);
    return rows.map(({ ticket: tk, sortAt, creatorName }) => ({
      kind: 'ticket',
      id: tk.id,
      at: tk.createdAt.toISOString(),
      sortAt,
      title: t(q.locale, 'tickets.timeline.title', { number: tk.number, title: tk.title }),
      summary: [
        t(q.locale, `tickets.type.${tk.type}`),
        t(q.locale, `tickets.status.${tk.status}`),
        tk.rating !== null ? t(q.locale, 'tickets.timeline.rated', { rating: tk.rating }) : null,
      ]
        .filter(Boolean)
        .join(' · '),
      actor: tk.createdBy ? { id: tk.createdBy, name: creatorName ?? '' } : null,
      data: { id: tk.id, number: tk.number, status: tk.status, type: tk.type, rating: tk.rating, ratingComment: tk.ratingComment },
    }));
  },
};

/** Merging duplicate customers: their tickets move to the survivor (and back on undo). */
export const ticketMergeHook = {
  key: 'tickets',
  move: (db: DbOrTx, fromId: string, toId: string) => repo.moveTicketsToCustomer(db, fromId, toId),
  moveBack: (db: DbOrTx, ids: readonly string[], fromId: string, toId: string) => repo.moveTicketsBack(db, ids, fromId, toId),
};
