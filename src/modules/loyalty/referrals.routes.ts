/**
 * 老带新 through the API: the referrals list (keyset, by status, referrer or referee, in the reader's data scope) and
 * an agent's attribution of an existing customer (`POST`: 201 with the referral, pending or refused with its reason —
 * a refusal is stored and answered, not an error; an unknown code is a 400 naming `code`).
 */
import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import { pageQuery } from '../../platform/http/cursor.js';
import { pageOf, responseOf } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { REFERRAL_STATUSES, type ReferralView } from './loyalty.contract.js';
import { attributeExisting, listReferrals, normaliseCode } from './referrals.js';

export const referralBody = z.strictObject({
  refereeId: z.uuid().describe('The customer to attribute: created in the last 30 days, without a referral or a payment'),
  code: z.string().trim().min(1).max(40).transform(normaliseCode).describe("The referrer's referral code (spaces and dashes ignored)"),
});

export const referralListQuery = z.strictObject({
  status: z.enum(REFERRAL_STATUSES).optional(),
  referrerId: z.uuid().optional(),
  refereeId: z.uuid().optional(),
  from: z.iso.date().optional().describe('Attributed on or after this day (company time zone); with status=rewarded: rewarded on or after it'),
  to: z.iso.date().optional().describe('Attributed on or before this day (company time zone); with status=rewarded: rewarded on or before it'),
  ...pageQuery(200, 50),
});

export const referralView = responseOf<ReferralView>()(
  z.object({
    id: z.uuid(),
    referrerId: z.uuid(),
    referrerName: z.string(),
    refereeId: z.uuid(),
    refereeName: z.string(),
    code: z.string(),
    status: z.enum(REFERRAL_STATUSES),
    refusedReason: z.string().nullable().describe("Why it was refused, in the reader's language"),
    qualifyingTransactionId: z.uuid().nullable(),
    rewardedAt: z.string().nullable(),
    createdAt: z.string(),
  }),
);
export const referralPage = pageOf(referralView);

export async function referralRoutes(app: App, ctx: ServiceContext & { now: () => Date }): Promise<void> {
  const { db, now } = ctx;
  const tags = ['loyalty'];
  const config = { fieldLabels: 'loyalty' };
  app.get(
    '/api/v1/loyalty/referrals',
    { schema: { tags, summary: 'Referrals (老带新), newest first: by status, referrer or referee, and days', querystring: referralListQuery, response: { 200: referralPage } }, config },
    async (req) => listReferrals(db, req.actor, req.query),
  );
  app.post(
    '/api/v1/loyalty/referrals',
    {
      schema: {
        tags,
        summary: 'Attribute a recent customer to a referrer by code: the fraud rules decide, a refusal is stored with its reason',
        body: referralBody,
        response: { 201: referralView },
      },
      config,
    },
    async (req, reply) => reply.code(201).send(await db.transaction((tx) => attributeExisting(tx, req.actor, req.body, now()))),
  );
}
