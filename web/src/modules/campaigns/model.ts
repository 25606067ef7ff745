import dayjs, { type Dayjs } from 'dayjs';
import { inZone, zonedIso } from '../../platform/format';
import type { CampaignGoal, CampaignView, CodeMode, OfferKind } from './api';

/** One offer as the wizard edits it: money in yuan, shares in percent, dates as day pickers. */
export type OfferValues = {
  kind: OfferKind;
  name?: string;
  percentOffPct?: number | null;
  thresholdYuan?: number | null;
  discountYuan?: number | null;
  detail?: string | null;
  multiplier?: number | null;
  codeMode: CodeMode;
  sharedCode?: string | null;
  validFrom?: Dayjs | null;
  validTo?: Dayjs | null;
  perCustomerLimit?: number | null;
};

/** The wizard's form: the API's body in the units people type (yuan, %, points). */
export type WizardValues = {
  name?: string;
  description?: string | null;
  goal: CampaignGoal;
  /** Points of uplift for rates, yuan per head for spend per head (both ×100 in the API). */
  goalTarget?: number | null;
  segmentId?: string | null;
  holdoutPct?: number | null;
  offers?: OfferValues[];
  templateIds?: string[];
  launchMode: 'manual' | 'at';
  startsAt?: Dayjs | null;
  attributionDays?: number | null;
  budgetYuan?: number | null;
  costPerMessageYuan?: number | null;
  costPerRedemptionYuan?: number | null;
  marginPct?: number | null;
};

/** Which wizard step holds a form field (for jumping to a server error). */
export const STEP_OF: Record<string, number> = {
  name: 0,
  description: 0,
  goal: 0,
  goalTarget: 0,
  segmentId: 1,
  holdoutPct: 1,
  offers: 2,
  templateIds: 3,
  launchMode: 4,
  startsAt: 4,
  attributionDays: 4,
  budgetYuan: 4,
  costPerMessageYuan: 4,
  costPerRedemptionYuan: 4,
  marginPct: 4,
};

/** The API's field names → the wizard's (`offers.0.thresholdFen` → `offers.0.thresholdYuan`, `templateIds.1` → `templateIds`). */
export function formField(field: string): string {
  if (field.startsWith('templateIds')) return 'templateIds';
  return field
    .replace(/Fen$/, 'Yuan')
    .replace(/percentOffBp$/, 'percentOffPct')
    .replace(/^holdoutBp$/, 'holdoutPct')
    .replace(/^marginBp$/, 'marginPct')
    .replace(/multiplierX100$/, 'multiplier');
}

const toHundredths = (n: number | null | undefined) => (n == null ? null : Math.round(n * 100));
const fromHundredths = (n: number | null | undefined) => (n == null ? null : n / 100);
const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);

export const newOffer = (): OfferValues => ({ kind: 'threshold', codeMode: 'unique', perCustomerLimit: 1 });

export const DEFAULTS: WizardValues = {
  goal: 'repeat_purchase',
  goalTarget: 5,
  holdoutPct: 10,
  offers: [],
  templateIds: [],
  launchMode: 'manual',
  attributionDays: 30,
  budgetYuan: 0,
  costPerMessageYuan: 0,
  costPerRedemptionYuan: 0,
  marginPct: 30,
};

/** The request body (POST, or PATCH with the version) from the wizard's values. */
export function toBody(v: WizardValues) {
  return {
    name: v.name ?? '',
    description: v.description?.trim() || null,
    goal: v.goal,
    goalTarget: toHundredths(v.goalTarget) ?? 0,
    segmentId: v.segmentId ?? null,
    holdoutBp: toHundredths(v.holdoutPct) ?? 0,
    offers: (v.offers ?? []).map((o) => ({
      kind: o.kind,
      name: o.name ?? '',
      percentOffBp: o.kind === 'percent' ? toHundredths(o.percentOffPct) : null,
      thresholdFen: o.kind === 'threshold' ? toHundredths(o.thresholdYuan) : null,
      discountFen: o.kind === 'threshold' ? toHundredths(o.discountYuan) : null,
      detail: o.kind === 'gift' || o.kind === 'bundle' ? o.detail?.trim() || null : null,
      multiplierX100: o.kind === 'points_multiplier' ? toHundredths(o.multiplier) : null,
      codeMode: o.codeMode,
      sharedCode: o.codeMode === 'shared' ? o.sharedCode?.trim() || null : null,
      validFrom: day(o.validFrom),
      validTo: day(o.validTo),
      perCustomerLimit: o.perCustomerLimit ?? 1,
    })),
    templateIds: v.templateIds ?? [],
    startsAt: v.launchMode === 'at' && v.startsAt ? zonedIso(v.startsAt) : null,
    attributionDays: v.attributionDays ?? 30,
    budgetFen: toHundredths(v.budgetYuan) ?? 0,
    costPerMessageFen: toHundredths(v.costPerMessageYuan) ?? 0,
    costPerRedemptionFen: toHundredths(v.costPerRedemptionYuan) ?? 0,
    marginBp: toHundredths(v.marginPct) ?? 0,
  };
}

/** A saved campaign as the wizard's values. */
export function fromCampaign(c: CampaignView): WizardValues {
  return {
    name: c.name,
    description: c.description,
    goal: c.goal,
    goalTarget: fromHundredths(c.goalTarget),
    segmentId: c.segmentId,
    holdoutPct: fromHundredths(c.holdoutBp),
    offers: c.offers.map((o) => ({
      kind: o.kind,
      name: o.name,
      percentOffPct: fromHundredths(o.percentOffBp),
      thresholdYuan: fromHundredths(o.thresholdFen),
      discountYuan: fromHundredths(o.discountFen),
      detail: o.detail,
      multiplier: fromHundredths(o.multiplierX100),
      codeMode: o.codeMode,
      sharedCode: o.sharedCode,
      validFrom: o.validFrom ? dayjs(o.validFrom) : null,
      validTo: o.validTo ? dayjs(o.validTo) : null,
      perCustomerLimit: o.perCustomerLimit,
    })),
    templateIds: c.channels.map((ch) => ch.templateId),
    launchMode: c.startsAt ? 'at' : 'manual',
    startsAt: c.startsAt ? dayjs(inZone(c.startsAt).format('YYYY-MM-DDTHH:mm:ss')) : null,
    attributionDays: c.attributionDays,
    budgetYuan: fromHundredths(c.budgetFen),
    costPerMessageYuan: fromHundredths(c.costPerMessageFen),
    costPerRedemptionYuan: fromHundredths(c.costPerRedemptionFen),
    marginPct: fromHundredths(c.marginBp),
  };
}

/** Rates' goals are in points, spend per head in yuan. */
export const goalInYuan = (g: CampaignGoal) => g === 'spend_per_head';
