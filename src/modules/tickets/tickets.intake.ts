/**
 * Intake: tickets created by agents (the queue, the customer page, calls), by the API and by the public form
 * (`/s/report`, no sign-in: the customer is matched by the complete phone number, or the ticket stays unlinked);
 * the assignment rules that route a new ticket; the later corrections of its facts (type, category, priority,
 * severity, the customer and the transaction it is about). The category defaults are seeded here too.
 */
import { randomBytes } from 'node:crypto';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { normalizePhone } from '../../platform/phone.js';
import { usersHoldingPermission } from '../accounts/index.js';
import { customerValueTier } from '../analytics/index.js';
import { customerInScope } from '../customers/index.js';
import { readCompanySettings, readSetting, writeSettingIfAbsent } from '../settings/index.js';
import { transactionRef } from '../transactions/index.js';
import { DEFAULT_ROOT_CAUSES, HEATING_CATEGORIES, TICKET_LIMITS, type PublicSubmitResult, type TicketDetail } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import type { TicketRow } from './tickets.repository.js';
import type { CreateTicketInput, PublicSubmitInput, TicketsRuntime, UpdateTicketInput } from './tickets.types.js';
import { detailOf, followPath, reload } from './tickets.views.js';
import { loadForWrite } from './tickets.visibility.js';
import { linkedByPhone } from './tickets.public.js';
import { clockFactsChanged, startClock, transition } from './tickets.workflow.js';
import { audit, checkAssignee, event, publicActor, save } from './tickets.writes.js';
import { ticketAssigned, userOf } from './hooks.js';

// ---- defaults: the heating template's categories and the root causes ------------------------------------------------

const DEFAULTS_MARKER = 'tickets.defaults';

/** Seeds the default categories (heating template) and root causes once per installation. */
export async function ensureTicketDefaults(db: DbOrTx): Promise<void> {
  if (await readSetting<boolean>(db, DEFAULTS_MARKER)) return;
  // Two first requests at once: the second waits on the marker's row until the first commits, then writes nothing and skips.
  if (!(await writeSettingIfAbsent(db, DEFAULTS_MARKER, true))) return;
  if ((await repo.listCategories(db)).length === 0 && (await readCompanySettings(db)).template === 'heating') {
    let i = 0;
    for (const c of HEATING_CATEGORIES) await repo.insertCategory(db, { nameZh: c.zh, nameEn: c.en, position: (i += 10) });
  }
  if ((await repo.listRootCauses(db)).length === 0) {
    let i = 0;
    for (const c of DEFAULT_ROOT_CAUSES) await repo.insertRootCause(db, { nameZh: c.zh, nameEn: c.en, position: (i += 10) });
  }
}

// ---- assignment rules ------------------------------------------------------------------------------------------

async function isVip(db: DbOrTx, c: repo.CustomerFacts): Promise<boolean> {
  if (c.tags.some((tag) => tag.toUpperCase() === 'VIP')) return true;
  return (await customerValueTier(db, c.id)) === 'high';
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
      // Active members of the team whose role may handle tickets, in a stable order (round robin walks it).
      const people = await usersHoldingPermission(db, 'ticket:write', { teamId: rule.teamId });
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

/** The timeline's first entry, the SLA clock, and the routing: the creator's assignee, else the assignment rules. */
async function afterCreate(db: DbOrTx, actor: Actor | null, tk: TicketRow, now: Date, explicitAssignee?: string): Promise<TicketRow> {
  await event(db, tk.id, 'created', actor, null, { source: tk.source }, now);
  await startClock(db, tk, now);
  let target: { assigneeId: string; teamId: string | null; ruleId: string | null } | null = null;
  if (explicitAssignee) {
    const u = await checkAssignee(db, explicitAssignee);
    target = { assigneeId: u.id, teamId: u.teamId, ruleId: null };
  } else {
    target = await assignByRules(db, tk);
  }
  if (!target) return tk;
  const row = await transition(db, actor, tk, 'route', now, { assigneeId: target.assigneeId, teamId: target.teamId });
  await event(db, tk.id, 'assigned', actor, null, { assigneeId: target.assigneeId, teamId: target.teamId, ruleId: target.ruleId }, now);
  await ticketAssigned(db, { ticketId: tk.id, number: tk.number, title: tk.title, assigneeId: target.assigneeId, by: userOf(actor), ruleId: target.ruleId, at: now });
  return row;
}

async function categoryOf(db: DbOrTx, id: string | null | undefined, field = 'categoryId'): Promise<{ id: string | null; name: string | null }> {
  if (!id) return { id: null, name: null };
  const c = await repo.findCategory(db, id);
  if (!c || !c.active) throw AppError.field(field, 'tickets.category_not_found');
  return { id: c.id, name: c.nameZh };
}

/** The customer a ticket is linked to must be one the actor may write to (a 422 on the field otherwise). */
async function checkCustomer(db: DbOrTx, actor: Actor, customerId: string): Promise<void> {
  await customerInScope(db, actor, customerId, { forWrite: true }).catch(() => {
    throw AppError.field('customerId', 'customers.not_found');
  });
}

async function checkTransaction(db: DbOrTx, transactionId: string | null | undefined, customerId: string | null): Promise<string | null> {
  if (!transactionId) return null;
  const tr = await transactionRef(db, transactionId);
  if (!tr || tr.deletedAt || tr.customerId !== customerId) throw AppError.field('transactionId', 'tickets.transaction_mismatch');
  return tr.id;
}

export async function createTicket(db: DbOrTx, actor: Actor | null, input: CreateTicketInput, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  await ensureTicketDefaults(db);
  const now = rt.now();
  const customerId = input.customerId ?? null;
  if (customerId) await checkCustomer(db, actor, customerId);
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
  return reload(db, actor, tk.id, rt);
}

/** The public form (no sign-in): the customer is found by the complete phone number, or the ticket stays unlinked. */
export async function submitPublicTicket(db: DbOrTx, input: PublicSubmitInput, ip: string | null, rt: TicketsRuntime): Promise<PublicSubmitResult> {
  await ensureTicketDefaults(db);
  const now = rt.now();
  const phone = normalizePhone(input.phone);
  if (!phone) throw AppError.field('phone', 'tickets.phone_invalid');
  const category = await categoryOf(db, input.categoryId);
  // Exactly one customer with the phone: linked; several: none chosen (the ticket page offers them, tickets.public.ts).
  const customerId = await linkedByPhone(db, phone);
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

// ---- correcting the facts ----------------------------------------------------------------------------------------

/** The values an edit changes (a new customer drops the previous customer's transaction unless one is given). */
async function changedValues(db: DbOrTx, actor: Actor, tk: TicketRow, input: UpdateTicketInput): Promise<Partial<repo.TicketInsert>> {
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
    if (input.customerId) await checkCustomer(db, actor, input.customerId);
    values.customerId = input.customerId;
    // A transaction of the previous customer no longer belongs to the ticket.
    if (input.transactionId === undefined && tk.transactionId) values.transactionId = null;
  }
  if (input.transactionId !== undefined) {
    values.transactionId = await checkTransaction(db, input.transactionId, values.customerId !== undefined ? values.customerId : tk.customerId);
  }
  if (input.tags !== undefined) {
    if (input.tags.length > TICKET_LIMITS.tags) throw AppError.field('tags', 'tickets.too_many_tags', { max: TICKET_LIMITS.tags });
    values.tags = input.tags;
  }
  return values;
}

/** Compares values as the audit records them (a tag list by its items, not by identity). */
const same = (a: unknown, b: unknown) => (Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b);

export async function updateTicket(db: DbOrTx, actor: Actor | null, id: string, input: UpdateTicketInput, rt: TicketsRuntime): Promise<TicketDetail> {
  requireAccess(actor, 'ticket:write');
  const r = await loadForWrite(db, actor, id, input.version);
  const tk = r.ticket;
  const now = rt.now();
  const values = await changedValues(db, actor, tk, input);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [k, v] of Object.entries(values)) {
    const before = (tk as Record<string, unknown>)[k] ?? null;
    if (!same(before, v ?? null)) changes[k] = [before, v ?? null];
  }
  if (!Object.keys(changes).length) return detailOf(db, actor, r, rt);
  const row = await save(db, tk, values);
  await event(db, id, 'updated', actor, null, { changes }, now);
  if (changes.type || changes.priority || changes.customerId) await clockFactsChanged(db, row, now);
  await audit(db, actor, 'ticket_update', row, changes);
  return reload(db, actor, id, rt);
}
