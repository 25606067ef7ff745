/**
 * The loyalty module's goal metrics (目标管理, issue #17; issue #16: "members, points liability and referral figures
 * join the goal catalogue"), registered by src/app.ts. Each is the report's own figure (reports.ts), measured for the
 * goal's owner as a data scope — the company: every member; a team or a person: the members who are their customers
 * (customerAccess, by the customer's current owner and team, as every goal metric scopes customers):
 * - `loyalty.members`: active members who had joined by the period's end (or now, while it runs) — a level;
 * - `loyalty.points_redeemed`: points spent on redemptions in the period (redeem entries, gross) — accumulates;
 * - `loyalty.liability`: the points' value in fen at the period's end (or now): the sum of the ledger entries that
 *   occurred before then (every balance is the sum of its entries) × the programme's point value now — lower is better;
 * - `loyalty.referrals_rewarded`: referrals rewarded in the period whose referrer or referee is the owner's.
 */
import { t } from '../../platform/i18n/index.js';
import type { GoalMetricContext, GoalMetricDef } from '../goals/index.js';
import { readProgramme } from './programme.js';
import { balancesAt, dataScope, memberCount, pointsRedeemed, referralsRewarded } from './reports.js';

/** The end of the range, or now when that is earlier (a level is read where the period stands). */
const levelAt = (ctx: GoalMetricContext) => new Date(Math.min(ctx.to.getTime(), ctx.now.getTime()));

const common = { owners: ['company', 'team', 'user'] as const, permission: 'loyalty:read' as const };

export const loyaltyGoalMetrics: GoalMetricDef[] = [
  {
    key: 'loyalty.members',
    label: (l) => t(l, 'loyalty.goal.members'),
    description: (l) => t(l, 'loyalty.goal.members.description'),
    unit: 'count',
    better: 'higher',
    forecast: 'level',
    ...common,
    compute: async (ctx) => memberCount(ctx.db, dataScope(ctx.scope), levelAt(ctx)),
    link: '/loyalty',
  },
  {
    key: 'loyalty.points_redeemed',
    label: (l) => t(l, 'loyalty.goal.points_redeemed'),
    description: (l) => t(l, 'loyalty.goal.points_redeemed.description'),
    unit: 'count',
    better: 'higher',
    forecast: 'pace',
    ...common,
    compute: async (ctx) => pointsRedeemed(ctx.db, dataScope(ctx.scope), ctx.from, ctx.to),
    link: '/loyalty?tab=redemptions',
  },
  {
    key: 'loyalty.liability',
    label: (l) => t(l, 'loyalty.goal.liability'),
    description: (l) => t(l, 'loyalty.goal.liability.description'),
    unit: 'fen',
    better: 'lower',
    forecast: 'level',
    ...common,
    compute: async (ctx) => (await balancesAt(ctx.db, dataScope(ctx.scope), levelAt(ctx))) * (await readProgramme(ctx.db)).pointValueFen,
    link: '/loyalty?tab=reports',
  },
  {
    key: 'loyalty.referrals_rewarded',
    label: (l) => t(l, 'loyalty.goal.referrals_rewarded'),
    description: (l) => t(l, 'loyalty.goal.referrals_rewarded.description'),
    unit: 'count',
    better: 'higher',
    forecast: 'pace',
    ...common,
    compute: async (ctx) => referralsRewarded(ctx.db, dataScope(ctx.scope), ctx.from, ctx.to),
    link: '/loyalty?tab=referrals&status=rewarded',
  },
];
