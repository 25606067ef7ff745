/**
 * The demo's service history (演示业务数据): after the households, the load plays two heating seasons of tickets and
 * feedback through the owning modules' own services, each step at its moment in the past (the services take their
 * clock from the runtime), so every rule applies as it would have: SLA clocks and their breaches, assignment, replies
 * and resolution messages in the outbox, return-visit tasks, ratings with comments, feedback analysed, owned and
 * given a handling deadline.
 *
 * `planActivity` is pure and seeded: the same (seed, size, asOf) gives the same scripts. The load plays them in order,
 * each in one transaction with its checkpoint (a care run in the care module's own short transactions first, see
 * `playCareRun`), so an interrupted load resumes at the next script and never plays one twice.
 *
 * Volumes: tickets 2 % of the households (at least 12, at most 1,500), feedback 1 % (at least 10, at most 800): a
 * plausible queue and inbox, and a load that stays short (the households are the bulk; this part goes through the
 * services one ticket at a time).
 */
import type { Actor } from '../../platform/auth/permissions.js';
import type { Db, DbOrTx } from '../../platform/db/client.js';
import { Random } from '../../platform/random.js';
import { actorOfUser } from '../accounts/index.js';
import { createCarePlan, createCareRule, runCare } from '../care/index.js';
import { createTemplate } from '../messages/index.js';
import { recordFeedback, updateFeedback, type FeedbackSource } from '../feedback/index.js';
import { demoTicketServices, type TicketsRuntime } from '../tickets/index.js';
import { BURST_TEXTS, CARE_TEMPLATES, FEEDBACK_TEXTS, FIRST_REPLIES, RATING_COMMENTS, TICKET_STORIES, type TicketStory } from './activity.data.js';
import { household, type DemoPlan } from './generator.js';
import { planLoyalty, playLoyalty, playLoyaltyRun, type LoyaltyScript } from './loyalty.js';
import { planContent, playContent, playContentOutside, type ContentScript } from './content.js';
import { planOutreach, playOutreach, playOutreachRun, type OutreachScript } from './outreach.js';
import { planDesk, playDesk, type DeskScript } from './desk.js';
import { MINUTE, HOUR, DAY, LOCAL, seasonStarts } from './clock.js';

const SEASON_DAYS = 182;

export type TicketScript = {
  kind: 'ticket';
  household: number;
  at: Date;
  story: number;
  title: string;
  description: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  severity: 'minor' | 'major' | 'critical';
  firstReply: { at: Date; body: string } | null;
  /** A return visit (回访 task, 3 days later) only for the last two weeks' resolutions: older ones are long done. */
  resolve: { at: Date; solution: string; returnVisit: boolean } | null;
  rating: { at: Date; stars: number; comment: string | null } | null;
};
export type FeedbackScript = { kind: 'feedback'; household: number | null; at: Date; text: string; source: FeedbackSource; closeAt: Date | null };
/** Templates, care rules and a return-visit plan, made before the history starts. */
export type SetupScript = { kind: 'setup'; at: Date };
/** The daily care run (关怀) of one of the last days: birthday greetings, festival tasks, return visits after repairs. */
export type CareScript = { kind: 'care'; at: Date };
export type ActivityScript = TicketScript | FeedbackScript | SetupScript | CareScript | LoyaltyScript | ContentScript | OutreachScript | DeskScript;

/** Days before the as-of day that have their care run played. */
const CARE_DAYS = 7;

export const activityVolume = (size: number) => ({
  tickets: Math.min(1500, Math.max(12, Math.round(size * 0.02))),
  feedback: Math.min(800, Math.max(10, Math.round(size * 0.01))),
});

const fill = (text: string, r: Random) => text.replace('{n}', String(r.int(11, 16)));


/** A moment of the history: in a season (its first weeks most), or between seasons; never after the horizon. */
function momentOf(r: Random, horizon: number, inSeason: boolean): number {
  const [older, current] = seasonStarts(horizon) as [number, number];
  for (let attempt = 0; attempt < 20; attempt++) {
    let at: number;
    if (inSeason) {
      const start = r.chance(0.5) ? current : older;
      at = start + Math.min(SEASON_DAYS * DAY - HOUR, r.exponential(1 / (28 * DAY)));
    } else {
      // Between the older season's end and the current one's start (billing and summer repairs).
      const from = older + SEASON_DAYS * DAY;
      at = from + r.next() * (current - from);
    }
    // Office hours most of the time (08:00–20:00 Beijing).
    const day = Math.floor((at + LOCAL) / DAY) * DAY - LOCAL;
    at = day + 8 * HOUR + r.next() * 12 * HOUR;
    if (at < horizon) return at;
  }
  return horizon - DAY;
}

function pickStory(r: Random, inSeason: boolean): number {
  const weights = TICKET_STORIES.map((s) => (inSeason ? s.inSeason : s.offSeason));
  let x = r.next() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return i;
  return weights.length - 1;
}

/** A household that was a customer by then (households join as their compounds open). */
function householdAt(plan: DemoPlan, r: Random, at: number): number {
  for (let attempt = 0; attempt < 8; attempt++) {
    const i = r.int(0, plan.params.size - 1);
    if (household(plan, i).customer.createdAt.getTime() <= at) return i;
  }
  return 0;
}

function ticketScript(plan: DemoPlan, k: number, horizon: number): TicketScript {
  const r = Random.stream(plan.params.seed, 7, k);
  const inSeason = r.chance(0.75);
  const at = momentOf(r, horizon, inSeason);
  const story = pickStory(r, inSeason);
  const s: TicketStory = TICKET_STORIES[story]!;
  const urgent = s.category === 'leak' ? 0.3 : 0.05;
  const priority = r.chance(urgent) ? 'urgent' : r.chance(0.2) ? 'high' : r.chance(0.1) ? 'low' : 'normal';
  const severity = s.category === 'leak' || s.category === 'room_temp' ? (r.chance(0.3) ? 'major' : 'minor') : 'minor';
  // First answer: mostly within two hours; one in ten the next day (a breach of the first-response target).
  const replyAt = at + (r.chance(0.1) ? 6 * HOUR + r.next() * 24 * HOUR : 5 * MINUTE + r.exponential(1 / (90 * MINUTE)));
  // Resolution: about a day; one in eight takes several days.
  const resolveAt = replyAt + (r.chance(0.125) ? 2 * DAY + r.next() * 4 * DAY : HOUR + r.exponential(1 / (20 * HOUR)));
  const stars = 1 + r.weighted([0.05, 0.1, 0.25, 0.6, 1]);
  const rateAt = resolveAt + 30 * MINUTE + r.exponential(1 / (12 * HOUR));
  const rated = r.chance(0.6);
  const commented = r.chance(0.6);
  // A quarter of the last month's tickets are still open (waiting for parts, a second visit): the queue has work,
  // and the SLA checker finds breaches to escalate.
  const stuck = r.chance(0.25) && at > horizon - 30 * DAY;
  const reply = r.pick(FIRST_REPLIES);
  const solution = r.pick(s.solutions);
  return {
    kind: 'ticket',
    household: householdAt(plan, r, at),
    at: new Date(at),
    story,
    title: fill(r.pick(s.titles), r),
    description: fill(r.pick(s.descriptions), r),
    priority,
    severity,
    firstReply: replyAt < horizon ? { at: new Date(replyAt), body: reply } : null,
    resolve: resolveAt < horizon && !stuck ? { at: new Date(resolveAt), solution, returnVisit: resolveAt > horizon - 14 * DAY } : null,
    rating: rated && !stuck && resolveAt < horizon && rateAt < horizon ? { at: new Date(rateAt), stars, comment: commented ? r.pick(RATING_COMMENTS[stars]!) : null } : null,
  };
}

function feedbackScript(plan: DemoPlan, k: number, horizon: number): FeedbackScript {
  const r = Random.stream(plan.params.seed, 8, k);
  const t = r.pick(FEEDBACK_TEXTS);
  const at = momentOf(r, horizon, t.inSeason);
  const source: FeedbackSource = r.chance(0.5) ? 'public_page' : r.chance(0.6) ? 'sms' : 'agent';
  const closeAt = at + DAY + r.exponential(1 / (2 * DAY));
  return {
    kind: 'feedback',
    household: r.chance(0.85) ? householdAt(plan, r, at) : null,
    at: new Date(at),
    text: fill(t.text, r),
    source,
    // Most older items were handled; the last week's stay in the inbox.
    closeAt: closeAt < horizon - 7 * DAY && r.chance(0.85) ? new Date(closeAt) : null,
  };
}

/** Items of the last days' burst (BURST_TEXTS): enough for the hot-topic rule (at least 5, twice the usual share). */
export const FEEDBACK_BURST = 8;

/**
 * The burst: FEEDBACK_BURST households of one building (the first household's) tell of the same leak within the three
 * days before the as-of day, so that the analysis page has a hot topic in its window of the last 7 days all as-of day
 * long. Still open (the inbox's newest work).
 */
function burstScripts(plan: DemoPlan, horizon: number): FeedbackScript[] {
  const r = Random.stream(plan.params.seed, 9, 0);
  const first = r.int(0, plan.params.size - 1);
  const building = household(plan, first).customer;
  const neighbours = [first];
  for (let k = 1; k < plan.params.size && neighbours.length < FEEDBACK_BURST; k++) {
    const i = (first + k) % plan.params.size;
    const c = household(plan, i).customer;
    if (c.compound === building.compound && c.building === building.building) neighbours.push(i);
  }
  return Array.from({ length: FEEDBACK_BURST }, (_, k) => ({
    kind: 'feedback' as const,
    household: neighbours[k % neighbours.length]!,
    at: new Date(horizon - 3 * DAY + Math.floor((k * 3 * DAY) / FEEDBACK_BURST) + HOUR + r.int(0, 50) * MINUTE),
    text: r.pick(BURST_TEXTS).replace('{b}', String(building.building).replace(/号楼$/, '')),
    source: r.chance(0.5) ? ('public_page' as const) : ('sms' as const),
    closeAt: null,
  }));
}

/**
 * Every script of the demo's history, oldest first (ties by kind and number). The horizon is the start of the
 * as-of day in Beijing: nothing happens on the as-of day itself, so the history is the same whenever it is loaded.
 */
export function planActivity(plan: DemoPlan): ActivityScript[] {
  const horizon = Date.parse(`${plan.params.asOf}T00:00:00Z`) - LOCAL;
  const { tickets, feedback } = activityVolume(plan.params.size);
  const out: ActivityScript[] = [];
  for (let k = 0; k < tickets; k++) out.push(ticketScript(plan, k, horizon));
  for (let k = 0; k < feedback; k++) out.push(feedbackScript(plan, k, horizon));
  out.push(...burstScripts(plan, horizon)); // the last days' hot topic
  out.push({ kind: 'setup', at: new Date(seasonStarts(horizon)[0]! - 90 * DAY) });
  for (let d = CARE_DAYS; d >= 1; d--) out.push({ kind: 'care', at: new Date(horizon - d * DAY + 9 * HOUR) });
  out.push(...planLoyalty(plan, horizon)); // 会员与积分: loyalty.ts
  out.push(...planContent(plan, horizon)); // 知识库、疑似重复、导入、细分、价值分析、目标: content.ts
  out.push(...planOutreach(plan, horizon)); // 满意度调查、营销活动: outreach.ts
  out.push(...planDesk(plan, horizon)); // 管理员的任务、报表订阅、停暖通知: desk.ts
  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || a.kind.localeCompare(b.kind));
}

/** What playing a script needs: the loading actor, the account managers by household, and a messaging runtime base. */
export type ActivityDeps = {
  actor: Actor;
  managerOf: (household: number) => string;
  runtime: Omit<TicketsRuntime, 'now' | 'kick' | 'drain'>;
};

/**
 * A day's care run, on the database itself: the care module works in short transactions of its own (a chunk of tasks,
 * one customer's message), so the server's requests go on meanwhile; each occasion is claimed once, so a run replayed
 * after an interruption (before its checkpoint) writes nothing twice.
 */
export async function playCareRun(db: Db, script: CareScript, deps: ActivityDeps): Promise<void> {
  await runCare(db, deps.actor, { messaging: { ...deps.runtime, now: () => script.at, kick: async () => undefined } });
}

/** What a script does on the database itself, before its checkpoint transaction: a care run, the loyalty upkeep's run. */
export async function playOutside(db: Db, script: ActivityScript, deps: ActivityDeps): Promise<void> {
  if (script.kind === 'care') await playCareRun(db, script, deps);
  if (script.kind === 'loyalty') await playLoyaltyRun(db, script);
  if (script.kind === 'content') await playContentOutside(db, script, deps);
  if (script.kind === 'outreach') await playOutreachRun(db, script, deps);
}

/** Plays one script (not a care run: playCareRun) in the caller's transaction. */
export async function playScript(tx: DbOrTx, plan: DemoPlan, script: ActivityScript, deps: ActivityDeps): Promise<void> {
  let clock = script.at;
  const rt: TicketsRuntime = { ...deps.runtime, now: () => clock, kick: async () => undefined };
  if (script.kind === 'setup') return setUpCare(tx, deps.actor);
  if (script.kind === 'loyalty') return playLoyalty(tx, plan, script, deps);
  if (script.kind === 'content') return playContent(tx, plan, script, deps);
  if (script.kind === 'outreach') return playOutreach(tx, plan, script, deps);
  if (script.kind === 'desk') return playDesk(tx, plan, script, deps);
  if (script.kind === 'care') throw new Error('a care run plays outside the checkpoint transaction: playCareRun');
  if (script.kind === 'feedback') {
    const customerId = script.household === null ? null : household(plan, script.household).customer.id;
    const item = await recordFeedback(tx, {
      text: script.text,
      source: script.source,
      customerId,
      contactName: customerId ? null : '匿名住户',
      createdBy: script.source === 'agent' && script.household !== null ? deps.managerOf(script.household) : null,
      now: script.at,
    });
    if (script.closeAt) await updateFeedback(tx, deps.actor, item.id, { status: 'closed', version: item.version }, script.closeAt);
    return;
  }
  const managerId = deps.managerOf(script.household);
  const manager = await actorOfUser(tx, managerId);
  if (!manager) throw new Error(`demo manager ${managerId} is not active`);
  const story = TICKET_STORIES[script.story]!;
  const tickets = demoTicketServices;
  const categoryId = await tickets.categoryIdOf(tx, story.category);
  const created = await tickets.createTicket(
    tx,
    manager,
    {
      title: script.title,
      description: script.description,
      type: story.type,
      categoryId,
      priority: script.priority,
      severity: script.severity,
      customerId: household(plan, script.household).customer.id,
      source: 'call',
      assigneeId: managerId,
    },
    rt,
  );
  if (script.firstReply) {
    clock = script.firstReply.at;
    await tickets.addReply(tx, manager, created.id, { body: script.firstReply.body, send: true }, rt);
  }
  if (script.resolve) {
    clock = script.resolve.at;
    const rootCauseId = await tickets.rootCauseIdOf(tx, story.rootCause);
    await tickets.resolveTicket(tx, manager, created.id, { rootCauseId, solution: script.resolve.solution, outcomeTold: 'reply', returnVisitDays: script.resolve.returnVisit ? 3 : 0 }, rt);
  }
  if (script.rating) {
    clock = script.rating.at;
    await tickets.rateTicket(tx, created.publicUrl.split('/').pop()!, { rating: script.rating.stars, comment: script.rating.comment }, null, rt);
  }
}

/** The message templates a heating company keeps, a birthday greeting and a Spring Festival visit, and return visits after repairs. */
async function setUpCare(tx: DbOrTx, actor: Actor): Promise<void> {
  const ids: Record<string, string> = {};
  for (const t of CARE_TEMPLATES) ids[t.key] = (await createTemplate(tx, actor, { name: t.name, channel: 'sms', category: t.category, bodyZh: t.bodyZh, bodyEn: t.bodyEn })).id;
  await createCareRule(tx, actor, { name: '生日祝福短信', occasion: 'birthday', daysBefore: 0, audience: {}, actions: [{ templateId: ids.birthday! }], active: true });
  await createCareRule(tx, actor, {
    name: '独居老人春节走访',
    occasion: 'spring',
    daysBefore: 3,
    audience: { tags: ['独居老人'] },
    actions: [{ taskTitle: '春节前上门走访独居老人' }, { templateId: ids.festival! }],
    active: true,
  });
  await createCarePlan(tx, actor, { name: '维修后回访', kind: 'event', eventKeyword: '维修', intervalDays: 3, taskTitle: '维修后电话回访', audience: {}, active: true });
}
