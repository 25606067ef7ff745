import { can, requireAccess, systemActor, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { isEmbedded, SLICE_TARGET_MS, SliceSizer, sliceTimer, yieldToEventLoop } from '../../platform/db/slice.js';
import { CUSTOMER_GRANT_LABELS, type CustomerGrantField } from '../../platform/auth/field-access.js';
import { AppError } from '../../platform/errors.js';
import { knownZone, startOfDay, zoneOffsetMs } from '../../platform/time.js';
import { actorOfUser, findUserById, teamAndDescendants } from '../accounts/index.js';
import { recordAudit } from '../audit/index.js';
import { createSystemTasks } from '../interactions/index.js';
import { customerAccess, customerFields } from '../customers/index.js';
import { activeTemplateIds, kickIfQueued, kickSweep, sendMessage, type MessageView, type MessagingRuntime } from '../messages/index.js';
import { readCompanySettings } from '../settings/index.js';
import {
  LUNAR_FESTIVALS,
  SOLAR_FESTIVALS,
  type CareAction,
  type CareAudience,
  type CareTier,
  type CoverageReport,
  type CoverageRow,
  type Festival,
  type Occasion,
  type PlanView,
  type PreviewItem,
  type RulePreview,
  type RuleView,
  type RunSummary,
} from './care.contract.js';
import * as repo from './care.repository.js';
import type { CoverageQuery, CreatePlanInput, CreateRuleInput, PreviewRuleInput, UpdatePlanInput, UpdateRuleInput } from './care.types.js';
import { addDays, festivalDate, lunarBirthdaysOn } from './festivals.js';

/** What the care module needs from its process: the outbox runtime (and its clock). */
export type CareRuntime = { messaging: MessagingRuntime };

/** A run also handles occasions whose send day was up to this many days ago (a server that was down overnight). */
export const CATCH_UP_DAYS = 3;
/** Return-visit tasks are created this many days before they are due (so they show under 我的任务 upcoming). */
export const LEAD_DAYS = 7;
const PREVIEW_DAYS = 30;
const PREVIEW_LIMIT = 200;
const DAY = 86_400_000;

const FESTIVALS: readonly string[] = [...LUNAR_FESTIVALS, ...SOLAR_FESTIVALS];
const isFestival = (o: Occasion): o is Festival => FESTIVALS.includes(o);

/** The company-local calendar day of an instant (YYYY-MM-DD). */
const localDay = (zone: string, at: Date) => new Date(at.getTime() + zoneOffsetMs(zone, at)).toISOString().slice(0, 10);
const ymd = (iso: string) => iso.split('-').map(Number) as [number, number, number];
const startOf = (zone: string, iso: string) => startOfDay(zone, ...ymd(iso));
/** The last minute of a local day: a task "due that day". */
const endOf = (zone: string, iso: string) => new Date(startOf(zone, addDays(iso, 1)).getTime() - 60_000);
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

async function zoneOf(db: DbOrTx): Promise<string> {
  return knownZone((await readCompanySettings(db)).timezone);
}

// ---- views -------------------------------------------------------------------------------------------------------

const ref = (id: string | null, name: string | null) => (id ? { id, name: name ?? '' } : null);

function toPlanView(r: repo.PlanRow): PlanView {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    audience: r.audience,
    intervalDays: r.intervalDays,
    eventKeyword: r.eventKeyword,
    taskTitle: r.taskTitle,
    fallbackUserId: r.fallbackUserId,
    active: r.active,
    version: r.version,
    createdBy: ref(r.createdBy, r.createdByName),
    createdAt: r.createdAt.toISOString(),
  };
}

function toRuleView(r: repo.RuleRow): RuleView {
  return {
    id: r.id,
    name: r.name,
    audience: r.audience,
    occasion: r.occasion,
    daysBefore: r.daysBefore,
    actions: r.actions,
    fallbackUserId: r.fallbackUserId,
    active: r.active,
    version: r.version,
    createdBy: ref(r.createdBy, r.createdByName),
    createdAt: r.createdAt.toISOString(),
  };
}

// ---- plans ---------------------------------------------------------------------------------------------------------

async function checkFallbackUser(db: DbOrTx, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const u = await findUserById(db, id);
  if (!u || !u.active) throw AppError.field('fallbackUserId', 'care.user_not_found');
}

/** Every customer segment of an audience exists and is not deleted (400 naming `audience.segmentIds.N`). */
async function checkAudience(db: DbOrTx, audience: CareAudience | undefined): Promise<void> {
  const ids = audience?.segmentIds ?? [];
  if (!ids.length) return;
  const live = await repo.liveSegmentIds(db, ids.map((id) => id.toLowerCase()));
  for (const [i, id] of ids.entries()) {
    if (!live.has(id.toLowerCase())) throw AppError.field(`audience.segmentIds.${i}`, 'care.segment_not_found');
  }
}

export async function listPlans(db: DbOrTx, actor: Actor | null): Promise<{ items: PlanView[] }> {
  requireAccess(actor, 'care:manage');
  return { items: (await repo.listPlans(db)).map(toPlanView) };
}

export async function createPlan(db: DbOrTx, actor: Actor | null, input: CreatePlanInput): Promise<PlanView> {
  requireAccess(actor, 'care:manage');
  if (input.kind === 'event' && !input.eventKeyword) throw AppError.field('eventKeyword', 'care.keyword_required');
  await checkAudience(db, input.audience);
  await checkFallbackUser(db, input.fallbackUserId);
  const id = await repo.insertPlan(db, {
    name: input.name,
    kind: input.kind,
    audience: input.audience,
    intervalDays: input.intervalDays,
    eventKeyword: input.kind === 'event' ? (input.eventKeyword ?? null) : null,
    taskTitle: input.taskTitle,
    fallbackUserId: input.fallbackUserId ?? null,
    active: input.active,
    createdBy: actor.userId,
  });
  await recordAudit(db, actor, { action: 'care_plan_create', entityType: 'care_plan', entityId: id, changes: { ...input } });
  return toPlanView((await repo.findPlan(db, id))!);
}

export async function updatePlan(db: DbOrTx, actor: Actor | null, id: string, input: UpdatePlanInput): Promise<PlanView> {
  requireAccess(actor, 'care:manage');
  const row = await repo.findPlan(db, id);
  if (!row) throw AppError.notFound('care.plan_not_found');
  if (input.version !== undefined && input.version !== row.version) throw AppError.conflict('care.stale', { current: row.version, given: input.version }, 'version');
  const { version: _v, ...values } = input;
  const kind = values.kind ?? row.kind;
  const keyword = values.eventKeyword !== undefined ? values.eventKeyword : row.eventKeyword;
  if (kind === 'event' && !keyword) throw AppError.field('eventKeyword', 'care.keyword_required');
  await checkAudience(db, values.audience);
  await checkFallbackUser(db, values.fallbackUserId);
  if (!(await repo.updatePlan(db, id, row.version, values))) throw AppError.conflict('care.stale', { current: row.version + 1, given: row.version }, 'version');
  await recordAudit(db, actor, { action: 'care_plan_update', entityType: 'care_plan', entityId: id, changes: values });
  return toPlanView((await repo.findPlan(db, id))!);
}

export async function archivePlan(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'care:manage');
  const row = await repo.findPlan(db, id);
  if (!row) throw AppError.notFound('care.plan_not_found');
  await repo.updatePlan(db, id, row.version, { deletedAt: new Date(), active: false });
  await recordAudit(db, actor, { action: 'care_plan_archive', entityType: 'care_plan', entityId: id, changes: { name: row.name } });
}

// ---- rules ---------------------------------------------------------------------------------------------------------

async function checkActions(db: DbOrTx, actions: CareAction[]): Promise<void> {
  const live = await activeTemplateIds(db, actions.flatMap((a) => (a.templateId ? [a.templateId] : [])));
  for (const [i, a] of actions.entries()) {
    if (!a.taskTitle && !a.templateId) throw AppError.field(`actions.${i}`, 'care.action_empty');
    if (a.templateId && !live.has(a.templateId)) throw AppError.field(`actions.${i}.templateId`, 'messages.template_not_found');
  }
}

export async function listRules(db: DbOrTx, actor: Actor | null): Promise<{ items: RuleView[] }> {
  requireAccess(actor, 'care:manage');
  return { items: (await repo.listRules(db)).map(toRuleView) };
}

export async function createRule(db: DbOrTx, actor: Actor | null, input: CreateRuleInput): Promise<RuleView> {
  requireAccess(actor, 'care:manage');
  await checkAudience(db, input.audience);
  await checkActions(db, input.actions);
  await checkFallbackUser(db, input.fallbackUserId);
  const id = await repo.insertRule(db, {
    name: input.name,
    audience: input.audience,
    occasion: input.occasion,
    daysBefore: input.daysBefore,
    actions: input.actions,
    fallbackUserId: input.fallbackUserId ?? null,
    active: input.active,
    createdBy: actor.userId,
  });
  await recordAudit(db, actor, { action: 'care_rule_create', entityType: 'care_rule', entityId: id, changes: { ...input } });
  return toRuleView((await repo.findRule(db, id))!);
}

export async function updateRule(db: DbOrTx, actor: Actor | null, id: string, input: UpdateRuleInput): Promise<RuleView> {
  requireAccess(actor, 'care:manage');
  const row = await repo.findRule(db, id);
  if (!row) throw AppError.notFound('care.rule_not_found');
  if (input.version !== undefined && input.version !== row.version) throw AppError.conflict('care.stale', { current: row.version, given: input.version }, 'version');
  const { version: _v, ...values } = input;
  await checkAudience(db, values.audience);
  if (values.actions) await checkActions(db, values.actions);
  await checkFallbackUser(db, values.fallbackUserId);
  if (!(await repo.updateRule(db, id, row.version, values))) throw AppError.conflict('care.stale', { current: row.version + 1, given: row.version }, 'version');
  await recordAudit(db, actor, { action: 'care_rule_update', entityType: 'care_rule', entityId: id, changes: values });
  return toRuleView((await repo.findRule(db, id))!);
}

export async function archiveRule(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'care:manage');
  const row = await repo.findRule(db, id);
  if (!row) throw AppError.notFound('care.rule_not_found');
  await repo.updateRule(db, id, row.version, { deletedAt: new Date(), active: false });
  await recordAudit(db, actor, { action: 'care_rule_archive', entityType: 'care_rule', entityId: id, changes: { name: row.name } });
}

// ---- occasions -------------------------------------------------------------------------------------------------------

/** The variation of a rule's action for a tier: the first listing the tier, else the first without tiers. */
export function actionFor(actions: CareAction[], tier: CareTier): CareAction | null {
  return actions.find((a) => a.tiers?.length && a.tiers.includes(tier)) ?? actions.find((a) => !a.tiers?.length) ?? null;
}

type Hit = { customer: repo.Candidate; occasionDate: string; key: string };

/**
 * Customers whose occasion (of a rule) is on one of `occasionDays`, with the occasion's date and key
 * ("birthday:2026"). Festivals: the festival dates among those days, for the whole audience (paged).
 */
async function* occasionHits(db: DbOrTx, rule: Pick<repo.RuleRow, 'occasion' | 'audience'>, analytics: boolean, occasionDays: string[], zone: string, limit?: number): AsyncGenerator<Hit> {
  const occasion = rule.occasion;
  if (isFestival(occasion)) {
    const years = [...new Set(occasionDays.map((d) => ymd(d)[0]))];
    for (const y of years) {
      const date = festivalDate(occasion, y);
      if (!occasionDays.includes(date)) continue;
      let after: string | null = null;
      let n = 0;
      for (;;) {
        const page = await repo.audiencePage(db, rule.audience, analytics, after, 1000);
        for (const c of page) {
          if (limit !== undefined && n++ >= limit) return;
          yield { customer: c, occasionDate: date, key: `${occasion}:${y}` };
        }
        if (page.length < 1000) break;
        after = page[page.length - 1]!.id;
      }
    }
    return;
  }
  const byMonthDay = new Map<string, string>();
  for (const o of occasionDays) {
    const md = o.slice(5);
    byMonthDay.set(md, o);
    if (md === '02-28' && !isLeap(ymd(o)[0])) byMonthDay.set('02-29', o);
  }
  const mds = [...byMonthDay.keys()];
  const rows =
    occasion === 'birthday'
      ? await repo.birthdayCandidates(db, rule.audience, analytics, mds, limit)
      : await repo.anniversaryCandidates(db, rule.audience, analytics, mds, zone, limit);
  if (occasion === 'birthday') {
    // Customers who keep a lunar birthday (农历生日) are greeted on it, once per lunar year: days of a leap month
    // greet nobody (a 闰月 birth counts in the ordinary month), and the 30th falls on the 29th of a 29-day month.
    const byLunarDay = new Map<string, { date: string; year: number }>();
    for (const o of occasionDays) {
      const l = lunarBirthdaysOn(o);
      for (const key of l?.keys ?? []) byLunarDay.set(key, { date: o, year: l!.year });
    }
    for (const c of await repo.lunarBirthdayCandidates(db, rule.audience, analytics, [...byLunarDay.keys()], limit)) {
      const hit = byLunarDay.get(c.monthDay ?? '');
      if (hit) yield { customer: c, occasionDate: hit.date, key: `birthday:lunar:${hit.year}` };
    }
  }
  for (const c of rows) {
    const o = byMonthDay.get(c.monthDay ?? '');
    if (!o) continue;
    const year = ymd(o)[0];
    if (occasion === 'anniversary' && (c.startYear === null || year <= c.startYear)) continue;
    // A 02-29 birthday in a common year is celebrated on 02-28.
    yield { customer: c, occasionDate: o, key: `${occasion}:${year}` };
  }
}

// ---- the run ---------------------------------------------------------------------------------------------------------

type Counters = RunSummary & { queued: MessageView[] };
type RunCtx = { zone: string; today: string; now: Date; analytics: boolean; rt: CareRuntime; sys: Actor; out: Counters; assignees: Assignees };
type Who = { id: string; ownerId: string | null; teamId: string | null };

/** Who may take a customer's task: the first candidate (owner, fallback, creator) who is active and sees the customer. */
class Assignees {
  private readonly actors = new Map<string, Promise<Actor | null>>();
  constructor(private readonly db: DbOrTx) {}
  async pick(candidates: (string | null)[], c: Who): Promise<string | null> {
    for (const id of candidates) {
      if (!id) continue;
      let actor = this.actors.get(id);
      if (!actor) {
        actor = actorOfUser(this.db, id).then((a) => a ?? null);
        this.actors.set(id, actor);
      }
      const a = await actor;
      if (a && can(a, 'customer:read') && customerAccess.reaches(a, { ownerId: c.ownerId, teamId: c.teamId })) return id;
    }
    return null;
  }
}

/** Claimed in chunks: each chunk's occurrences, tasks, audit entries and links are one transaction. */
const CHUNK = 500;
/**
 * On the embedded database task transactions are sized like jobs' slices (platform/db/slice.ts) with a turn of the
 * event loop after each, and a rule's messages give a turn every few customers: a run never holds the server.
 */
const HITS_PER_TURN = 10;
const KICK_EACH_MAX = 50; // more messages than this: one delivery sweep, not a job each
type TaskItem = { customer: Who; key: string; title: string; notes: string; dueAt: Date; type: 'return_visit' | 'care'; candidates: (string | null)[] };

async function createTasks(db: DbOrTx, source: { id: string; kind: 'plan' | 'rule' }, items: TaskItem[], ctx: RunCtx): Promise<void> {
  const { out } = ctx;
  const ready: (TaskItem & { assigneeId: string })[] = [];
  for (const [k, item] of items.entries()) {
    if (k > 0 && k % CHUNK === 0) await yieldToEventLoop();
    const assigneeId = await ctx.assignees.pick(item.candidates, item.customer);
    if (assigneeId) ready.push({ ...item, assigneeId });
    else {
      out.errors++;
      ctx.rt.messaging.log(`care ${source.kind} ${source.id}, customer ${item.customer.id}: nobody may take the task`);
    }
  }
  // The same order in every process: racing runs wait on each other's keys instead of deadlocking.
  ready.sort((x, y) => (x.customer.id === y.customer.id ? x.key.localeCompare(y.key) : x.customer.id < y.customer.id ? -1 : 1));
  const sizer = isEmbedded(db) ? new SliceSizer({ targetMs: SLICE_TARGET_MS, initial: 50, min: 10, max: CHUNK }) : SliceSizer.fixed(CHUNK);
  for (let i = 0; i < ready.length; ) {
    if (i > 0) await yieldToEventLoop();
    const chunk = ready.slice(i, i + sizer.size);
    i += chunk.length;
    const elapsed = sliceTimer();
    try {
      await db.transaction(async (tx) => {
        const claimed = await repo.claimOccurrences(tx, source, chunk.map((x) => ({ customerId: x.customer.id, occasionKey: x.key })));
        const mine = chunk.filter((x) => claimed.has(`${x.customer.id}|${x.key}`));
        const taskIds = await createSystemTasks(
          tx,
          ctx.sys,
          mine.map((x) => ({ type: x.type, title: x.title, notes: x.notes, customerId: x.customer.id, assigneeId: x.assigneeId, dueAt: x.dueAt })),
        );
        await repo.linkTasks(tx, mine.map((x, j) => ({ id: claimed.get(`${x.customer.id}|${x.key}`)!, taskId: taskIds[j]! })));
        out.tasks += mine.length;
        out.skipped += chunk.length - mine.length;
      });
    } catch (err) {
      out.errors += chunk.length;
      ctx.rt.messaging.log(`care ${source.kind} ${source.id}: ${(err as Error).message}`);
    }
    sizer.record(chunk.length, elapsed());
  }
}

/** A rule's hit with a message: one transaction per customer (the outbox locks the customer's row for the cap). */
async function careWithMessage(db: DbOrTx, rule: repo.RuleRow, hit: Hit, action: CareAction, ctx: RunCtx): Promise<void> {
  const { zone, sys, out } = ctx;
  try {
    // Before the transaction: on PGlite (one connection) a query outside it would wait for ever.
    const assigneeId = action.taskTitle ? await ctx.assignees.pick([hit.customer.ownerId, rule.fallbackUserId, rule.createdBy], hit.customer) : null;
    if (action.taskTitle && !assigneeId) throw new Error('nobody may take the task');
    await db.transaction(async (tx) => {
      const occ = await repo.claimOccurrence(tx, { sourceId: rule.id, sourceKind: 'rule', customerId: hit.customer.id, occasionKey: hit.key });
      if (!occ) {
        out.skipped++;
        return;
      }
      let taskId: string | null = null;
      let messageId: string | null = null;
      if (action.taskTitle && assigneeId) {
        const made = await createSystemTasks(tx, sys, [
          { type: 'care', title: action.taskTitle, notes: `${rule.name} · ${hit.occasionDate}`, customerId: hit.customer.id, assigneeId, dueAt: careDue(zone, hit.occasionDate) },
        ]);
        taskId = made[0] ?? null;
        out.tasks++;
      }
      try {
        const m = await sendMessage(tx, sys, hit.customer.id, { templateId: action.templateId!, category: 'care' }, ctx.rt.messaging);
        messageId = m.id;
        if (m.status === 'suppressed') out.suppressed++;
        else {
          out.messages++;
          out.queued.push(m);
        }
      } catch (err) {
        // No address for the channel, an archived template: nothing to send, the occasion is still handled.
        if (!(err instanceof AppError)) throw err;
        out.suppressed++;
      }
      await repo.linkOccurrence(tx, occ, { taskId, messageId });
    });
  } catch (err) {
    out.errors++;
    ctx.rt.messaging.log(`care rule ${rule.id}, customer ${hit.customer.id}: ${(err as Error).message}`);
  }
}

/** A care task is due at 09:00 on the occasion's day (company time). */
const careDue = (zone: string, day: string) => new Date(startOf(zone, day).getTime() + 9 * 3600_000);

async function runRule(db: DbOrTx, rule: repo.RuleRow, ctx: RunCtx): Promise<void> {
  const occasionDays: string[] = [];
  for (let back = CATCH_UP_DAYS; back >= 0; back--) occasionDays.push(addDays(ctx.today, rule.daysBefore - back));
  const tasksOnly: TaskItem[] = [];
  let messaged = 0;
  for await (const hit of occasionHits(db, rule, ctx.analytics, occasionDays, ctx.zone)) {
    const action = actionFor(rule.actions, hit.customer.tier);
    if (!action) continue;
    if (action.templateId) {
      await careWithMessage(db, rule, hit, action, ctx);
      if (++messaged % HITS_PER_TURN === 0) await yieldToEventLoop();
    } else if (action.taskTitle) {
      tasksOnly.push({
        customer: hit.customer,
        key: hit.key,
        type: 'care',
        title: action.taskTitle,
        notes: `${rule.name} · ${hit.occasionDate}`,
        dueAt: careDue(ctx.zone, hit.occasionDate),
        candidates: [hit.customer.ownerId, rule.fallbackUserId, rule.createdBy],
      });
    }
  }
  await createTasks(db, { id: rule.id, kind: 'rule' }, tasksOnly, ctx);
}

async function runPlan(db: DbOrTx, plan: repo.PlanRow, ctx: RunCtx): Promise<void> {
  const { zone, today, now } = ctx;
  const items: TaskItem[] = [];
  const item = (customer: Who, key: string, due: string): TaskItem => ({
    customer,
    key,
    type: 'return_visit',
    title: plan.taskTitle,
    notes: plan.name,
    dueAt: endOf(zone, due),
    candidates: [customer.ownerId, plan.fallbackUserId, plan.createdBy],
  });
  if (plan.kind === 'interval') {
    const horizon = startOf(zone, addDays(today, LEAD_DAYS + 1));
    for (const c of await repo.visitCandidates(db, plan.id, plan.audience, ctx.analytics, plan.intervalDays, horizon)) {
      const next = c.last ? localDay(zone, new Date(c.last.getTime() + plan.intervalDays * DAY)) : today;
      items.push(item(c, `visit:${c.last ? c.last.toISOString() : 'never'}`, next < today ? today : next));
    }
  } else {
    const since = new Date(now.getTime() - (plan.intervalDays + 30) * DAY);
    // At most one open return visit per plan and customer: the first repair of a run counts.
    const seen = new Set<string>();
    for (const c of await repo.eventCandidates(db, plan.id, plan.audience, ctx.analytics, plan.eventKeyword ?? '', since, now)) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      items.push(item(c, `tx:${c.transactionId}`, addDays(localDay(zone, c.occurredAt), plan.intervalDays)));
    }
  }
  await createTasks(db, { id: plan.id, kind: 'plan' }, items, ctx);
}

/**
 * One run of every active plan and rule for the company-local day of the runtime's clock: creates the due return
 * visits and the care of occasions whose send day is today or up to CATCH_UP_DAYS before. Each (plan or rule,
 * customer, occasion) is claimed in `care_occurrences` in the transaction that creates its task or message, so
 * runs may repeat and race freely. Messages are handed to the senders after their commits.
 */
export async function runCare(db: DbOrTx, actor: Actor | null, rt: CareRuntime, only?: { planId?: string; ruleId?: string }): Promise<RunSummary> {
  requireAccess(actor, 'care:manage');
  const now = rt.messaging.now();
  const zone = await zoneOf(db);
  const today = localDay(zone, now);
  const analytics = await repo.hasAnalytics(db);
  const sys = systemActor('system');
  const out: Counters = { today, tasks: 0, messages: 0, suppressed: 0, skipped: 0, errors: 0, queued: [] };
  const ctx: RunCtx = { zone, today, now, analytics, rt, sys, out, assignees: new Assignees(db) };
  if (!only?.ruleId) {
    for (const plan of await repo.listPlans(db)) if (plan.active && (!only?.planId || plan.id === only.planId)) await runPlan(db, plan, ctx);
  }
  if (!only?.planId) {
    for (const rule of await repo.listRules(db)) if (rule.active && (!only?.ruleId || rule.id === only.ruleId)) await runRule(db, rule, ctx);
  }
  // Many messages (a festival over the whole book) start one sweep, as bulk sends do, instead of a job per message.
  if (out.queued.length > KICK_EACH_MAX) kickSweep(rt.messaging);
  else for (const m of out.queued) await kickIfQueued(rt.messaging, m);
  const { queued: _q, ...summary } = out;
  if (actor.userId) await recordAudit(db, actor, { action: 'care_run', entityType: 'care', entityId: null, changes: summary });
  return summary;
}

// ---- preview -----------------------------------------------------------------------------------------------------------

/**
 * Field grants (issue #18): a preview picks customers, and dates, by the rule's occasion and audience. A birthday
 * occasion tells each listed customer's birthday (send day + days before = the birthday, and being listed at all says
 * it falls in the next 30 days); an audience by city or compound tells where they live. For a role that does not see
 * the field the preview is refused — 403 problem+json naming the request field (`occasion`, `audience.cities`,
 * `audience.compounds`) — rather than answered with the dates left out: a list without dates would still tell the
 * birthday's month, and a clear refusal tells an agent what to change. Saving the rule stays allowed (its run greets
 * customers; it shows nobody a date).
 */
function refuseHiddenPreviewFields(actor: Actor, input: PreviewRuleInput): void {
  const fields = customerFields(actor);
  const uses: [string, CustomerGrantField, boolean][] = [
    ['occasion', 'birthday', input.occasion === 'birthday'],
    ['audience.cities', 'address', !!input.audience.cities?.length],
    ['audience.compounds', 'address', !!input.audience.compounds?.length],
  ];
  for (const [field, grant, used] of uses) {
    if (!used || fields.visible(grant)) continue;
    const params = { field, fieldZh: CUSTOMER_GRANT_LABELS[grant].zh, fieldEn: CUSTOMER_GRANT_LABELS[grant].en };
    throw new AppError('forbidden', 'care.preview_field_hidden', params, [{ field, key: 'care.preview_field_hidden', params }]);
  }
}

/** Who a rule would reach on which day in the next 30 days (send day = occasion − days before), with festival dates. */
export async function previewRule(db: DbOrTx, actor: Actor | null, input: PreviewRuleInput, rt: CareRuntime): Promise<RulePreview> {
  requireAccess(actor, 'care:manage');
  refuseHiddenPreviewFields(actor, input);
  await checkAudience(db, input.audience);
  const zone = await zoneOf(db);
  const today = localDay(zone, rt.messaging.now());
  const analytics = await repo.hasAnalytics(db);
  const occasionDays: string[] = [];
  for (let i = 0; i <= PREVIEW_DAYS; i++) occasionDays.push(addDays(today, i + input.daysBefore));
  const festivalDates: RulePreview['festivalDates'] = [];
  const last = addDays(today, PREVIEW_DAYS + input.daysBefore);
  for (const f of FESTIVALS as Festival[]) {
    for (const y of new Set([ymd(today)[0], ymd(last)[0]])) {
      const date = festivalDate(f, y);
      if (date >= today && date <= last) festivalDates.push({ festival: f, date });
    }
  }
  festivalDates.sort((a, b) => a.date.localeCompare(b.date));
  const items: PreviewItem[] = [];
  let truncated = false;
  for await (const hit of occasionHits(db, { occasion: input.occasion, audience: input.audience }, analytics, occasionDays, zone, PREVIEW_LIMIT + 1)) {
    if (items.length >= PREVIEW_LIMIT) {
      truncated = true;
      break;
    }
    const action = actionFor(input.actions, hit.customer.tier);
    items.push({
      customerId: hit.customer.id,
      customerName: hit.customer.name,
      occasionDate: hit.occasionDate,
      sendDate: addDays(hit.occasionDate, -input.daysBefore),
      tier: hit.customer.tier,
      taskTitle: action?.taskTitle ?? null,
      templateId: action?.templateId ?? null,
    });
  }
  items.sort((a, b) => a.sendDate.localeCompare(b.sendDate) || a.customerName.localeCompare(b.customerName, 'zh-CN'));
  return { festivalDates, items, truncated };
}

// ---- coverage ----------------------------------------------------------------------------------------------------------

/**
 * Per plan and owner: customers covered, visited on time, overdue; and the overdue visits (oldest first). Readable by
 * anyone with `customer:read` (there is no care:read), always within the reader's data scope; filters by plan, owner
 * and team (the team and its sub-teams; a team outside the reader's scope simply yields nothing).
 */
export async function coverageReport(db: DbOrTx, actor: Actor | null, q: CoverageQuery, rt: CareRuntime): Promise<CoverageReport> {
  requireAccess(actor, 'customer:read');
  const now = rt.messaging.now();
  const f: repo.CoverageFilter = { ownerId: q.ownerId };
  if (q.teamId) {
    f.teamIds = await teamAndDescendants(db, q.teamId);
    if (!f.teamIds.length) throw AppError.field('teamId', 'care.team_not_found');
  }
  const analytics = await repo.hasAnalytics(db);
  const plans = (await repo.listPlans(db)).filter((p) => !q.planId || p.id === q.planId);
  const rows: CoverageRow[] = [];
  for (const p of plans) {
    const counts = p.kind === 'interval' ? await repo.intervalCoverage(db, p, analytics, actor, f, now) : await repo.eventCoverage(db, p.id, actor, f, now);
    for (const c of counts) rows.push({ planId: p.id, planName: p.name, ...c });
  }
  const names = new Map(plans.map((p) => [p.id, p.name]));
  const overdue = (await repo.overdueVisits(db, plans.map((p) => p.id), actor, f, now)).map((r) => {
    const due = new Date(r.dueAt);
    return {
      planId: r.planId,
      planName: names.get(r.planId) ?? '',
      customerId: r.customerId,
      customerName: r.customerName,
      ownerId: r.ownerId,
      ownerName: r.ownerName,
      taskId: r.taskId,
      dueAt: due.toISOString(),
      daysOverdue: Math.max(0, Math.floor((now.getTime() - due.getTime()) / DAY)),
    };
  });
  return { rows, overdue };
}

