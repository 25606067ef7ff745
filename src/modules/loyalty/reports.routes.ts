/**
 * 会员与积分报表 through the API: `GET /loyalty/reports?from=&to=` (loyalty:read; company days; the reader's data
 * scope). The figures' definitions are the contract's (`LoyaltyReport`).
 */
import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import { responseOf } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import type { LoyaltyCohortGroup, LoyaltyPointsFlow, LoyaltyReport } from './loyalty.contract.js';
import { loyaltyReport } from './reports.js';

export const reportQuery = z.strictObject({
  from: z.iso.date().optional().describe('First day (company time zone); by default the first day of the 12th month back'),
  to: z.iso.date().optional().describe('Last day, inclusive; today by default'),
});

const int = () => z.number().int();
const rate = () => z.number().nullable().describe('Percent, two decimals; null without a denominator');

const flowShape = {
  issued: int(),
  redeemed: int(),
  returned: int(),
  expired: int(),
  reversed: int(),
  restored: int(),
  adjustedDown: int(),
  net: int(),
};
const flow = responseOf<LoyaltyPointsFlow>()(z.object(flowShape));
const cohortGroup = responseOf<LoyaltyCohortGroup>()(z.object({ customers: int(), repeaters: int(), repeatRate: rate(), retained: int(), retentionRate: rate() }));

export const loyaltyReportView = responseOf<LoyaltyReport>()(
  z.object({
    from: z.string(),
    to: z.string(),
    asOf: z.string(),
    pointValueFen: int(),
    members: z.object({
      total: int(),
      byTier: z.array(z.object({ tier: z.string(), name: z.string(), count: int() })),
      movements: z.object({
        joins: int(),
        upgrades: int(),
        downgrades: int(),
        paths: z.array(z.object({ fromTier: z.string().nullable(), toTier: z.string(), kind: z.enum(['join', 'upgrade', 'downgrade']), count: int() })),
      }),
    }),
    points: z.object({ total: flow, byMonth: z.array(z.object({ month: z.string(), ...flowShape })) }),
    liability: z.object({ points: int(), valueFen: int(), debtPoints: int(), expiringPoints: int(), expiringValueFen: int(), expiringDays: int() }),
    redemption: z.object({ pointsRate: rate(), redeemers: int(), members: int(), memberShare: rate() }),
    referrals: z.object({
      attributed: int(),
      refused: z.object({ total: int(), byReason: z.array(z.object({ reason: z.string(), label: z.string(), count: int() })) }),
      rewarded: int(),
      pointsPaid: int(),
    }),
    cohorts: z.object({
      repeatDays: int(),
      activeDays: int(),
      months: z.array(z.object({ month: z.string(), windowOpen: z.boolean(), members: cohortGroup, nonMembers: cohortGroup })),
      total: z.object({ members: cohortGroup, nonMembers: cohortGroup }),
    }),
  }),
);

export async function loyaltyReportRoutes(app: App, ctx: ServiceContext & { now: () => Date }): Promise<void> {
  const { db, now } = ctx;
  app.get(
    '/api/v1/loyalty/reports',
    {
      schema: {
        tags: ['loyalty'],
        summary:
          'Loyalty report: members by tier and movement, points issued / redeemed / expired by month, liability, redemption rate, referral funnel, member vs non-member cohorts',
        querystring: reportQuery,
        response: { 200: loyaltyReportView },
      },
      config: { fieldLabels: 'loyalty' },
    },
    async (req) => loyaltyReport(db, req.actor, req.query, now()),
  );
}
