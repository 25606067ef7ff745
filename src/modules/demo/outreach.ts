/**
 * The demo's outreach (满意度调查与营销活动), as scripts of the service history (activity.ts) played through the surveys',
 * campaigns' and segments' own services, each at its moment in the past (the script's `at` is the clock), so the
 * /surveys and /campaigns pages show what those modules make of it:
 *
 * 1. `setup` — the company's marketer (demo.marketer, role marketer), who owns and sends everything below.
 * 2. A finished campaign before the current heating season (`campaign` → `campaign_launch` → `redeem` … →
 *    `campaign_end`): 维修保养服务 8 折 to a hand-kept list of households (a static segment), 15 % held out, one coupon
 *    code per treated household, its SMS through the outbox. Its response is the campaigns' own: a purchase in the
 *    30-day window — the generator's service purchases, so heating-fee payments (the households' other transactions)
 *    are no response and the campaign sells a service rather than early payment; a treated household that buys a
 *    service in the window mostly gives its code (`redeem`: the campaigns' transaction code handler on that purchase,
 *    as a purchase carrying the code is redeemed). A running campaign (冬季维修保养 满150减20, launched 12 days before
 *    the as-of day, a 45-day window) and a draft (春节 积分翻倍, over the approval limit) beside it.
 * 3. 供暖满意度调查 a month after the last season began (`survey` → `survey_send` → `answer` …, closed after three
 *    weeks when that is over): NPS, CSAT and a comment, sent by SMS to a sample of households through a durable send;
 *    about 9 % of them answer as the household's page would store it (a plausible NPS spread, comments in Chinese), most
 *    in the first days and the rest after the one reminder, which the surveys' own clock sends (`clock`, run on the
 *    days it has work). Detractors get their follow-up task, comments reach the feedback inbox (the surveys' hooks).
 * 4. 维修回访满意度 (`repair_survey`, two weeks before the as-of day): a CSAT/CES survey with a `repair_done` trigger,
 *    fired by the daily `clock` on the households' repair purchases (the generator's 上门维修 and 阀门更换); about a
 *    third answer a day or three later (`repair_answers`, each evening). A repair is the heating households' resolved
 *    service call; the trigger on resolved tickets is not used because the tickets' resolved hook is registered by
 *    the server only, so a CLI load and a server load would differ.
 * 5. A draft survey (SERVQUAL, from the shipped template) a few days before the as-of day.
 *
 * The plan is pure in (seed, size, asOf): samples, respondents, answers, candidates and moments are drawn from seeded
 * streams and the generator. Scripts marked outside (`survey_send`, `campaign_launch`, `clock`) run in their module's own
 * short transactions before the script's checkpoint and replay harmlessly: a finished send or launch is a finished
 * durable run, and the survey clock writes each reminder round and each trigger's invitation once. The others write in
 * the load's transaction with its checkpoint, so a resumed load never writes them twice.
 *
 * One thing is not fixed by the seed: the campaigns module draws each campaign's holdout with a random key of its own
 * (not an input), so which audience members are held out differs from load to load (the group sizes do not). The
 * campaigns therefore change no household's behaviour: a purchase that depended on the group would make the
 * transactions — and the analytics, segments and points computed from them — differ between two loads of the same
 * demo. So the uplift shown is the generator's (no effect was simulated: near zero, its interval across zero), and
 * only which treated buyers redeemed a code, and the messages' consent and weekly-cap outcomes, vary between loads.
 *
 * The services stamp a few rows with the database's clock (a survey's or a campaign's creation, a list's membership):
 * those show the day of the load. What reaches or comes from the households (invitations, messages, answers, the launch
 * and its window, redemptions) carries the script's moment.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { Random, keyedRank } from '../../platform/random.js';
import { actorOfUser, createUser, userDirectory } from '../accounts/index.js';
import { createCampaign, customerCoupons, endDueCampaigns, executeLaunch, getCampaign, launchCampaign, listCampaigns, transactionCodeHandler } from '../campaigns/index.js';
import { createTemplate, type MessagingRuntime } from '../messages/index.js';
import { addMembers, createSegment } from '../segments/index.js';
import {
  activateSurvey,
  closeSurvey,
  completeResponse,
  createSend,
  createSurvey,
  executeSend,
  getSurvey,
  invitationTarget,
  listInvitations,
  listSends,
  listSurveys,
  RefusedLink,
  setTriggers,
  surveyClock,
} from '../surveys/index.js';
import { household, type DemoPlan } from './generator.js';
import { CAMPAIGNS, DRAFT_CAMPAIGN, HEATING_SURVEY, MARKETER, NPS_CUMULATIVE, REPAIR_SURVEY, SERVQUAL_DRAFT, heatingDefinition, textFor, type CampaignKey } from './outreach.data.js';
import { MINUTE, HOUR, DAY, LOCAL, seasonStarts } from './clock.js';


/** The day after the survey's SMS when its one reminder goes (its reminderAfterDays, 5, have passed since 10:02). */
const REMINDER_DAY = 6;
/** Days the repair survey has been inviting before the as-of day. */
const REPAIR_DAYS = 14;

/** Random stream kinds of this file (the generator, activity, loyalty and content use others). */
const K = { survey: 51, answer: 52, audience: 53, redeem: 54, running: 55, repair: 56 } as const;

type Base = { kind: 'outreach'; at: Date };
export type OutreachScript =
  | (Base & { step: 'setup' })
  | (Base & { step: 'campaign'; key: CampaignKey; audience: string[]; validTo: string })
  | (Base & { step: 'campaign_launch'; key: CampaignKey })
  | (Base & { step: 'redeem'; key: CampaignKey; household: number; transactionId: string; amountFen: number })
  | (Base & { step: 'campaign_end' })
  | (Base & { step: 'draft_campaign' })
  | (Base & { step: 'survey'; name: string; season: string; customerIds: string[] })
  | (Base & { step: 'survey_send'; name: string })
  | (Base & { step: 'answer'; name: string; customerId: string; nps: number; csat: number; comment: string | null })
  | (Base & { step: 'survey_close'; name: string })
  | (Base & { step: 'repair_survey' })
  | (Base & { step: 'repair_answers' })
  | (Base & { step: 'draft_survey' })
  | (Base & { step: 'clock' });

/** What playing needs of the load: its actor, the account manager of each household, the messaging runtime's base. */
export type OutreachDeps = { actor: Actor; managerOf: (household: number) => string; runtime: Pick<MessagingRuntime, 'log' | 'fallbackUrl'> };

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

/** Households surveyed (10 %, 30…2,000), in the finished campaign's audience (12 %, 40…3,000) and the running one's (5 %, 20…1,000). */
export const outreachVolume = (size: number) => {
  const surveyed = Math.min(size, clamp(Math.round(size * 0.1), 30, 2000));
  const audience = Math.min(size, clamp(Math.round(size * 0.12), 40, 3000));
  const running = Math.min(size, clamp(Math.round(size * 0.05), 20, 1000));
  return {
    surveyed,
    respondents: Math.max(6, Math.round(surveyed * 0.09)),
    audience,
    running,
  };
};

/** `hour`:`minute` Beijing on the Beijing day of `t`. */
const atLocal = (t: number, hour: number, minute = 0) => Math.floor((t + LOCAL) / DAY) * DAY - LOCAL + hour * HOUR + minute * MINUTE;
/** The Beijing date of `t` (YYYY-MM-DD). */
const localDate = (t: number) => new Date(t + LOCAL).toISOString().slice(0, 10);


/** A waking moment (08:00–22:00 Beijing) on the day of `t`. */
const wakingMoment = (r: Random, t: number) => atLocal(t, 8) + r.next() * 14 * HOUR;

type Sampled = { i: number; id: string; sms: boolean; purchases: { id: string; at: number; amountFen: number; product: string }[] };

/**
 * n distinct households spread over the whole range (one per stratum of size/n, so every compound is represented) that
 * were customers by `at` and still heat; a stratum with none (a compound not yet connected) gives none.
 */
function sampleHouseholds(plan: DemoPlan, kind: number, n: number, at: number): Sampled[] {
  const size = plan.params.size;
  const strata = Math.min(n, size);
  const out: Sampled[] = [];
  for (let s = 0; s < strata; s++) {
    const lo = Math.floor((s * size) / strata);
    const hi = Math.floor(((s + 1) * size) / strata);
    const r = Random.stream(plan.params.seed, kind, s);
    for (let attempt = 0; attempt < 6; attempt++) {
      const i = lo + Math.floor(r.next() * (hi - lo));
      const h = household(plan, i);
      const c = h.customer;
      if (c.createdAt.getTime() <= at && c.stage !== 'churned') {
        const purchases = h.transactions.filter((t) => t.type === 'purchase' && t.product);
        out.push({ i, id: c.id, sms: c.consent.sms, purchases: purchases.map((t) => ({ id: t.id, at: t.occurredAt.getTime(), amountFen: t.amountFen, product: t.product! })) });
        break;
      }
    }
  }
  return out;
}

function shuffled<T>(items: readonly T[], r: Random): T[] {
  const out = [...items];
  for (let k = out.length - 1; k > 0; k--) {
    const j = Math.floor(r.next() * (k + 1));
    [out[k], out[j]] = [out[j]!, out[k]!];
  }
  return out;
}

/**
 * A campaign launched at `launch`: its creation and launch, and the redemptions of its window (before `until`): the
 * service purchases in the window that the offer covers, of the audience's households the SMS reaches, most of them
 * (a treated buyer's code; a held-out one has none, which playing finds out).
 */
function campaignScripts(plan: DemoPlan, key: CampaignKey, launch: number, until: number, size: number): OutreachScript[] {
  const spec = CAMPAIGNS[key];
  const audience = sampleHouseholds(plan, key === 'maintenance' ? K.audience : K.running, size, launch);
  const windowEnd = Math.min(launch + spec.days * DAY, until) - HOUR;
  const out: OutreachScript[] = [
    { kind: 'outreach', step: 'campaign', at: new Date(launch), key, audience: audience.map((a) => a.id), validTo: localDate(windowEnd) },
    { kind: 'outreach', step: 'campaign_launch', at: new Date(launch + 3 * MINUTE), key },
  ];
  // Only a household the SMS reaches knows its code.
  for (const a of audience.filter((x) => x.sms)) {
    for (const t of a.purchases) {
      if (t.at <= launch + 10 * MINUTE || t.at >= windowEnd || !spec.covers(t.product, t.amountFen)) continue;
      const r = Random.stream(plan.params.seed, K.redeem, Number.parseInt(t.id.slice(0, 8), 16));
      if (r.chance(spec.redeemShare)) out.push({ kind: 'outreach', step: 'redeem', at: new Date(t.at), key, household: a.i, transactionId: t.id, amountFen: t.amountFen });
    }
  }
  return out;
}

/** 供暖满意度调查: created and sent at `send`, answered by about 9 % of the sample, closed three weeks on when that has passed. */
function heatingSurveyScripts(plan: DemoPlan, send: number, season: string, horizon: number, n: number, respondents: number): OutreachScript[] {
  const name = HEATING_SURVEY.name(season);
  const sample = sampleHouseholds(plan, K.survey, n, send);
  const out: OutreachScript[] = [
    { kind: 'outreach', step: 'survey', at: new Date(send), name, season, customerIds: sample.map((s) => s.id) },
    { kind: 'outreach', step: 'survey_send', at: new Date(send + 2 * MINUTE), name },
  ];
  // Only households whose SMS can reach them answer (the others' invitations are suppressed for want of consent).
  const reachable = shuffled(
    sample.filter((s) => s.sms),
    Random.stream(plan.params.seed, K.answer, 0),
  );
  const reminder = atLocal(send + REMINDER_DAY * DAY, 10);
  const last = Math.min(send + 19 * DAY, horizon - HOUR);
  for (let k = 0; k < Math.min(respondents, reachable.length); k++) {
    const r = Random.stream(plan.params.seed, K.answer, k + 1);
    const nps = r.weighted(NPS_CUMULATIVE);
    const base = nps >= 9 ? 5 : nps >= 7 ? 4 : nps >= 5 ? 3 : nps >= 3 ? 2 : 1;
    const csat = clamp(base + (r.chance(0.25) ? (r.chance(0.5) ? 1 : -1) : 0), 1, 5);
    const comment = r.chance(0.45) ? textFor(r, nps >= 9 ? 'praise' : nps >= 7 ? 'neutral' : 'complaint') : null;
    // Most answer within a day or two of the SMS; three in ten after the reminder.
    const from = r.chance(0.3) ? reminder : send + 10 * MINUTE;
    let at = from + r.exponential(1 / (0.9 * DAY));
    at = Math.max(from + 5 * MINUTE, wakingMoment(r, at));
    if (at > last) at = from + 5 * MINUTE + r.next() * Math.max(0, last - from - 5 * MINUTE);
    out.push({ kind: 'outreach', step: 'answer', at: new Date(at), name, customerId: reachable[k]!.id, nps, csat, comment });
  }
  const close = atLocal(send + 24 * DAY, 17);
  if (close < horizon - HOUR) out.push({ kind: 'outreach', step: 'survey_close', at: new Date(close), name });
  return out;
}

/**
 * Every outreach script of the demo's history (activity.ts sorts them with the others); all of them before the
 * horizon (the start of the as-of day).
 */
export function planOutreach(plan: DemoPlan, horizon: number): OutreachScript[] {
  const [older, current] = seasonStarts(horizon);
  const v = outreachVolume(plan.params.size);
  const o = (step: 'campaign_end' | 'draft_campaign' | 'repair_survey' | 'repair_answers' | 'draft_survey' | 'clock', at: number): OutreachScript => ({ kind: 'outreach', step, at: new Date(at) });
  // The satisfaction survey a month into the last season that leaves three weeks for answers before the horizon.
  const seasonStart = current + 47 * DAY <= horizon ? current : older;
  const send = atLocal(seasonStart + 30 * DAY, 10);
  const year = new Date(seasonStart + LOCAL).getUTCFullYear();
  const launch = atLocal(current - 60 * DAY, 10);
  const out: OutreachScript[] = [{ kind: 'outreach', step: 'setup', at: new Date(atLocal(Math.min(launch, send) - DAY, 9)) }];

  out.push(...campaignScripts(plan, 'maintenance', launch, horizon, v.audience));
  out.push(o('campaign_end', launch + CAMPAIGNS.maintenance.days * DAY + 2 * HOUR));
  out.push(...campaignScripts(plan, 'winter', atLocal(horizon - 12 * DAY, 10), horizon, v.running));
  out.push(o('draft_campaign', atLocal(horizon - 3 * DAY, 16)));

  out.push(...heatingSurveyScripts(plan, send, `${year}-${year + 1}`, horizon, v.surveyed, v.respondents));
  const repair = atLocal(horizon - (REPAIR_DAYS + 1) * DAY, 9);
  out.push(o('repair_survey', repair));
  out.push(o('draft_survey', atLocal(horizon - 5 * DAY, 15)));
  // The surveys' clock (a server runs it every 5 minutes; here at 10:00 of the days it has work): the satisfaction
  // survey's reminder, and each day of the repair survey its trigger's invitations. Each evening, that day's answers.
  const clocks = new Set([atLocal(send + REMINDER_DAY * DAY, 10)]);
  for (let d = 1; d <= REPAIR_DAYS; d++) {
    clocks.add(atLocal(repair + d * DAY, 10));
    out.push(o('repair_answers', atLocal(repair + d * DAY, 20, 30)));
  }
  for (const at of clocks) if (at < horizon) out.push(o('clock', at));
  return out.filter((s) => s.at.getTime() < horizon);
}

// ---- playing --------------------------------------------------------------------------------------------------------

const runtimeAt = (deps: OutreachDeps, at: Date): MessagingRuntime => ({ ...deps.runtime, now: () => at, kick: async () => undefined });

/** The part of a script that runs in its module's own transactions, before the checkpoint: a send, a launch, the clock. */
export async function playOutreachRun(db: Db, script: OutreachScript, deps: OutreachDeps): Promise<void> {
  const resolveActor = (userId: string) => actorOfUser(db, userId);
  const messaging = runtimeAt(deps, script.at);
  if (script.step === 'survey_send') {
    const survey = await findSurvey(db, deps.actor, script.name);
    const [send] = survey ? (await listSends(db, deps.actor, survey.id)).items : [];
    if (!send) throw new Error(`demo survey ${script.name} has no send`);
    if (send.status === 'done') return; // sent before an interruption
    const row = await executeSend(db, send.id, { messaging, resolveActor, log: deps.runtime.log });
    if (row.status !== 'done') throw new Error(`demo survey send ${send.id} ended ${row.status}: ${row.error ?? ''}`);
  }
  if (script.step === 'campaign_launch') {
    const campaign = await findCampaign(db, deps.actor, CAMPAIGNS[script.key].name);
    const launch = campaign ? (await getCampaign(db, deps.actor, campaign.id)).launch : null;
    if (!launch) throw new Error(`demo campaign ${CAMPAIGNS[script.key].name} has no launch`);
    if (launch.status === 'done') return;
    const done = await executeLaunch(db, launch.id, { messaging, resolveActor, log: deps.runtime.log });
    if (done.status !== 'done') throw new Error(`demo campaign launch ${launch.id} ended ${done.status}: ${done.error ?? ''}`);
  }
  if (script.step === 'clock') await surveyClock(db, messaging, deps.runtime.log);
}

/** Plays one outreach script in the caller's transaction (with the load's checkpoint). */
export async function playOutreach(tx: DbOrTx, plan: DemoPlan, script: OutreachScript, deps: OutreachDeps): Promise<void> {
  switch (script.step) {
    case 'setup':
      return setUpMarketer(tx, deps);
    case 'campaign':
      return startCampaign(tx, script, deps);
    case 'redeem':
      return redeem(tx, plan, script, deps);
    case 'campaign_end':
      await endDueCampaigns(tx, await marketer(tx), script.at);
      return;
    case 'draft_campaign':
      await createCampaign(tx, await marketer(tx), DRAFT_CAMPAIGN);
      return;
    case 'survey':
      return startHeatingSurvey(tx, plan, script);
    case 'answer':
      return answerHeatingSurvey(tx, script, deps);
    case 'survey_close':
      return closeHeatingSurvey(tx, script);
    case 'repair_survey':
      return startRepairSurvey(tx, script);
    case 'repair_answers':
      return answerRepairs(tx, plan, script, deps);
    case 'draft_survey':
      await createSurvey(tx, await marketer(tx), { templateKey: SERVQUAL_DRAFT.templateKey, name: SERVQUAL_DRAFT.name });
      return;
    default:
      return; // campaign_launch, survey_send, clock: playOutreachRun
  }
}

async function setUpMarketer(tx: DbOrTx, deps: OutreachDeps): Promise<void> {
  if (await marketerId(tx)) return;
  const password = `Demo-${randomBytes(9).toString('hex')}-1a`;
  await createUser(tx, deps.actor, { username: MARKETER.username, displayName: MARKETER.displayName, password, roleKey: 'marketer', teamId: null });
}

async function marketerId(tx: DbOrTx): Promise<string | null> {
  const rows = rowsOf<{ id: string }>(await tx.execute(sql`select id from ${userDirectory} where username = ${MARKETER.username}`));
  return rows[0]?.id ?? null;
}

/** The marketer who owns the demo's surveys and campaigns (made by the first script). */
async function marketer(tx: DbOrTx): Promise<Actor> {
  const id = await marketerId(tx);
  const actor = id ? await actorOfUser(tx, id) : null;
  if (!actor) throw new Error(`demo user ${MARKETER.username} is missing or inactive`);
  return actor;
}

async function findSurvey(db: DbOrTx, actor: Actor, name: string) {
  const { items } = await listSurveys(db, actor, { q: name, deleted: 'exclude', limit: 20 });
  return items.find((s) => s.name === name) ?? null;
}

async function findCampaign(db: DbOrTx, actor: Actor, name: string) {
  for (let cursor: string | undefined, page = 0; page < 50; page++) {
    const { items, nextCursor } = await listCampaigns(db, actor, { limit: 100, cursor });
    const found = items.find((c) => c.name === name);
    if (found) return found;
    if (!nextCursor) return null;
    cursor = nextCursor;
  }
  return null;
}

/** Runs `work` in a savepoint; a refusal of the services (an expired link, a code used up) skips it. */
async function unlessRefused(tx: DbOrTx, work: (sp: DbOrTx) => Promise<void>): Promise<void> {
  await (tx as Db)
    .transaction(async (sp) => {
      await work(sp);
    })
    .catch((err: unknown) => {
      if (!(err instanceof AppError) && !(err instanceof RefusedLink)) throw err;
    });
}

// ---- campaigns ------------------------------------------------------------------------------------------------------

/** The campaign's list, its SMS and the campaign itself, launched now (the launch's run is `campaign_launch`). */
async function startCampaign(tx: DbOrTx, s: Extract<OutreachScript, { step: 'campaign' }>, deps: OutreachDeps): Promise<void> {
  const mk = await marketer(tx);
  const spec = CAMPAIGNS[s.key];
  const list = await createSegment(tx, mk, { name: spec.list.name, description: spec.list.description, kind: 'static' });
  await addMembers(tx, mk, list.id, s.audience);
  const validTo = `${Number(s.validTo.slice(5, 7))}月${Number(s.validTo.slice(8, 10))}日`;
  const template = await createTemplate(tx, mk, { name: spec.template.name, channel: 'sms', category: 'marketing', bodyZh: spec.template.bodyZh(validTo), bodyEn: spec.template.bodyEn(s.validTo) });
  const offers = spec.offers.map((o) => ({ ...o, validFrom: localDate(s.at.getTime()), validTo: s.validTo }));
  const created = await createCampaign(tx, mk, { ...spec.input, segmentId: list.id, offers, templateIds: [template.id], ownerId: mk.userId });
  await launchCampaign(tx, mk, created.id, created.version, s.at);
  deps.runtime.log(`demo campaign ${spec.name}: ${s.audience.length} households`);
}

/** A household of the audience buys a covered service in the window: when treated, it gives its code with the purchase. */
async function redeem(tx: DbOrTx, plan: DemoPlan, s: Extract<OutreachScript, { step: 'redeem' }>, deps: OutreachDeps): Promise<void> {
  const campaign = await findCampaign(tx, deps.actor, CAMPAIGNS[s.key].name);
  if (!campaign || campaign.status !== 'running') return;
  const customerId = household(plan, s.household).customer.id;
  const coupon = (await customerCoupons(tx, deps.actor, customerId)).find((c) => c.campaignId === campaign.id && c.uses < c.maxUses);
  if (!coupon) return; // held out: no message, no code
  const manager = await actorOfUser(tx, deps.managerOf(s.household));
  if (!manager) throw new Error(`demo manager ${deps.managerOf(s.household)} is not active`);
  await unlessRefused(tx, (sp) =>
    transactionCodeHandler(sp, manager, { transactionId: s.transactionId, customerId, code: coupon.code, amountFen: s.amountFen, type: 'purchase', occurredAt: s.at, source: 'api' }),
  );
}

// ---- surveys --------------------------------------------------------------------------------------------------------

/** The survey, its invitation SMS, activated, and its send to the sample queued (the send's run is `survey_send`). */
async function startHeatingSurvey(tx: DbOrTx, plan: DemoPlan, s: Extract<OutreachScript, { step: 'survey' }>): Promise<void> {
  const mk = await marketer(tx);
  const template = await createTemplate(tx, mk, { name: HEATING_SURVEY.template.name, channel: 'sms', category: 'care', bodyZh: HEATING_SURVEY.template.bodyZh, bodyEn: HEATING_SURVEY.template.bodyEn });
  const created = await createSurvey(tx, mk, { name: s.name, kind: 'nps', definition: heatingDefinition(s.season), settings: HEATING_SURVEY.settings });
  await activateSurvey(tx, mk, created.id, created.version);
  await createSend(tx, mk, created.id, { customerIds: s.customerIds, channel: 'sms', templateId: template.id, seed: `demo-${plan.params.seed}` });
}

/** A household answers on its invitation's page: the response as the page completes it (hooks and all). */
async function answer(tx: DbOrTx, invitationId: string, at: Date, answers: Record<string, unknown>): Promise<void> {
  await unlessRefused(tx, async (sp) => {
    const target = await invitationTarget(sp, invitationId, at, { lock: true });
    await completeResponse(sp, target, answers, at);
  });
}

async function answerHeatingSurvey(tx: DbOrTx, s: Extract<OutreachScript, { step: 'answer' }>, deps: OutreachDeps): Promise<void> {
  const survey = await findSurvey(tx, deps.actor, s.name);
  if (!survey || survey.status !== 'active') return;
  const { items } = await listInvitations(tx, deps.actor, survey.id, { customerId: s.customerId, limit: 5 });
  const invitation = items.find((i) => i.status === 'pending' || i.status === 'sent' || i.status === 'opened');
  if (!invitation) return; // not invited after all (an earlier invitation, a deleted customer)
  await answer(tx, invitation.id, s.at, { recommend: s.nps, satisfaction: s.csat, ...(s.comment ? { comment: s.comment } : {}) });
}

async function closeHeatingSurvey(tx: DbOrTx, s: Extract<OutreachScript, { step: 'survey_close' }>): Promise<void> {
  const mk = await marketer(tx);
  const found = await findSurvey(tx, mk, s.name);
  if (!found || found.status !== 'active') return;
  const survey = await getSurvey(tx, mk, found.id);
  await closeSurvey(tx, mk, survey.id, survey.version);
}

/** 维修回访满意度: a CSAT/CES survey whose repair_done trigger invites a day after each repair (the clock fires it). */
async function startRepairSurvey(tx: DbOrTx, s: Extract<OutreachScript, { step: 'repair_survey' }>): Promise<void> {
  const mk = await marketer(tx);
  const template = await createTemplate(tx, mk, { name: REPAIR_SURVEY.template.name, channel: 'sms', category: 'care', bodyZh: REPAIR_SURVEY.template.bodyZh, bodyEn: REPAIR_SURVEY.template.bodyEn });
  const created = await createSurvey(tx, mk, { name: REPAIR_SURVEY.name, kind: 'csat', definition: REPAIR_SURVEY.definition, settings: REPAIR_SURVEY.settings });
  await activateSurvey(tx, mk, created.id, created.version);
  await setTriggers(tx, mk, created.id, [{ on: 'repair_done', delayDays: 1, channel: 'sms', templateId: template.id }], s.at);
}

/** Whether (and how, how many days after the SMS) a household answers the repair survey: fixed by the seed and the customer. */
function repairAnswer(plan: DemoPlan, customerId: string): { delayDays: number; answers: Record<string, unknown> } | null {
  const r = Random.stream(plan.params.seed, K.repair, Number.parseInt(keyedRank(String(plan.params.seed), customerId).slice(0, 8), 16));
  if (!r.chance(0.35)) return null;
  const csat = 1 + r.weighted([4, 10, 25, 60, 100]);
  const ces = clamp(csat + 2 + (r.chance(0.3) ? (r.chance(0.5) ? 1 : -1) : 0), 1, 7);
  const improve = r.chance(0.35) ? textFor(r, csat >= 5 ? 'repairGood' : csat >= 4 ? 'repairMixed' : 'repairBad') : null;
  return { delayDays: 1 + r.int(0, 2), answers: { satisfaction: csat, effort: ces, ...(improve ? { improve } : {}) } };
}

/** The evening's answers to the repair survey: each invited household that answers does so its chosen days after the SMS. */
async function answerRepairs(tx: DbOrTx, plan: DemoPlan, s: Extract<OutreachScript, { step: 'repair_answers' }>, deps: OutreachDeps): Promise<void> {
  const survey = await findSurvey(tx, deps.actor, REPAIR_SURVEY.name);
  if (!survey || survey.status !== 'active') return;
  const open: { id: string; customerId: string; sentAt: number }[] = [];
  for (let cursor: string | undefined, page = 0; page < 100; page++) {
    const { items, nextCursor } = await listInvitations(tx, deps.actor, survey.id, { limit: 500, cursor });
    for (const i of items) {
      if (i.customer && i.sentAt && (i.status === 'pending' || i.status === 'sent' || i.status === 'opened')) open.push({ id: i.id, customerId: i.customer.id, sentAt: Date.parse(i.sentAt) });
    }
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  open.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  let n = 0;
  for (const inv of open) {
    const a = repairAnswer(plan, inv.customerId);
    if (!a || inv.sentAt + a.delayDays * DAY > s.at.getTime()) continue;
    await answer(tx, inv.id, new Date(s.at.getTime() + Math.min(200, 3 * n++) * MINUTE), a.answers);
  }
}
