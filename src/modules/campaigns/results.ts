/**
 * Campaign results: what the campaign caused, measured against its holdout group.
 *
 * Over the attribution window (launch → launch + attributionDays, or now while running), per member: delivered (a
 * campaign message was sent), opened and clicked (where the channel tells: messages' tracking.ts), responded (a purchase in the window), redeemed (a coupon redemption), revenue (the
 * purchases' amounts, what the customer paid), complained (a complaint ticket raised in the window), satisfaction (the
 * latest score of 1–5 the customer gave in the window: a survey's CSAT answer or a ticket's rating; satisfied = 4 or
 * 5, as the CSAT figure counts it). For the treated
 * and the holdout group, and the same per value tier at launch:
 * - response uplift = rate(treated) − rate(holdout), 95% interval by Newcombe's hybrid score method (stats.ts);
 * - satisfaction uplift = satisfied share of the rated treated − that of the rated holdout, Newcombe as well;
 * - revenue per head uplift, 95% percentile bootstrap interval (2,000 resamples, seeded by the campaign);
 * - incremental revenue = uplift per head × treated members; incremental margin = that × the margin rate;
 * - cost = messages sent × cost per message + redemptions × cost per redemption (a discount is already in the
 *   revenue, which is what customers paid, so it is not counted twice);
 * - ROI = (incremental margin − cost) / cost.
 * The aggregates are over the whole audience (campaign:read is a marketing permission with scope over all customers).
 */
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { zoneOffsetMs } from '../../platform/time.js';
import { messageCountsBySource, messageFacts } from '../messages/index.js';
import { companyClock } from '../settings/index.js';
import { surveyFacts } from '../surveys/index.js';
import { ticketFacts } from '../tickets/index.js';
import { transactionLedger } from '../transactions/index.js';
import type { CampaignResults, CampaignTier, GroupFigures, Interval, UpliftFigures } from './campaigns.contract.js';
import { CAMPAIGN_TIERS } from './campaigns.contract.js';
import { loadCampaign } from './campaigns.service.js';
import { launchDetails } from './launch.js';
import { campaignMembers, couponRedemptions } from './schema.js';
import { bootstrapMeanDiffSliced, newcombeDiff } from './stats.js';

const DAY_MS = 86_400_000;
const RESAMPLES = 2000;

type Member = {
  grp: 'treated' | 'holdout';
  tier: CampaignTier;
  revenue: number;
  firstAt: number | null;
  redeemed: boolean;
  delivered: boolean;
  opened: boolean;
  clicked: boolean;
  complained: boolean;
  /** The latest satisfaction score (1–5) given in the window; null when none. */
  satisfaction: number | null;
};

/** Satisfied: 4 or 5 of 5, the CSAT figure's "satisfied" (surveys stats `csatOf`). */
const SATISFIED_FROM = 4;

function figures(ms: Member[], marginBp: number): GroupFigures {
  let delivered = 0,
    opened = 0,
    clicked = 0,
    responded = 0,
    redeemed = 0,
    revenue = 0,
    complained = 0,
    rated = 0,
    satisfied = 0;
  for (const m of ms) {
    if (m.satisfaction !== null) {
      rated++;
      if (m.satisfaction >= SATISFIED_FROM) satisfied++;
    }
    if (m.delivered) delivered++;
    if (m.opened) opened++;
    if (m.clicked) clicked++;
    if (m.firstAt !== null) responded++;
    if (m.redeemed) redeemed++;
    if (m.complained) complained++;
    revenue += m.revenue;
  }
  const reach = ms.length;
  return {
    reach,
    delivered,
    opened,
    clicked,
    responded,
    redeemed,
    revenueFen: revenue,
    marginFen: Math.round((revenue * marginBp) / 10000),
    complained,
    rated,
    satisfied,
    satisfiedRate: rated ? satisfied / rated : null,
    responseRate: reach ? responded / reach : 0,
    revenuePerHeadFen: reach ? revenue / reach : 0,
  };
}

const interval = (r: { diff: number; lower: number; upper: number } | null): Interval | null => (r ? { diff: r.diff, lower: r.lower, upper: r.upper } : null);

async function uplift(members: Member[], marginBp: number, seed: number): Promise<UpliftFigures> {
  const t = members.filter((m) => m.grp === 'treated');
  const h = members.filter((m) => m.grp === 'holdout');
  const treated = figures(t, marginBp);
  const holdout = figures(h, marginBp);
  if (!t.length || !h.length) {
    return { treated, holdout, responseUplift: null, revenueUplift: null, complaintUplift: null, satisfactionUplift: null, incrementalRevenueFen: null, incrementalMarginFen: null };
  }
  const revenueUplift = interval(await bootstrapMeanDiffSliced(Float64Array.from(t, (m) => m.revenue), Float64Array.from(h, (m) => m.revenue), { resamples: RESAMPLES, seed }));
  const incrementalRevenueFen = Math.round((treated.revenuePerHeadFen - holdout.revenuePerHeadFen) * treated.reach);
  return {
    treated,
    holdout,
    responseUplift: interval(newcombeDiff(treated.responded, treated.reach, holdout.responded, holdout.reach)),
    revenueUplift,
    complaintUplift: interval(newcombeDiff(treated.complained, treated.reach, holdout.complained, holdout.reach)),
    satisfactionUplift: treated.rated && holdout.rated ? interval(newcombeDiff(treated.satisfied, treated.rated, holdout.satisfied, holdout.rated)) : null,
    incrementalRevenueFen,
    incrementalMarginFen: Math.round((incrementalRevenueFen * marginBp) / 10000),
  };
}

/**
 * The treated and holdout groups' sizes and responders over the campaign's window as of `now` (launch → its end, its
 * cancellation or now): the figures the response uplift is made of. No access check: the callers make theirs.
 */
export async function responseCounts(db: DbOrTx, id: string, now = new Date()): Promise<{ treated: GroupFigures; holdout: GroupFigures }> {
  const c = await loadCampaign(db, id);
  const start = c.launchedAt;
  const end = start ? new Date(Math.min(now.getTime(), c.endsAt?.getTime() ?? now.getTime(), c.cancelledAt?.getTime() ?? Infinity)) : null;
  const members = start && end && end > start ? await memberFacts(db, c.id, start, end) : [];
  return { treated: figures(members.filter((m) => m.grp === 'treated'), c.marginBp), holdout: figures(members.filter((m) => m.grp === 'holdout'), c.marginBp) };
}

/**
 * The response uplift alone (treated − holdout response rate with Newcombe's 95% interval), as `campaignResults` has
 * it, without the revenue bootstrap, the tiers and the daily series: what a home-page tile shows for a campaign.
 */
export async function campaignResponseUplift(db: DbOrTx, actor: Actor | null, id: string, now = new Date()): Promise<CampaignResults['responseUplift']> {
  requireAccess(actor, 'campaign:read');
  const { treated: t, holdout: h } = await responseCounts(db, id, now);
  return t.reach && h.reach ? interval(newcombeDiff(t.responded, t.reach, h.responded, h.reach)) : null;
}

export async function campaignResults(db: DbOrTx, actor: Actor | null, id: string, q: { asOf?: string } = {}, now = new Date()): Promise<CampaignResults> {
  requireAccess(actor, 'campaign:read');
  const c = await loadCampaign(db, id);
  const asOf = q.asOf ? new Date(q.asOf) : now;
  const start = c.launchedAt;
  const end = start ? new Date(Math.min(asOf.getTime(), c.endsAt?.getTime() ?? asOf.getTime(), c.cancelledAt?.getTime() ?? Infinity)) : null;
  const seed = Number.parseInt(c.seed.slice(0, 8), 16);
  const members = start && end && end > start ? await memberFacts(db, c.id, start, end) : [];

  const overall = await uplift(members, c.marginBp, seed);
  const counts = await messageCountsBySource(db, c.id);
  const [red] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${couponRedemptions} where campaign_id = ${c.id}`));
  const costFen = counts.sent * c.costPerMessageFen + (red?.n ?? 0) * c.costPerRedemptionFen;
  const roi = overall.incrementalMarginFen !== null && costFen > 0 ? (overall.incrementalMarginFen - costFen) / costFen : null;

  const achieved =
    c.goal === 'spend_per_head'
      ? (overall.revenueUplift?.diff ?? null)
      : c.goal === 'fewer_complaints'
        ? overall.complaintUplift
          ? -overall.complaintUplift.diff * 10000
          : null
        : overall.responseUplift
          ? overall.responseUplift.diff * 10000
          : null;

  const tiers: ({ tier: (typeof CAMPAIGN_TIERS)[number] } & UpliftFigures)[] = [];
  for (const tier of CAMPAIGN_TIERS) {
    const ms = members.filter((m) => m.tier === tier);
    if (ms.length) tiers.push({ tier, ...(await uplift(ms, c.marginBp, seed + tier.length)) });
  }
  const { total, queued, sent, failed, sending } = counts;
  // Customers without an address on a channel get no message row: the launch counted them.
  const noRecipient = Number((await launchDetails(db, c.id))?.blocked?.no_recipient ?? 0);
  const suppressed: Record<string, number> = { ...counts.suppressed, ...(noRecipient ? { no_recipient: noRecipient } : {}) };
  return {
    campaignId: c.id,
    status: c.status,
    windowStart: start?.toISOString() ?? null,
    windowEnd: end?.toISOString() ?? null,
    asOf: asOf.toISOString(),
    ...overall,
    messages: { total, queued: queued + sending, sent, failed, blocked: suppressed },
    costFen,
    roi,
    goal: { metric: c.goal, target: c.goalTarget, achieved, met: achieved === null ? null : achieved >= c.goalTarget },
    tiers,
    daily: start && end ? await daily(db, c.id, members, start, end) : [],
  };
}

/** One row per member: the facts of the window, in one statement. */
async function memberFacts(db: DbOrTx, campaignId: string, start: Date, end: Date): Promise<Member[]> {
  const s = start.toISOString();
  const e = end.toISOString();
  const rows = rowsOf<{
    grp: 'treated' | 'holdout';
    tier: string;
    revenue: string | number;
    first_at: string | Date | null;
    redeemed: boolean;
    delivered: boolean;
    opened: boolean;
    clicked: boolean;
    complained: boolean;
    satisfaction: number | string | null;
  }>(
    await db.execute(sql`
      select m.grp, m.tier, coalesce(t.revenue, 0) as revenue, t.first_at,
             exists (select 1 from ${couponRedemptions} r where r.campaign_id = m.campaign_id and r.customer_id = m.customer_id
                     and r.redeemed_at >= ${s}::timestamptz and r.redeemed_at < ${e}::timestamptz) as redeemed,
             ${messageFacts.sentTo(campaignId, sql`m.customer_id`)} as delivered,
             ${messageFacts.openedBy(campaignId, sql`m.customer_id`)} as opened,
             ${messageFacts.clickedBy(campaignId, sql`m.customer_id`)} as clicked,
             ${ticketFacts.countBetween(sql`m.customer_id`, start, end)} > 0 as complained,
             (select x.score from (${surveyFacts.csatBetween(sql`m.customer_id`, start, end)}
                                   union all ${ticketFacts.ratingsBetween(sql`m.customer_id`, start, end)}) x
              order by x.at desc limit 1) as satisfaction
      from ${campaignMembers} m
      left join lateral (
        select sum(t.amount_fen) as revenue, min(t.occurred_at) as first_at
        from ${transactionLedger} t
        where t.customer_id = m.customer_id and t.type = 'purchase' and t.deleted_at is null
          and t.occurred_at >= ${s}::timestamptz and t.occurred_at < ${e}::timestamptz
      ) t on true
      where m.campaign_id = ${campaignId}`),
  );
  return rows.map((r) => ({
    grp: r.grp,
    tier: (CAMPAIGN_TIERS as readonly string[]).includes(r.tier) ? (r.tier as CampaignTier) : 'none',
    revenue: Number(r.revenue),
    firstAt: r.first_at === null ? null : new Date(r.first_at).getTime(),
    redeemed: r.redeemed,
    delivered: r.delivered,
    opened: r.opened,
    clicked: r.clicked,
    complained: r.complained,
    satisfaction: r.satisfaction === null ? null : Number(r.satisfaction),
  }));
}

/** Cumulative response rate and revenue per head of each group by company date, launch day to the window's end. */
async function daily(db: DbOrTx, campaignId: string, members: Member[], start: Date, end: Date): Promise<CampaignResults['daily']> {
  const { zone } = await companyClock(db, start);
  const dayOf = (ms: number) => new Date(ms + zoneOffsetMs(zone, new Date(ms))).toISOString().slice(0, 10);
  const revenueRows = rowsOf<{ grp: 'treated' | 'holdout'; day: string; revenue: string | number }>(
    await db.execute(sql`
      select m.grp, to_char(t.occurred_at at time zone ${zone}, 'YYYY-MM-DD') as day, sum(t.amount_fen) as revenue
      from ${campaignMembers} m
      join ${transactionLedger} t on t.customer_id = m.customer_id and t.type = 'purchase' and t.deleted_at is null
        and t.occurred_at >= ${start.toISOString()}::timestamptz and t.occurred_at < ${end.toISOString()}::timestamptz
      where m.campaign_id = ${campaignId}
      group by 1, 2`),
  );
  const n = { treated: 0, holdout: 0 };
  const firsts = { treated: new Map<string, number>(), holdout: new Map<string, number>() };
  for (const m of members) {
    n[m.grp]++;
    if (m.firstAt !== null) {
      const d = dayOf(m.firstAt);
      firsts[m.grp].set(d, (firsts[m.grp].get(d) ?? 0) + 1);
    }
  }
  const revenue = { treated: new Map<string, number>(), holdout: new Map<string, number>() };
  for (const r of revenueRows) revenue[r.grp].set(r.day, Number(r.revenue));
  const out: CampaignResults['daily'] = [];
  const acc = { treatedResp: 0, holdoutResp: 0, treatedRev: 0, holdoutRev: 0 };
  const last = dayOf(end.getTime() - 1);
  for (let t = start.getTime(), guard = 0; guard < 400; t += DAY_MS, guard++) {
    const day = dayOf(t);
    acc.treatedResp += firsts.treated.get(day) ?? 0;
    acc.holdoutResp += firsts.holdout.get(day) ?? 0;
    acc.treatedRev += revenue.treated.get(day) ?? 0;
    acc.holdoutRev += revenue.holdout.get(day) ?? 0;
    out.push({
      day,
      treatedRate: n.treated ? acc.treatedResp / n.treated : 0,
      holdoutRate: n.holdout ? acc.holdoutResp / n.holdout : 0,
      treatedRevenuePerHeadFen: n.treated ? acc.treatedRev / n.treated : 0,
      holdoutRevenuePerHeadFen: n.holdout ? acc.holdoutRev / n.holdout : 0,
    });
    if (day >= last) break;
  }
  return out;
}
