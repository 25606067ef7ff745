/**
 * 分派规则 (read: feedback:read; edited by administrators, settings:manage): who handles a new item, by rules shaped like the tickets' assignment rules — tried in
 * position order when an item is recorded; the first active rule whose conditions all match (category, source,
 * sentiment, the customer's compound and district) names the owner: a user, the customer's account manager, or the next
 * member of a team in turn (round robin: active members of the team who may handle feedback, in a stable order; the
 * rule's row is locked until commit, so two items arriving together go to consecutive people). A rule whose target
 * cannot take the item (a deactivated user, a customer without an account manager, an empty team) is passed over.
 * No rule matching: the customer's account manager when active, else nobody.
 */
import { asc, eq } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { usersHoldingPermission } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import type { FeedbackAssignmentRuleList, FeedbackAssignmentRuleView, FeedbackSentiment, FeedbackSource } from './feedback.contract.js';
import * as repo from './feedback.repository.js';
import type { RuleInput, RulePatch } from './feedback.types.js';
import { feedbackAssignmentRules } from './schema.js';

type RuleRow = typeof feedbackAssignmentRules.$inferSelect;

const ruleView = (r: RuleRow): FeedbackAssignmentRuleView => ({
  id: r.id,
  name: r.name,
  position: r.position,
  active: r.active,
  categoryId: r.categoryId,
  source: r.source,
  sentiment: r.sentiment,
  compound: r.compound,
  district: r.district,
  target: r.target,
  userId: r.userId,
  teamId: r.teamId,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

async function rules(db: DbOrTx, onlyActive = false): Promise<RuleRow[]> {
  return db
    .select()
    .from(feedbackAssignmentRules)
    .where(onlyActive ? eq(feedbackAssignmentRules.active, true) : undefined)
    .orderBy(asc(feedbackAssignmentRules.position), asc(feedbackAssignmentRules.createdAt), asc(feedbackAssignmentRules.id));
}

/** What the rules look at: the item as analysed, and its customer's facts. */
export type RoutedItem = { categoryId: string | null; source: FeedbackSource; sentiment: FeedbackSentiment; customerId: string | null };

/** The owner of a new item: the first matching rule's target, else the customer's active account manager, else null. */
export async function ownerByRules(db: DbOrTx, item: RoutedItem): Promise<{ ownerId: string; ruleId: string | null } | null> {
  const list = await rules(db, true);
  const c = item.customerId ? await repo.customerFacts(db, item.customerId) : undefined;
  for (const rule of list) {
    if (rule.categoryId && rule.categoryId !== item.categoryId) continue;
    if (rule.source && rule.source !== item.source) continue;
    if (rule.sentiment && rule.sentiment !== item.sentiment) continue;
    if (rule.compound && rule.compound !== c?.compound) continue;
    if (rule.district && rule.district !== c?.district) continue;
    if (rule.target === 'user' && rule.userId) {
      if (await repo.activeUser(db, rule.userId)) return { ownerId: rule.userId, ruleId: rule.id };
    } else if (rule.target === 'owner' && c?.ownerId) {
      if (await repo.activeUser(db, c.ownerId)) return { ownerId: c.ownerId, ruleId: rule.id };
    } else if (rule.target === 'team_round_robin' && rule.teamId) {
      const [locked] = await db.select().from(feedbackAssignmentRules).where(eq(feedbackAssignmentRules.id, rule.id)).for('update');
      const people = await usersHoldingPermission(db, 'feedback:manage', { teamId: rule.teamId });
      if (!people.length || !locked) continue;
      const next = people[(people.indexOf(locked.lastUserId ?? '') + 1) % people.length]!;
      await db.update(feedbackAssignmentRules).set({ lastUserId: next }).where(eq(feedbackAssignmentRules.id, rule.id));
      return { ownerId: next, ruleId: rule.id };
    }
  }
  if (c?.ownerId && (await repo.activeUser(db, c.ownerId))) return { ownerId: c.ownerId, ruleId: null };
  return null;
}

// ---- editing ---------------------------------------------------------------------------------------------------------

export async function listAssignmentRules(db: DbOrTx, actor: Actor | null): Promise<FeedbackAssignmentRuleList> {
  requireAccess(actor, 'feedback:read');
  return { items: (await rules(db)).map(ruleView) };
}

/** A rule names what it assigns to: a user for `user`, a team for round robin. */
function checkTarget(r: { target?: string; userId?: string | null; teamId?: string | null }): void {
  if (r.target === 'user' && !r.userId) throw AppError.field('userId', 'validation.required', { field: 'userId' });
  if (r.target === 'team_round_robin' && !r.teamId) throw AppError.field('teamId', 'validation.required', { field: 'teamId' });
}

/** What a rule names exists (only the values given: a category archived since does not block renaming the rule). */
async function checkRefs(db: DbOrTx, r: Partial<RuleInput>): Promise<void> {
  if (r.userId && !(await repo.activeUser(db, r.userId))) throw AppError.field('userId', 'feedback.owner_not_found');
  if (r.teamId && !(await repo.teamExists(db, r.teamId))) throw AppError.field('teamId', 'feedback.team_not_found');
  if (r.categoryId) {
    const c = await repo.findCategory(db, r.categoryId);
    if (!c || c.archivedAt) throw AppError.field('categoryId', 'feedback.category_not_found');
  }
}

const columnsOf = (r: Partial<RuleInput>) => {
  const out: Partial<typeof feedbackAssignmentRules.$inferInsert> = {};
  for (const k of ['name', 'position', 'active', 'categoryId', 'source', 'sentiment', 'compound', 'district', 'target', 'userId', 'teamId'] as const) {
    if (r[k] !== undefined) (out as Record<string, unknown>)[k] = r[k];
  }
  return out;
};

export async function createAssignmentRule(db: DbOrTx, actor: Actor | null, input: RuleInput): Promise<FeedbackAssignmentRuleView> {
  requireAccess(actor, 'settings:manage');
  checkTarget(input);
  await checkRefs(db, input);
  const [row] = await db
    .insert(feedbackAssignmentRules)
    .values({ position: 1000, ...columnsOf(input), name: input.name, target: input.target })
    .returning();
  await recordAudit(db, actor, { action: 'feedback_rule_create', entityType: 'feedback_rule', entityId: row!.id, changes: { ...ruleView(row!) } });
  return ruleView(row!);
}

export async function updateAssignmentRule(db: DbOrTx, actor: Actor | null, id: string, input: RulePatch): Promise<FeedbackAssignmentRuleView> {
  requireAccess(actor, 'settings:manage');
  const [before] = await db.select().from(feedbackAssignmentRules).where(eq(feedbackAssignmentRules.id, id)).for('update');
  if (!before) throw AppError.notFound('feedback.rule_not_found');
  checkTarget({ target: input.target ?? before.target, userId: input.userId !== undefined ? input.userId : before.userId, teamId: input.teamId !== undefined ? input.teamId : before.teamId });
  await checkRefs(db, input);
  const [row] = await db.update(feedbackAssignmentRules).set({ ...columnsOf(input), updatedAt: new Date() }).where(eq(feedbackAssignmentRules.id, id)).returning();
  await recordAudit(db, actor, { action: 'feedback_rule_update', entityType: 'feedback_rule', entityId: id, changes: { before: ruleView(before), after: ruleView(row!) } });
  return ruleView(row!);
}

export async function deleteAssignmentRule(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'settings:manage');
  const rows = await db.delete(feedbackAssignmentRules).where(eq(feedbackAssignmentRules.id, id)).returning();
  if (!rows.length) throw AppError.notFound('feedback.rule_not_found');
  await recordAudit(db, actor, { action: 'feedback_rule_delete', entityType: 'feedback_rule', entityId: id, changes: { name: rows[0]!.name } });
}
