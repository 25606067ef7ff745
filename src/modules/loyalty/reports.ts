/**
 * 会员与积分报表 (issue #16 part 5): members by tier and their movements, points issued / redeemed / expired / reversed
 * by month, the outstanding liability and the points expiring soon, the redemption rate, the referral funnel, and the
 * repeat-purchase and retention rates of members versus non-members by cohort. The definitions are the contract's
 * (`LoyaltyReport` in loyalty.contract.ts).
 *
 * The figure queries take the data scope as a function over a customer-id column (`ScopeFilter`), so the report (the
 * reader's scope), the goal metrics (an owner's scope given as data) and the home-page tile count the same things the
 * same way. Transactions are read through the transactions module's `transaction_ledger` view only.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { DataScope } from '../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { knownZone, startOfDay, zoneOffsetMs } from '../../platform/time.js';
import { customerAccess, customerDirectory } from '../customers/index.js';
import { readCompanySettings } from '../settings/index.js';
import { transactionLedger } from '../transactions/index.js';
import {
  LOYALTY_REPORT as R,
  type LoyaltyCohort,
  type LoyaltyCohortGroup,
  type LoyaltyPointsFlow,
  type LoyaltyReport,
  type LoyaltyTierMovement,
  type Programme,
} from './loyalty.contract.js';
import { readProgramme, tierRank } from './programme.js';
import { referralFunnel } from './referrals.js';
import { n } from './rows.js';

const DAY_MS = 86_400_000;
const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Percent with two decimals; null without a denominator. */
export const pct = (part: number, whole: number) => (whole ? Math.round((part * 10_000) / whole) / 100 : null);

/** "This customer id is in the scope": the reader's (customerAccess.filter) or an owner's given as data. */
export type ScopeFilter = (customerId: SQL) => SQL;
export const actorScope =
  (actor: Actor): ScopeFilter =>
  (col) =>
    customerAccess.filter(actor, col);
export const dataScope =
  (scope: DataScope): ScopeFilter =>
  (col) =>
    customerAccess.scoped.filter(scope, col);

/** A company day of an instant. */
export const wallDay = (zone: string, d: Date) => new Date(d.getTime() + zoneOffsetMs(zone, d)).toISOString().slice(0, 10);

/** The instant a company day (YYYY-MM-DD, plus `plus` days) begins. */
function dayStart(zone: string, day: string, plus = 0): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return startOfDay(zone, y, m, d + plus);
}

/** The months YYYY-MM from `first`'s month to `last`'s, oldest first. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  const end = last.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= end) return out;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

// ---- the figures (shared with the goal metrics and the tile) --------------------------------------------------------

/** Active members who had joined before `before` (default: every active member now). */
export async function memberCount(db: DbOrTx, f: ScopeFilter, before?: Date): Promise<number> {
  const [row] = rowsOf<{ n: string }>(
    await db.execute(sql`select count(*) as n from loyalty_members m
      where m.status = 'active' ${before ? sql`and m.joined_at < ${at(before)}` : sql``} and ${f(sql`m.customer_id`)}`),
  );
  return n(row?.n);
}

/** Active members now by tier, in the programme's order (then tiers no longer in it, by key). */
export async function membersByTier(db: DbOrTx, f: ScopeFilter, p: Programme, locale: Locale): Promise<LoyaltyReport['members']['byTier']> {
  const rows = rowsOf<{ tier: string; n: string }>(
    await db.execute(sql`select m.tier, count(*) as n from loyalty_members m where m.status = 'active' and ${f(sql`m.customer_id`)} group by m.tier`),
  );
  const counts = new Map(rows.map((r) => [r.tier, n(r.n)]));
  const known = p.tiers.map((t) => ({ tier: t.key, name: locale === 'en' && t.name.en ? t.name.en : t.name.zh, count: counts.get(t.key) ?? 0 }));
  const others = [...counts.keys()]
    .filter((k) => !p.tiers.some((t) => t.key === k))
    .sort()
    .map((k) => ({ tier: k, name: k, count: counts.get(k)! }));
  return [...known, ...others];
}

/** Tier changes in [from, to): joins, upgrades, downgrades (by the programme's tier order) and each path's count. */
export async function tierMovements(db: DbOrTx, f: ScopeFilter, p: Programme, from: Date, to: Date): Promise<LoyaltyReport['members']['movements']> {
  const rows = rowsOf<{ from_tier: string | null; to_tier: string; reason: string; n: string }>(
    await db.execute(sql`select h.from_tier, h.to_tier, h.reason, count(*) as n from loyalty_tier_changes h
      where h.at >= ${at(from)} and h.at < ${at(to)} and ${f(sql`h.customer_id`)} group by 1, 2, 3`),
  );
  const paths = new Map<string, LoyaltyTierMovement>();
  for (const r of rows) {
    const kind: LoyaltyTierMovement['kind'] =
      r.reason === 'join' || r.from_tier === null ? 'join' : tierRank(p, r.to_tier) > tierRank(p, r.from_tier) ? 'upgrade' : 'downgrade';
    const fromTier = kind === 'join' ? null : r.from_tier;
    const key = `${kind}|${fromTier ?? ''}|${r.to_tier}`;
    const got = paths.get(key) ?? { fromTier, toTier: r.to_tier, kind, count: 0 };
    got.count += n(r.n);
    paths.set(key, got);
  }
  const list = [...paths.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind) || `${a.fromTier}>${a.toTier}`.localeCompare(`${b.fromTier}>${b.toTier}`));
  const sum = (k: LoyaltyTierMovement['kind']) => list.filter((x) => x.kind === k).reduce((s, x) => s + x.count, 0);
  return { joins: sum('join'), upgrades: sum('upgrade'), downgrades: sum('downgrade'), paths: list };
}

const FLOW_KEYS = ['issued', 'redeemed', 'returned', 'expired', 'reversed', 'restored', 'adjustedDown', 'net'] as const;
const emptyFlow = (): LoyaltyPointsFlow => ({ issued: 0, redeemed: 0, returned: 0, expired: 0, reversed: 0, restored: 0, adjustedDown: 0, net: 0 });

/** The ledger's movements in [from, to) by company month (the contract's partition of the entry kinds). */
export async function pointsFlowByMonth(db: DbOrTx, f: ScopeFilter, from: Date, to: Date, zone: string): Promise<Map<string, LoyaltyPointsFlow>> {
  const rows = rowsOf<Record<'month' | 'issued' | 'redeemed' | 'returned' | 'expired' | 'reversed' | 'restored' | 'adjusted_down' | 'net', string>>(
    await db.execute(sql`
      select to_char(e.occurred_at at time zone ${zone}, 'YYYY-MM') as month,
        coalesce(sum(e.points) filter (where e.kind in ('earn', 'bonus') or (e.kind = 'adjust' and e.points > 0)), 0) as issued,
        coalesce(-sum(e.points) filter (where e.kind = 'redeem'), 0) as redeemed,
        coalesce(sum(e.points) filter (where e.kind = 'reverse' and e.points > 0 and o.kind = 'redeem'), 0) as returned,
        coalesce(-sum(e.points) filter (where e.kind = 'expire'), 0) as expired,
        coalesce(-sum(e.points) filter (where e.kind = 'reverse' and e.points < 0), 0) as reversed,
        coalesce(sum(e.points) filter (where e.kind = 'reverse' and e.points > 0 and o.kind is distinct from 'redeem'), 0) as restored,
        coalesce(-sum(e.points) filter (where e.kind = 'adjust' and e.points < 0), 0) as adjusted_down,
        coalesce(sum(e.points), 0) as net
      from points_entries e left join points_entries o on o.id = e.reverses_id
      where e.occurred_at >= ${at(from)} and e.occurred_at < ${at(to)} and ${f(sql`e.customer_id`)}
      group by 1`),
  );
  return new Map(
    rows.map((r) => [
      r.month,
      { issued: n(r.issued), redeemed: n(r.redeemed), returned: n(r.returned), expired: n(r.expired), reversed: n(r.reversed), restored: n(r.restored), adjustedDown: n(r.adjusted_down), net: n(r.net) },
    ]),
  );
}

/** Points spent on redemptions in [from, to) (redeem entries, gross): the goal metric and the tile's 本月兑换. */
export async function pointsRedeemed(db: DbOrTx, f: ScopeFilter, from: Date, to: Date): Promise<number> {
  const [row] = rowsOf<{ points: string }>(
    await db.execute(sql`select coalesce(-sum(e.points), 0) as points from points_entries e
      where e.kind = 'redeem' and e.occurred_at >= ${at(from)} and e.occurred_at < ${at(to)} and ${f(sql`e.customer_id`)}`),
  );
  return n(row?.points);
}

/** The members' balances and debts now (every member row). */
export async function balancesNow(db: DbOrTx, f: ScopeFilter): Promise<{ points: number; debt: number }> {
  const [row] = rowsOf<{ points: string; debt: string }>(
    await db.execute(sql`select coalesce(sum(m.balance), 0) as points, coalesce(sum(m.debt), 0) as debt from loyalty_members m where ${f(sql`m.customer_id`)}`),
  );
  return { points: n(row?.points), debt: n(row?.debt) };
}

/** The balances as the ledger reads at an instant: the sum of the entries that occurred before it. */
export async function balancesAt(db: DbOrTx, f: ScopeFilter, instant: Date): Promise<number> {
  const [row] = rowsOf<{ points: string }>(
    await db.execute(sql`select coalesce(sum(e.points), 0) as points from points_entries e where e.occurred_at < ${at(instant)} and ${f(sql`e.customer_id`)}`),
  );
  return n(row?.points);
}

/** Points of open lots expiring within `days` days of now (lots due and not yet swept included). */
export async function expiringPoints(db: DbOrTx, f: ScopeFilter, now: Date, days: number): Promise<number> {
  const [row] = rowsOf<{ points: string }>(
    await db.execute(sql`select coalesce(sum(l.remaining), 0) as points from points_lots l
      where l.remaining > 0 and l.expires_at <= ${at(new Date(now.getTime() + days * DAY_MS))} and ${f(sql`l.customer_id`)}`),
  );
  return n(row?.points);
}

/** "The referrer or the referee is in the scope", over a loyalty_referrals alias `r`. */
const referralReached = (f: ScopeFilter) => sql`(${f(sql`r.referrer_id`)} or ${f(sql`r.referee_id`)})`;

/** Referrals rewarded in [from, to) whose referrer or referee is in the scope. */
export async function referralsRewarded(db: DbOrTx, f: ScopeFilter, from: Date, to: Date): Promise<number> {
  const [row] = rowsOf<{ n: string }>(
    await db.execute(sql`select count(*) as n from loyalty_referrals r
      where r.status = 'rewarded' and r.rewarded_at >= ${at(from)} and r.rewarded_at < ${at(to)} and ${referralReached(f)}`),
  );
  return n(row?.n);
}

/** Members with a redemption in [from, to) (its redeem entry's time, as the points flow) that is not cancelled. */
async function redeemers(db: DbOrTx, f: ScopeFilter, from: Date, to: Date): Promise<number> {
  const [row] = rowsOf<{ n: string }>(
    await db.execute(sql`select count(distinct r.customer_id) as n from loyalty_redemptions r join points_entries e on e.id = r.entry_id
      where r.status = 'done' and e.occurred_at >= ${at(from)} and e.occurred_at < ${at(to)} and ${f(sql`r.customer_id`)}`),
  );
  return n(row?.n);
}

// ---- cohorts ------------------------------------------------------------------------------------------------------

const group = (customers: number, repeaters: number, retained: number): LoyaltyCohortGroup => ({
  customers,
  repeaters,
  repeatRate: pct(repeaters, customers),
  retained,
  retentionRate: pct(retained, customers),
});

/** Live purchases and payments of a customer (alias `x`) up to now. */
const bought = (customer: SQL, now: Date) =>
  sql`${transactionLedger} x where x.customer_id = ${customer} and x.deleted_at is null and x.type in ('purchase', 'payment') and x.occurred_at <= ${at(now)}`;

/**
 * The cohorts of the last `cohortMonths` months up to now: each customer in scope (not deleted) whose first live
 * purchase or payment is in them, member now or not, with whether it repeated within `repeatDays` and bought in the
 * last `activeDays` days other than its first. Candidates come from the ledger's time window (an index), then one
 * probe per candidate for its first purchase.
 */
export async function cohorts(db: DbOrTx, f: ScopeFilter, zone: string, now: Date): Promise<LoyaltyReport['cohorts']> {
  const today = wallDay(zone, now);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const start = startOfDay(zone, y, m - (R.cohortMonths - 1), 1);
  const months = monthsBetween(wallDay(zone, start), today);
  const activeSince = new Date(now.getTime() - R.activeDays * DAY_MS);
  const rows = rowsOf<{ month: string; member: boolean; customers: string; repeaters: string; retained: string }>(
    await db.execute(sql`
      with cand as (
        select distinct t.customer_id from ${transactionLedger} t
        where t.deleted_at is null and t.type in ('purchase', 'payment') and t.occurred_at >= ${at(start)} and t.occurred_at <= ${at(now)}
      ),
      firsts as (
        select c.id, fb.first_at,
               exists (select 1 from loyalty_members m where m.customer_id = c.id and m.status = 'active') as member
        from cand join ${customerDirectory} c on c.id = cand.customer_id and c.deleted_at is null
        cross join lateral (select min(x.occurred_at) as first_at from ${bought(sql`c.id`, now)}) fb
        where fb.first_at >= ${at(start)} and ${f(sql`c.id`)}
      )
      select to_char(fi.first_at at time zone ${zone}, 'YYYY-MM') as month, fi.member, count(*) as customers,
        count(*) filter (where (select count(*) from (select 1 from ${bought(sql`fi.id`, now)}
            and x.occurred_at >= fi.first_at and x.occurred_at <= fi.first_at + ${`${R.repeatDays} days`}::interval limit 2) y) >= 2) as repeaters,
        count(*) filter (where (select count(*) from (select 1 from ${bought(sql`fi.id`, now)} and x.occurred_at > ${at(activeSince)} limit 2) y)
            >= case when fi.first_at > ${at(activeSince)} then 2 else 1 end) as retained
      from firsts fi group by 1, 2`),
  );
  const cell = (month: string | null, member: boolean) => {
    const hit = rows.filter((r) => (month === null || r.month === month) && r.member === member);
    return group(
      hit.reduce((s, r) => s + n(r.customers), 0),
      hit.reduce((s, r) => s + n(r.repeaters), 0),
      hit.reduce((s, r) => s + n(r.retained), 0),
    );
  };
  const list: LoyaltyCohort[] = months.map((month) => {
    const [cy, cm] = month.split('-').map(Number) as [number, number];
    const windowOpen = startOfDay(zone, cy, cm + 1, 1).getTime() + R.repeatDays * DAY_MS > now.getTime();
    return { month, windowOpen, members: cell(month, true), nonMembers: cell(month, false) };
  });
  return { repeatDays: R.repeatDays, activeDays: R.activeDays, months: list, total: { members: cell(null, true), nonMembers: cell(null, false) } };
}

// ---- the report ---------------------------------------------------------------------------------------------------

export type LoyaltyReportQuery = { from?: string | undefined; to?: string | undefined };

/** The period: `to` today by default, `from` the first day of the 12th month back; checked for order and length. */
function periodOf(q: LoyaltyReportQuery, zone: string, now: Date): { first: string; last: string; from: Date; to: Date } {
  const last = q.to ?? wallDay(zone, now);
  const [y, m] = last.split('-').map(Number) as [number, number];
  const first = q.from ?? wallDay(zone, startOfDay(zone, y, m - 11, 1));
  if (first > last) throw AppError.field('from', 'loyalty.report_order');
  const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / DAY_MS + 1;
  if (days > R.maxDays) throw AppError.field('from', 'loyalty.report_range', { max: R.maxDays });
  return { first, last, from: dayStart(zone, first), to: dayStart(zone, last, 1) };
}

/** GET /loyalty/reports: the whole report for the reader's scope (loyalty:read). */
export async function loyaltyReport(db: DbOrTx, actor: Actor | null, q: LoyaltyReportQuery, now: Date): Promise<LoyaltyReport> {
  requireAccess(actor, 'loyalty:read');
  const zone = knownZone((await readCompanySettings(db)).timezone);
  const { first, last, from, to } = periodOf(q, zone, now);
  const p = await readProgramme(db);
  const f = actorScope(actor);
  const flows = await pointsFlowByMonth(db, f, from, to, zone);
  const byMonth = monthsBetween(first, last).map((month) => ({ month, ...(flows.get(month) ?? emptyFlow()) }));
  const total = emptyFlow();
  for (const mo of byMonth) for (const k of FLOW_KEYS) total[k] += mo[k];
  const balances = await balancesNow(db, f);
  const expiring = await expiringPoints(db, f, now, R.expiringDays);
  const members = await memberCount(db, f, to);
  const redeemed = await redeemers(db, f, from, to);
  return {
    from: first,
    to: last,
    asOf: now.toISOString(),
    pointValueFen: p.pointValueFen,
    members: {
      total: await memberCount(db, f),
      byTier: await membersByTier(db, f, p, actor.locale),
      movements: await tierMovements(db, f, p, from, to),
    },
    points: { total, byMonth },
    liability: {
      points: balances.points,
      valueFen: balances.points * p.pointValueFen,
      debtPoints: balances.debt,
      expiringPoints: expiring,
      expiringValueFen: expiring * p.pointValueFen,
      expiringDays: R.expiringDays,
    },
    redemption: { pointsRate: pct(total.redeemed, total.issued), redeemers: redeemed, members, memberShare: pct(redeemed, members) },
    referrals: await referralFunnel(db, actor, { from, to }),
    cohorts: await cohorts(db, f, zone, now),
  };
}
