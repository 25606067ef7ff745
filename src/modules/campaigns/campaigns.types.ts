/**
 * Request schemas of the campaigns API. Money is integer fen, shares and rates are basis points (1000 = 10%).
 */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { CAMPAIGN_GOALS, CAMPAIGN_STATUSES, CODE_MODES, OFFER_KINDS } from './campaigns.contract.js';

const fen = (max = 1_000_000_000_00) => z.number().int().min(0).max(max);
const day = z.iso.date();

export const offerInput = z
  .strictObject({
    kind: z.enum(OFFER_KINDS).describe('percent, threshold (满减), gift, bundle, points_multiplier'),
    name: trimmedText(80).min(1).describe('What the customer is told, e.g. 满200减30'),
    percentOffBp: z.number().int().min(1).max(9999).nullable().optional().describe('percent: basis points off (1500 = 15%)'),
    thresholdFen: fen().nullable().optional().describe('threshold: spend at least this (fen)'),
    discountFen: fen().nullable().optional().describe('threshold: get this off (fen)'),
    detail: optionalText(200).describe('gift / bundle: what is given or bundled'),
    multiplierX100: z.number().int().min(101).max(1000).nullable().optional().describe('points_multiplier: ×100 (200 = double)'),
    codeMode: z.enum(CODE_MODES).default('none').describe('none, unique (one code per treated customer), shared (one code for all)'),
    sharedCode: z.string().trim().max(40).nullable().optional().describe('shared: the code (4–20 letters and digits)'),
    validFrom: day.nullable().optional(),
    validTo: day.nullable().optional(),
    perCustomerLimit: z.number().int().min(1).max(100).default(1).describe('How often one customer may redeem'),
  })
  .superRefine((o, ctx) => {
    const need = (field: keyof typeof o) => {
      if (o[field] === null || o[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'validation.required' });
    };
    if (o.kind === 'percent') need('percentOffBp');
    if (o.kind === 'threshold') {
      need('thresholdFen');
      need('discountFen');
      if (o.thresholdFen != null && o.discountFen != null && o.discountFen >= o.thresholdFen) {
        ctx.addIssue({ code: 'custom', path: ['discountFen'], message: 'campaigns.discount_not_below_threshold' });
      }
    }
    if (o.kind === 'gift' || o.kind === 'bundle') need('detail');
    if (o.kind === 'points_multiplier') need('multiplierX100');
    if (o.codeMode === 'shared') need('sharedCode');
    if (o.validFrom && o.validTo && o.validTo < o.validFrom) ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'campaigns.valid_to_before_from' });
  });
export type OfferInput = z.infer<typeof offerInput>;

const campaignFields = {
  name: trimmedText(100).min(1),
  description: optionalText(2000),
  goal: z.enum(CAMPAIGN_GOALS),
  goalTarget: z.number().int().min(0).max(100_000_000).describe('rates: basis points of uplift (500 = +5 points); spend_per_head: fen'),
  segmentId: z.uuid().nullable().describe('The audience (a segment or static list)'),
  holdoutBp: z.number().int().min(0).max(5000).describe('Share held out, basis points (0–50%)'),
  offers: z.array(offerInput).max(5),
  templateIds: z.array(z.uuid()).max(3).describe('One message template per channel; every treated member gets each'),
  startsAt: z.iso.datetime({ offset: true }).nullable().describe('When to launch (scheduled); null: launched by hand'),
  attributionDays: z.number().int().min(1).max(365),
  budgetFen: fen(),
  costPerMessageFen: fen(100_000),
  costPerRedemptionFen: fen(10_000_000),
  marginBp: z.number().int().min(0).max(10000).describe('Gross margin on revenue, basis points'),
  ownerId: z.uuid().nullable(),
};

export const createCampaignBody = z.strictObject({
  ...campaignFields,
  goalTarget: campaignFields.goalTarget.default(0),
  segmentId: campaignFields.segmentId.optional(),
  holdoutBp: campaignFields.holdoutBp.default(1000),
  offers: campaignFields.offers.default([]),
  templateIds: campaignFields.templateIds.default([]),
  startsAt: campaignFields.startsAt.optional(),
  attributionDays: campaignFields.attributionDays.default(30),
  budgetFen: campaignFields.budgetFen.default(0),
  costPerMessageFen: campaignFields.costPerMessageFen.default(0),
  costPerRedemptionFen: campaignFields.costPerRedemptionFen.default(0),
  marginBp: campaignFields.marginBp.default(3000),
  ownerId: campaignFields.ownerId.optional(),
});
export type CreateCampaignInput = z.infer<typeof createCampaignBody>;

export const updateCampaignBody = z.strictObject({
  name: campaignFields.name.optional(),
  description: campaignFields.description,
  goal: campaignFields.goal.optional(),
  goalTarget: campaignFields.goalTarget.optional(),
  segmentId: campaignFields.segmentId.optional(),
  holdoutBp: campaignFields.holdoutBp.optional(),
  offers: campaignFields.offers.optional(),
  templateIds: campaignFields.templateIds.optional(),
  startsAt: campaignFields.startsAt.optional(),
  attributionDays: campaignFields.attributionDays.optional(),
  budgetFen: campaignFields.budgetFen.optional(),
  costPerMessageFen: campaignFields.costPerMessageFen.optional(),
  costPerRedemptionFen: campaignFields.costPerRedemptionFen.optional(),
  marginBp: campaignFields.marginBp.optional(),
  ownerId: campaignFields.ownerId.optional(),
  version: z.number().int().min(1).describe('The version the edit started from (409 when it changed since)'),
});
export type UpdateCampaignInput = z.infer<typeof updateCampaignBody>;

export const campaignListQuery = z.strictObject({
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  ...pageQuery(100, 20),
});
export type CampaignListQuery = z.infer<typeof campaignListQuery>;

export const versionBody = z.strictObject({ version: z.number().int().min(1) });

export const redeemBody = z.strictObject({
  code: z.string().trim().min(1).max(40).describe('The coupon code (case, spaces and dashes ignored)'),
  customerId: z.uuid().optional().describe('Who redeems: required for a shared code; for a unique code it must be its owner'),
  orderFen: fen().optional().describe('The order amount (fen): a 满减 offer needs at least its threshold'),
  redeemedAt: z.iso.datetime({ offset: true }).optional().describe('When (default now)'),
});
export type RedeemInput = z.infer<typeof redeemBody>;

export const redemptionListQuery = z.strictObject({ ...pageQuery(200, 50) });

export const resultsQuery = z.strictObject({
  asOf: z.iso.datetime({ offset: true }).optional().describe('Figures as of this instant (default now, or the end of the window)'),
});

export const settingsBody = z.strictObject({
  approvalLimitFen: fen().describe('Budgets above this (fen) need approval by campaign:approve before launch'),
});

export const idParam = z.strictObject({ id: z.uuid() });
