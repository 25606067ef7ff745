/**
 * The demo's loyalty programme (会员与积分), as scripts of the service history (activity.ts) played through the
 * loyalty module's own functions, so the ledger is exact by the same rules as in use:
 *
 * 1. `setup` — the heating template's starter rewards (seeded once by key).
 * 2. `earn` — one script per customer-id range (a fixed slice of the uuid space, ~250 households: a transaction of about
 *    0.1 s on PGlite): every customer of the range enrolled (enrolment 'all'; joined when the programme
 *    started, 1 January of the year before last, or when the household joined later), then its purchases and payments
 *    since the start credited set-based (`earnFor`, each dated at its transaction, so its lot expires at the end of the
 *    following year; tiers upgraded on the growth of the last 12 months before the as-of day). These scripts come first
 *    (their `at` is the programme's start); the start is early enough that one year-end expiry always falls before the
 *    as-of day.
 * 3. At their moments in the past: redemptions at the desk by the household's account manager and by members on their
 *    own page (one or two cancelled), 老带新 referrals (a new household created with a member's code and rewarded on its first
 *    payment, some still pending, one refused for the referrer's phone), and manual adjustments (one above the approval
 *    limit, left pending). Who redeems what is decided when the script plays, from the balances then (a member who
 *    cannot afford anything is passed over for the next household), so the load stays deterministic.
 * 4. `upkeep` — the loyalty upkeep run of the as-of day (`upkeepNow`, its own durable run outside the script's
 *    transaction, like a care run): the lots due by then expire, and the yearly review keeps or moves the tiers.
 *
 * Households' transactions were bulk-loaded (no hook fired), which is why earning is played here explicitly; the
 * referees' rows are bulk-written as well and the loyalty hooks called with the script's clock.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type Db, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { Random } from '../../platform/random.js';
import { actorOfUser } from '../accounts/index.js';
import { customerBulkLoad, customerDirectory, phoneDigitsOf, searchTextOf, type CustomerBulkRow } from '../customers/index.js';
import {
  adjustPoints,
  analyzeLedger,
  backfillEarn,
  cancelRedemption,
  dateAdjustment,
  dateRedemption,
  loyaltyCustomerCreatedHook,
  loyaltyTransactionHook,
  memberStandings,
  readProgramme,
  redeemAtDesk,
  redeemFor,
  rewardsCatalogue,
  seedHeatingRewards,
  upkeepNow,
  type EarnableRow,
  type Programme,
  type RewardView,
} from '../loyalty/index.js';
import { companyClock } from '../settings/index.js';
import { transactionBulkLoad, transactionLedger } from '../transactions/index.js';
import { HEATING_PRICE_FEN_PER_M2 } from './data.js';
import { household, type DemoPlan } from './generator.js';
import { personName, permute, SPREAD } from './names.js';
import { MINUTE, HOUR, DAY, LOCAL } from './clock.js';

/** Households per earn script (a uuid range holds about this many): about 0.1 s on PGlite, like the loader's slices. */
const EARN_HOUSEHOLDS = 250;
/** Households tried after the script's own when it cannot redeem anything. */
const REDEEM_TRIES = 40;

type Base = { kind: 'loyalty'; at: Date };
export type LoyaltyScript =
  | (Base & { step: 'setup' })
  | (Base & { step: 'earn'; part: number; parts: number; from: Date; to: Date })
  | (Base & { step: 'upkeep' })
  | (Base & { step: 'redeem'; household: number; channel: 'desk' | 'member'; pick: number; cancelAt: Date | null })
  | (Base & { step: 'refer'; k: number; household: number; samePhone: boolean })
  | (Base & { step: 'referee_pays'; k: number; household: number })
  | (Base & { step: 'adjust'; household: number; points: number; reason: string });

export type LoyaltyDeps = { actor: Actor; managerOf: (household: number) => string };

/** Redemptions 1 % of the households (10…500), referrals 0.1 % (4…60, and one refused), adjustments (5…20). */
export const loyaltyVolume = (size: number) => ({
  redemptions: Math.min(500, Math.max(10, Math.round(size / 100))),
  referrals: Math.min(60, Math.max(4, Math.round(size / 1000))),
  adjustments: Math.min(20, Math.max(5, Math.round(size / 4000))),
});

/** Manual adjustments an account manager books (within the approval limit), and the one that waits for approval. */
const ADJUSTMENTS: readonly { points: number; reason: string }[] = [
  { points: 300, reason: '停暖补偿：小区管网抢修停暖两天' },
  { points: 200, reason: '室温不达标补偿积分' },
  { points: 100, reason: '营业厅开放日活动赠送' },
  { points: 500, reason: '协助排查楼栋漏水，感谢积分' },
  { points: 150, reason: '缴费系统故障重复扣款，补偿积分' },
];
const PENDING_ADJUSTMENT = { points: 3000, reason: '十年老用户回馈（待主管审批）' };

/** A moment in office hours (08:00–20:00 Beijing) of a day between `from` and `to`, before `to`. */
function officeMoment(r: Random, from: number, to: number): number {
  const at = from + r.next() * (to - from);
  const day = Math.floor((at + LOCAL) / DAY) * DAY - LOCAL;
  const t = day + 8 * HOUR + r.next() * 12 * HOUR;
  return t < to ? t : to - MINUTE;
}

/** A household that was a customer `lead` before `at` and, for a referrer, still heated (not 报停). */
function householdBefore(plan: DemoPlan, r: Random, at: number, lead: number, heated = false): number {
  for (let attempt = 0; attempt < 12; attempt++) {
    const i = r.int(0, plan.params.size - 1);
    const c = household(plan, i).customer;
    if (c.createdAt.getTime() <= at - lead && (!heated || c.stage !== 'churned')) return i;
  }
  return 0;
}

/** The uuid at k/n of the uuid space (as text, which compares as the uuids do). */
export function uuidAt(k: number, n: number): string {
  const h = ((BigInt(k) << 128n) / BigInt(n)).toString(16).padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The programme's start: 1 January of the year before the as-of day's year (Beijing). */
export function programmeStart(horizon: number): number {
  return Date.UTC(new Date(horizon + LOCAL).getUTCFullYear() - 2, 0, 1) - LOCAL;
}

/** Every loyalty script of the demo's history (activity.ts sorts them with the others). */
export function planLoyalty(plan: DemoPlan, horizon: number): LoyaltyScript[] {
  const start = programmeStart(horizon);
  const out: LoyaltyScript[] = [{ kind: 'loyalty', step: 'setup', at: new Date(start - 2 * MINUTE) }];
  const parts = Math.max(1, Math.ceil(plan.params.size / EARN_HOUSEHOLDS));
  for (let part = 0; part < parts; part++) {
    out.push({ kind: 'loyalty', step: 'earn', at: new Date(start - MINUTE + part), part, parts, from: new Date(start), to: new Date(horizon) });
  }
  const v = loyaltyVolume(plan.params.size);
  const cancelled = new Set(v.redemptions >= 20 ? [Math.floor(v.redemptions / 3), Math.floor((2 * v.redemptions) / 3)] : [Math.floor(v.redemptions / 2)]);
  for (let k = 0; k < v.redemptions; k++) {
    const r = Random.stream(plan.params.seed, 11, k);
    const at = officeMoment(r, horizon - 540 * DAY, horizon - HOUR);
    const channel = r.chance(0.25) ? 'member' : 'desk';
    const cancelAt = cancelled.has(k) ? new Date(Math.min(at + 2 * HOUR, horizon - 1)) : null;
    out.push({ kind: 'loyalty', step: 'redeem', at: new Date(at), household: householdBefore(plan, r, at, 60 * DAY), channel, pick: r.next(), cancelAt });
  }
  for (let k = 0; k <= v.referrals; k++) {
    const r = Random.stream(plan.params.seed, 12, k);
    const at = officeMoment(r, horizon - 150 * DAY, horizon - DAY);
    const referrer = householdBefore(plan, r, at, 365 * DAY, true);
    // The last one is refused: the "new household" gives the referrer's own phone number.
    const samePhone = k === v.referrals;
    out.push({ kind: 'loyalty', step: 'refer', at: new Date(at), k, household: referrer, samePhone });
    const paysAt = at + HOUR + r.exponential(1 / (6 * DAY));
    if (!samePhone && paysAt < horizon - HOUR) out.push({ kind: 'loyalty', step: 'referee_pays', at: new Date(paysAt), k, household: referrer });
  }
  for (let k = 0; k < v.adjustments; k++) {
    const r = Random.stream(plan.params.seed, 13, k);
    const at = officeMoment(r, horizon - 300 * DAY, horizon - DAY);
    const what = k === v.adjustments - 1 ? PENDING_ADJUSTMENT : ADJUSTMENTS[k % ADJUSTMENTS.length]!;
    out.push({ kind: 'loyalty', step: 'adjust', at: new Date(at), household: householdBefore(plan, r, at, 60 * DAY), ...what });
  }
  out.push({ kind: 'loyalty', step: 'upkeep', at: new Date(horizon) });
  return out;
}

/** The part of a script that runs on the database itself, before its checkpoint transaction: the upkeep run. */
export async function playLoyaltyRun(db: Db, script: LoyaltyScript): Promise<void> {
  if (script.step !== 'upkeep') return;
  // Its own durable run (a day's run done before, when this script is replayed after an interruption, is left as is).
  const { run } = await upkeepNow(db, { now: script.at });
  if (run.status === 'failed') throw new Error(`loyalty upkeep ${run.day} failed: ${run.error ?? ''}`);
}

/** Plays one loyalty script in the caller's transaction (the upkeep's run is `playLoyaltyRun`'s). */
export async function playLoyalty(tx: DbOrTx, plan: DemoPlan, script: LoyaltyScript, deps: LoyaltyDeps): Promise<void> {
  const p = await readProgramme(tx);
  if (!p.enabled) return;
  switch (script.step) {
    case 'setup':
      await seedHeatingRewards(tx, deps.actor, p);
      return;
    case 'earn':
      return earnRange(tx, p, script);
    case 'redeem':
      return redeem(tx, plan, p, script, deps);
    case 'refer':
      return refer(tx, plan, script, deps);
    case 'referee_pays':
      return refereePays(tx, plan, script, deps);
    case 'adjust':
      return adjust(tx, plan, script, deps);
    case 'upkeep':
      return;
  }
}

/** One customer-id range: its customers enrolled, their purchases and payments in [from, to) credited. */
async function earnRange(tx: DbOrTx, p: Programme, s: Extract<LoyaltyScript, { step: 'earn' }>): Promise<void> {
  // The ledger grows from nothing here: statistics after the 1st, 2nd, 4th, 8th … range keep its reads by member index reads.
  if (s.part > 0 && (s.part & (s.part - 1)) === 0) await analyzeLedger(tx);
  const lo = uuidAt(s.part, s.parts);
  const hi = s.part + 1 < s.parts ? uuidAt(s.part + 1, s.parts) : null;
  const inRange = (col: SQL) => sql`${col} >= ${lo}::uuid ${hi ? sql`and ${col} < ${hi}::uuid` : sql``}`;
  const customers = rowsOf<{ id: string; created_at: Date | string }>(
    await tx.execute(sql`select c.id, c.created_at from ${customerDirectory} c where ${inRange(sql`c.id`)} and c.deleted_at is null`),
  );
  const rows = rowsOf<EarnableRow>(
    await tx.execute(sql`
      select t.id, t.customer_id, t.type, t.amount_fen, t.occurred_at, t.heating_season, t.refund_of_id, t.deleted_at from ${transactionLedger} t
      where ${inRange(sql`t.customer_id`)} and t.occurred_at >= ${s.from.toISOString()}::timestamptz and t.occurred_at < ${s.to.toISOString()}::timestamptz
        and t.type in ('purchase', 'payment') and t.deleted_at is null
      order by t.customer_id, t.occurred_at, t.id`),
  );
  const { zone } = await companyClock(tx, s.to);
  const joins = customers.map((c) => ({ customerId: c.id, joinedAt: new Date(Math.max(new Date(c.created_at).getTime(), s.from.getTime())) }));
  await backfillEarn(tx, p, zone, { joins, rows, now: s.to });
}

/** Runs `work` in a savepoint; a refusal of the services (an AppError: too few points by now, out of stock) skips it. */
async function unlessRefused(tx: DbOrTx, work: (sp: DbOrTx) => Promise<void>): Promise<void> {
  await (tx as Db)
    .transaction(async (sp) => {
      await work(sp);
    })
    .catch((err: unknown) => {
      if (!(err instanceof AppError)) throw err;
    });
}

async function managerOf(tx: DbOrTx, deps: LoyaltyDeps, i: number): Promise<Actor> {
  const manager = await actorOfUser(tx, deps.managerOf(i));
  if (!manager) throw new Error(`demo manager ${deps.managerOf(i)} is not active`);
  return manager;
}

/** The first of the script's household and the next ones that can afford a reward redeems one (chosen by `pick`). */
async function redeem(tx: DbOrTx, plan: DemoPlan, p: Programme, s: Extract<LoyaltyScript, { step: 'redeem' }>, deps: LoyaltyDeps): Promise<void> {
  const candidates: { i: number; customerId: string }[] = [];
  for (let d = 0; d < REDEEM_TRIES && d < plan.params.size; d++) {
    const i = (s.household + d) % plan.params.size;
    const c = household(plan, i).customer;
    if (c.createdAt.getTime() <= s.at.getTime()) candidates.push({ i, customerId: c.id });
  }
  const standings = await memberStandings(tx, candidates.map((c) => c.customerId), s.at);
  const rank = (tier: string) => Math.max(0, p.tiers.findIndex((t) => t.key === tier));
  const catalogue = (await rewardsCatalogue(tx, { activeOnly: true })).sort((a, b) => a.pointsCost - b.pointsCost || a.name.zh.localeCompare(b.name.zh));
  for (const { i, customerId } of candidates) {
    const m = standings.get(customerId);
    if (!m || m.status !== 'active') continue;
    const open = catalogue.filter((w: RewardView) => w.pointsCost <= m.spendable && (w.stock === null || w.stock > 0) && (!w.minTier || rank(m.tier) >= rank(w.minTier)));
    if (!open.length) continue;
    const reward = open[Math.min(open.length - 1, Math.floor(s.pick * open.length))]!;
    const manager = await managerOf(tx, deps, i);
    await unlessRefused(tx, async (sp) => {
      const input = { rewardId: reward.id, quantity: 1 };
      const made =
        s.channel === 'desk'
          ? await redeemAtDesk(sp, manager, customerId, input, s.at)
          : await redeemFor(sp, customerId, input, { channel: 'member', userId: null, locale: 'zh-CN' }, s.at);
      await dateRedemption(sp, made.id, s.at);
      // The gift was not collected after all: the desk cancels it, the points and the stock come back.
      if (s.cancelAt) await cancelRedemption(sp, manager, made.id, s.cancelAt);
    });
    return;
  }
}

/** A referee: a new household in the referrer's compound (another building), deterministic by k. */
function refereeOf(plan: DemoPlan, k: number, referrerIndex: number, samePhone: boolean) {
  const referrer = household(plan, referrerIndex).customer;
  const r = Random.stream(plan.params.seed, 14, k);
  const male = r.chance(0.5);
  const id = r.uuid();
  const paymentId = r.uuid();
  // Numbers of a prefix the households never get: unique among them and among the referees.
  const own = `+86166${String(permute(k + 1, SPREAD, plan.params.seed % 1_000_003, 100_000_000)).padStart(8, '0')}`;
  const area = Math.round(60 + r.next() * 80);
  const floor = r.int(2, 18);
  return {
    id,
    paymentId,
    area,
    name: personName(r, male),
    gender: male ? ('male' as const) : ('female' as const),
    phones: [samePhone ? `+86${referrer.phones[0]}` : own],
    address: {
      province: referrer.province,
      city: referrer.city,
      district: referrer.district,
      street: referrer.street,
      compound: referrer.compound,
      building: `${20 + (k % 6)}号楼`,
      unit: `${1 + (k % 3)}单元`,
      room: `${floor}0${1 + (k % 2)}`,
    },
    externalId: `TJ${String(k + 1).padStart(6, '0')}`,
  };
}

/** 老带新: the new household is created with the referrer's code (the loyalty hook attributes it, or refuses it). */
async function refer(tx: DbOrTx, plan: DemoPlan, s: Extract<LoyaltyScript, { step: 'refer' }>, deps: LoyaltyDeps): Promise<void> {
  const referrer = household(plan, s.household).customer;
  const standing = (await memberStandings(tx, [referrer.id], s.at)).get(referrer.id);
  if (!standing) return;
  const ref = refereeOf(plan, s.k, s.household, s.samePhone);
  const manager = await managerOf(tx, deps, s.household);
  const a = ref.address;
  const row: CustomerBulkRow = {
    id: ref.id,
    kind: 'person',
    name: ref.name,
    phones: ref.phones,
    email: null,
    gender: ref.gender,
    province: a.province,
    city: a.city,
    district: a.district,
    street: a.street,
    compound: a.compound,
    building: a.building,
    unit: a.unit,
    room: a.room,
    tags: ['老带新'],
    preferences: { contactChannel: 'phone' },
    custom: { heated_area: ref.area },
    source: '老带新',
    stage: 'new',
    ownerId: manager.userId,
    teamId: manager.teamId,
    consent: { phone: true, sms: true, email: false, wechat: true },
    externalId: ref.externalId,
    searchText: searchTextOf({ name: ref.name, email: null, ...a }),
    phoneDigits: phoneDigitsOf(ref.phones),
    createdBy: manager.userId,
    createdAt: s.at,
    updatedAt: s.at,
  };
  await customerBulkLoad.insert(tx, [row]);
  await loyaltyCustomerCreatedHook(() => s.at).created(tx, manager, { source: 'create', customers: [{ customerId: ref.id, referralCode: standing.referralCode }] });
}

/** The referee's first heating-fee payment at the desk: points, and the referral's reward to both (the loyalty hook, at this moment). */
async function refereePays(tx: DbOrTx, plan: DemoPlan, s: Extract<LoyaltyScript, { step: 'referee_pays' }>, deps: LoyaltyDeps): Promise<void> {
  const ref = refereeOf(plan, s.k, s.household, false);
  const manager = await managerOf(tx, deps, s.household);
  const local = new Date(s.at.getTime() + LOCAL);
  const year = local.getUTCMonth() >= 4 ? local.getUTCFullYear() : local.getUTCFullYear() - 1;
  await transactionBulkLoad.insertTransactions(tx, [
    {
      id: ref.paymentId,
      customerId: ref.id,
      occurredAt: s.at,
      type: 'payment',
      amountFen: Math.round(ref.area * HEATING_PRICE_FEN_PER_M2),
      channel: '营业厅',
      externalId: `${ref.externalId}-JF${year}`,
      heatingSeason: `${year}-${year + 1}`,
      billedAreaM2: ref.area,
      createdBy: manager.userId,
      createdAt: s.at,
      updatedAt: s.at,
    },
  ]);
  await loyaltyTransactionHook(() => s.at)(tx, manager, { change: 'created', ids: [ref.paymentId], source: 'api' });
}

/** An account manager's manual adjustment (above the programme's approval limit it waits for a second person). */
async function adjust(tx: DbOrTx, plan: DemoPlan, s: Extract<LoyaltyScript, { step: 'adjust' }>, deps: LoyaltyDeps): Promise<void> {
  const customerId = household(plan, s.household).customer.id;
  const standing = (await memberStandings(tx, [customerId], s.at)).get(customerId);
  if (!standing || standing.status !== 'active') return;
  const manager = await managerOf(tx, deps, s.household);
  await unlessRefused(tx, async (sp) => {
    const made = await adjustPoints(sp, manager, customerId, { points: s.points, reason: s.reason }, s.at);
    await dateAdjustment(sp, made.id, s.at);
  });
}
