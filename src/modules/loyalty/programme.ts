/**
 * The loyalty programme's settings (会员方案): tiers, earn rules, bonuses, expiry, referral rewards — one JSON value in
 * the settings table (`loyalty.programme`). Until an administrator saves one, the template's default answers: the
 * heating template's programme is on (1 point per yuan of heating fee paid before the season starts, 普通 / 银卡 /
 * 金卡 / 钻石 on points earned in 12 months), the blank template's is off. Pure helpers here compute what a rule gives
 * and when a lot expires; the ledger (ledger.ts) and earning (earn.ts) use them.
 */
import { z } from 'zod';
import type { DbOrTx } from '../../platform/db/client.js';
import { startOfDay } from '../../platform/time.js';
import { readCompanySettings, readSetting, writeSetting } from '../settings/index.js';
import { EXPIRY_POLICIES, GROWTH_BASES, type EarnRule, type Programme, type TierDef } from './loyalty.contract.js';

export const PROGRAMME_KEY = 'loyalty.programme';

const localText = (max: number) => z.strictObject({ zh: z.string().trim().min(1).max(max), en: z.string().trim().max(max) });
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'validation.invalid_format' });

const tierDef = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,29}$/, { message: 'validation.invalid_format' }),
  name: localText(30),
  threshold: z.number().int().min(0).max(1_000_000_000),
  keepThreshold: z.number().int().min(0).max(1_000_000_000),
  earnMultiplierX100: z.number().int().min(0).max(1000),
  benefits: z.strictObject({ zh: z.string().trim().max(500), en: z.string().trim().max(500) }),
});

const earnRule = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/, { message: 'validation.invalid_format' }),
  name: localText(40),
  transactionType: z.enum(['purchase', 'payment']),
  pointsPerYuanX100: z.number().int().min(0).max(100_000),
  beforeMonthDay: monthDay.nullable(),
});

/** The programme as an administrator saves it: checked field by field, then as a whole (tiers ascending, keys unique). */
export const programmeBody = z
  .strictObject({
    enabled: z.boolean(),
    enrolment: z.enum(['all', 'manual']),
    growthBase: z.enum(GROWTH_BASES),
    tiers: z.array(tierDef).min(1).max(10),
    earnRules: z.array(earnRule).max(20),
    birthdayMultiplierX100: z.number().int().min(100).max(1000),
    birthdayCalendar: z.enum(['solar', 'lunar']),
    surveyPoints: z.number().int().min(0).max(100_000),
    feedbackPoints: z.number().int().min(0).max(100_000),
    expiryPolicy: z.enum(EXPIRY_POLICIES),
    expiryMonths: z.number().int().min(1).max(120),
    pointValueFen: z.number().int().min(0).max(10_000),
    adjustApprovalLimit: z.number().int().min(0).max(100_000_000),
    reviewMonthDay: monthDay,
    referral: z.strictObject({
      referrerPoints: z.number().int().min(0).max(1_000_000),
      refereePoints: z.number().int().min(0).max(1_000_000),
      monthlyCap: z.number().int().min(0).max(1000),
    }),
  })
  .superRefine((p, ctx) => {
    const keys = new Set<string>();
    p.tiers.forEach((t, i) => {
      if (keys.has(t.key)) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'key'], message: 'loyalty.tier_key_taken' });
      keys.add(t.key);
      if (i === 0 && t.threshold !== 0) ctx.addIssue({ code: 'custom', path: ['tiers', 0, 'threshold'], message: 'loyalty.first_tier_zero' });
      if (i > 0 && t.threshold <= p.tiers[i - 1]!.threshold) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'threshold'], message: 'loyalty.tiers_ascending' });
      if (t.keepThreshold > t.threshold) ctx.addIssue({ code: 'custom', path: ['tiers', i, 'keepThreshold'], message: 'loyalty.keep_above_threshold' });
    });
    const ids = new Set<string>();
    p.earnRules.forEach((r, i) => {
      if (ids.has(r.id)) ctx.addIssue({ code: 'custom', path: ['earnRules', i, 'id'], message: 'loyalty.rule_id_taken' });
      ids.add(r.id);
    });
  });

const HEATING_TIERS: TierDef[] = [
  { key: 'regular', name: { zh: '普通会员', en: 'Member' }, threshold: 0, keepThreshold: 0, earnMultiplierX100: 100, benefits: { zh: '积分兑换礼品和服务券', en: 'Redeem points for gifts and service vouchers' } },
  { key: 'silver', name: { zh: '银卡会员', en: 'Silver' }, threshold: 2000, keepThreshold: 1500, earnMultiplierX100: 110, benefits: { zh: '积分 1.1 倍；报修优先派单', en: '1.1× points; repairs dispatched first' } },
  { key: 'gold', name: { zh: '金卡会员', en: 'Gold' }, threshold: 5000, keepThreshold: 4000, earnMultiplierX100: 120, benefits: { zh: '积分 1.2 倍；每年免费管道检查一次', en: '1.2× points; a free pipe check every year' } },
  { key: 'diamond', name: { zh: '钻石会员', en: 'Diamond' }, threshold: 10000, keepThreshold: 8000, earnMultiplierX100: 150, benefits: { zh: '积分 1.5 倍；专属客户经理；换季上门检修', en: '1.5× points; a dedicated account manager; a seasonal home check' } },
];

const HEATING_RULES: EarnRule[] = [
  { id: 'early-heating-fee', name: { zh: '采暖费提前缴纳', en: 'Heating fee paid early' }, transactionType: 'payment', pointsPerYuanX100: 100, beforeMonthDay: '11-15' },
  { id: 'services', name: { zh: '维修与服务消费', en: 'Repairs and services' }, transactionType: 'purchase', pointsPerYuanX100: 100, beforeMonthDay: null },
];

export function defaultProgramme(template: string): Programme {
  return {
    enabled: template === 'heating',
    enrolment: 'all',
    growthBase: 'points',
    tiers: HEATING_TIERS,
    earnRules: HEATING_RULES,
    birthdayMultiplierX100: 200,
    birthdayCalendar: 'solar',
    surveyPoints: 50,
    feedbackPoints: 20,
    expiryPolicy: 'end_of_following_year',
    expiryMonths: 24,
    pointValueFen: 1,
    adjustApprovalLimit: 1000,
    reviewMonthDay: '01-01',
    referral: { referrerPoints: 500, refereePoints: 200, monthlyCap: 5 },
  };
}

export async function readProgramme(db: DbOrTx): Promise<Programme> {
  const saved = await readSetting<Programme>(db, PROGRAMME_KEY);
  if (saved) return saved;
  return defaultProgramme((await readCompanySettings(db)).template);
}

export async function writeProgramme(db: DbOrTx, programme: Programme): Promise<void> {
  await writeSetting(db, PROGRAMME_KEY, programme);
}

/** "Never" expires: far enough that no run reaches it, and a real timestamp (lots keep a non-null expiry). */
export const NEVER = new Date(Date.UTC(9999, 11, 31));

/**
 * When a lot credited on the company day `day` (YYYY-MM-DD) expires: the start of the following year's last day's
 * next day (i.e. end of next year), or the end of the month N months on, in the company's zone.
 */
export function expiryOf(p: Pick<Programme, 'expiryPolicy' | 'expiryMonths'>, zone: string, day: string): Date {
  const [y, m] = day.split('-').map(Number) as [number, number];
  if (p.expiryPolicy === 'never') return NEVER;
  if (p.expiryPolicy === 'end_of_following_year') return startOfDay(zone, y + 2, 1, 1);
  const months = m - 1 + p.expiryMonths + 1; // the first day of the month after the N-th month on
  return startOfDay(zone, y + Math.floor(months / 12), (months % 12) + 1, 1);
}

export function tierOf(p: Programme, key: string): TierDef {
  return p.tiers.find((t) => t.key === key) ?? p.tiers[0]!;
}

/** The highest tier whose threshold the growth reaches. */
export function tierForGrowth(p: Programme, growth: number): TierDef {
  let best = p.tiers[0]!;
  for (const t of p.tiers) if (growth >= t.threshold) best = t;
  return best;
}

/** The highest tier whose keep threshold the growth reaches (the yearly review keeps a member there, at most at the current tier). */
export function tierKeptAt(p: Programme, current: string, growth: number): TierDef {
  const index = Math.max(0, p.tiers.findIndex((t) => t.key === current));
  for (let i = index; i > 0; i--) if (growth >= p.tiers[i]!.keepThreshold) return p.tiers[i]!;
  return p.tiers[0]!;
}

export const tierRank = (p: Programme, key: string) => Math.max(0, p.tiers.findIndex((t) => t.key === key));

/**
 * The rule a transaction earns by: the first of the programme's rules of its type whose deadline it meets. The
 * deadline is the rule's month-day in the heating season's first year (a fee for 2025-2026 paid by 2025-11-15), or in
 * the transaction's own year when it names no season. `day` is the transaction's company day.
 */
export function ruleFor(p: Programme, t: { type: string; heatingSeason: string | null; day: string }): EarnRule | null {
  for (const r of p.earnRules) {
    if (r.transactionType !== t.type || r.pointsPerYuanX100 <= 0) continue;
    if (r.beforeMonthDay) {
      const year = t.heatingSeason ? t.heatingSeason.slice(0, 4) : t.day.slice(0, 4);
      if (t.day > `${year}-${r.beforeMonthDay}`) continue;
    }
    return r;
  }
  return null;
}

/** Base points of an amount by a rule (whole points, rounded down), then the tier's multiplier (rounded down). */
export function basePoints(amountFen: number, rule: EarnRule, tier: TierDef): number {
  const base = Math.floor((amountFen * rule.pointsPerYuanX100) / 10_000);
  return Math.floor((base * tier.earnMultiplierX100) / 100);
}
