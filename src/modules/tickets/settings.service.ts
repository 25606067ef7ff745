/** Ticket settings (ticket:manage): the category tree, the root causes and the assignment rules. */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { recordAudit } from '../audit/index.js';
import type { AssignmentRuleView, RootCauseView, TicketCategoryView } from './tickets.contract.js';
import * as repo from './tickets.repository.js';
import { ensureTicketDefaults } from './tickets.intake.js';
import type { RuleInput } from './tickets.types.js';

const categoryView = (c: repo.CategoryRow): TicketCategoryView => ({ id: c.id, parentId: c.parentId, nameZh: c.nameZh, nameEn: c.nameEn, position: c.position, active: c.active });
const causeView = (c: repo.RootCauseRow): RootCauseView => ({ id: c.id, nameZh: c.nameZh, nameEn: c.nameEn, position: c.position, active: c.active });
const ruleView = (r: repo.RuleRow): AssignmentRuleView => ({
  id: r.id,
  name: r.name,
  position: r.position,
  active: r.active,
  categoryId: r.categoryId,
  compound: r.compound,
  district: r.district,
  vipOnly: r.vipOnly,
  target: r.target,
  userId: r.userId,
  teamId: r.teamId,
});

/** Categories are read by everyone who handles tickets and by the public form. */
export async function listCategories(db: DbOrTx): Promise<TicketCategoryView[]> {
  await ensureTicketDefaults(db);
  return (await repo.listCategories(db)).map(categoryView);
}

export async function categoriesFor(db: DbOrTx, actor: Actor | null): Promise<TicketCategoryView[]> {
  requireAccess(actor, 'ticket:read');
  return listCategories(db);
}

async function checkParent(db: DbOrTx, parentId: string | null | undefined, selfId?: string): Promise<void> {
  if (!parentId) return;
  // Walk up: the parent must exist and must not be the category itself or one of its descendants.
  let cur: string | null = parentId;
  for (let depth = 0; cur; depth++) {
    if (cur === selfId || depth > 20) throw AppError.field('parentId', 'tickets.category_cycle');
    const c = await repo.findCategory(db, cur);
    if (!c) throw AppError.field('parentId', 'tickets.category_not_found');
    cur = c.parentId;
  }
}

export async function createCategory(db: DbOrTx, actor: Actor | null, input: { parentId?: string | null; nameZh: string; nameEn?: string; position?: number; active?: boolean }): Promise<TicketCategoryView> {
  requireAccess(actor, 'ticket:manage');
  await ensureTicketDefaults(db);
  await checkParent(db, input.parentId);
  const row = await repo.insertCategory(db, {
    parentId: input.parentId ?? null,
    nameZh: input.nameZh,
    nameEn: input.nameEn || input.nameZh,
    position: input.position ?? 1000,
    active: input.active ?? true,
  });
  await recordAudit(db, actor, { action: 'ticket_category_create', entityType: 'ticket_settings', entityId: row.id, changes: { nameZh: row.nameZh, parentId: row.parentId } });
  return categoryView(row);
}

export async function updateCategory(db: DbOrTx, actor: Actor | null, id: string, input: { parentId?: string | null; nameZh?: string; nameEn?: string; position?: number; active?: boolean }): Promise<TicketCategoryView> {
  requireAccess(actor, 'ticket:manage');
  const before = await repo.findCategory(db, id);
  if (!before) throw AppError.notFound('tickets.category_not_found');
  if (input.parentId !== undefined) await checkParent(db, input.parentId, id);
  const row = (await repo.updateCategory(db, id, input))!;
  // Tickets store the category's zh-CN name (reports group by it without a join): a rename rewrites it on every ticket
  // of the category in this same transaction, so existing tickets show the new name.
  const renamedTickets = row.nameZh !== before.nameZh ? await repo.renameTicketsCategory(db, id, row.nameZh) : 0;
  await recordAudit(db, actor, {
    action: 'ticket_category_update',
    entityType: 'ticket_settings',
    entityId: id,
    changes: { before: categoryView(before), after: categoryView(row), ...(renamedTickets ? { renamedTickets } : {}) },
  });
  return categoryView(row);
}

export async function listRootCauses(db: DbOrTx, actor: Actor | null): Promise<RootCauseView[]> {
  requireAccess(actor, 'ticket:read');
  await ensureTicketDefaults(db);
  return (await repo.listRootCauses(db)).map(causeView);
}

export async function createRootCause(db: DbOrTx, actor: Actor | null, input: { nameZh: string; nameEn?: string; position?: number; active?: boolean }): Promise<RootCauseView> {
  requireAccess(actor, 'ticket:manage');
  await ensureTicketDefaults(db);
  const row = await repo.insertRootCause(db, { nameZh: input.nameZh, nameEn: input.nameEn || input.nameZh, position: input.position ?? 1000, active: input.active ?? true });
  await recordAudit(db, actor, { action: 'ticket_root_cause_create', entityType: 'ticket_settings', entityId: row.id, changes: { nameZh: row.nameZh } });
  return causeView(row);
}

export async function updateRootCause(db: DbOrTx, actor: Actor | null, id: string, input: { nameZh?: string; nameEn?: string; position?: number; active?: boolean }): Promise<RootCauseView> {
  requireAccess(actor, 'ticket:manage');
  const before = await repo.findRootCause(db, id);
  if (!before) throw AppError.notFound('tickets.root_cause_not_found');
  const row = (await repo.updateRootCause(db, id, input))!;
  await recordAudit(db, actor, { action: 'ticket_root_cause_update', entityType: 'ticket_settings', entityId: id, changes: { before: causeView(before), after: causeView(row) } });
  return causeView(row);
}

export async function listRules(db: DbOrTx, actor: Actor | null): Promise<AssignmentRuleView[]> {
  requireAccess(actor, 'ticket:read');
  return (await repo.listRules(db)).map(ruleView);
}

/** A rule must name what it assigns to: a user, a team (round robin), or the customer's account manager. */
async function checkRule(db: DbOrTx, r: Partial<RuleInput>): Promise<void> {
  if (r.target === 'user' && !r.userId) throw AppError.field('userId', 'validation.required', { field: 'userId' });
  if (r.target === 'team_round_robin' && !r.teamId) throw AppError.field('teamId', 'validation.required', { field: 'teamId' });
  if (r.userId && !(await repo.activeUser(db, r.userId))) throw AppError.field('userId', 'tickets.assignee_invalid');
  if (r.categoryId && !(await repo.findCategory(db, r.categoryId))) throw AppError.field('categoryId', 'tickets.category_not_found');
}

export async function createRule(db: DbOrTx, actor: Actor | null, input: RuleInput): Promise<AssignmentRuleView> {
  requireAccess(actor, 'ticket:manage');
  await checkRule(db, input);
  const row = await repo.insertRule(db, {
    name: input.name,
    position: input.position ?? 1000,
    active: input.active ?? true,
    categoryId: input.categoryId ?? null,
    compound: input.compound ?? null,
    district: input.district ?? null,
    vipOnly: input.vipOnly ?? false,
    target: input.target,
    userId: input.userId ?? null,
    teamId: input.teamId ?? null,
  });
  await recordAudit(db, actor, { action: 'ticket_rule_create', entityType: 'ticket_settings', entityId: row.id, changes: { ...ruleView(row) } });
  return ruleView(row);
}

export async function updateRule(db: DbOrTx, actor: Actor | null, id: string, input: Partial<RuleInput>): Promise<AssignmentRuleView> {
  requireAccess(actor, 'ticket:manage');
  const before = (await repo.listRules(db)).find((r) => r.id === id);
  if (!before) throw AppError.notFound('tickets.rule_not_found');
  const merged = { ...ruleView(before), ...input };
  await checkRule(db, merged);
  const row = (await repo.updateRule(db, id, input))!;
  await recordAudit(db, actor, { action: 'ticket_rule_update', entityType: 'ticket_settings', entityId: id, changes: { before: ruleView(before), after: ruleView(row) } });
  return ruleView(row);
}

export async function deleteRule(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'ticket:manage');
  if (!(await repo.deleteRule(db, id))) throw AppError.notFound('tickets.rule_not_found');
  await recordAudit(db, actor, { action: 'ticket_rule_delete', entityType: 'ticket_settings', entityId: id });
}
