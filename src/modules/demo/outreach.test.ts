/**
 * The demo's outreach plan (outreach.ts): pure, scaled by the size and all before the as-of day. What a load of it
 * fills is checked in outreach.postgres.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { planActivity } from './activity.js';
import { household, planDemo } from './generator.js';
import { outreachVolume, planOutreach, type OutreachScript } from './outreach.js';

const horizonOf = (asOf: string) => Date.parse(`${asOf}T00:00:00Z`) - 8 * 3_600_000;
type Step = OutreachScript['step'];
const steps = (scripts: { kind: string }[], step: Step) => scripts.filter((s): s is OutreachScript => s.kind === 'outreach' && (s as OutreachScript).step === step);

describe('the demo outreach plan', () => {
  it('is the same for the same parameters and scales with the size', () => {
    const asOf = '2026-12-06';
    const a = planOutreach(planDemo({ seed: 5, size: 1200, asOf }), horizonOf(asOf));
    expect(JSON.stringify(planOutreach(planDemo({ seed: 5, size: 1200, asOf }), horizonOf(asOf)))).toBe(JSON.stringify(a));
    expect(JSON.stringify(planOutreach(planDemo({ seed: 6, size: 1200, asOf }), horizonOf(asOf)))).not.toBe(JSON.stringify(a));
    expect(outreachVolume(600)).toEqual({ surveyed: 60, respondents: 6, audience: 72, running: 30 });
    expect(outreachVolume(20_000)).toEqual({ surveyed: 2000, respondents: 180, audience: 2400, running: 1000 });
    const v = outreachVolume(1200);
    const survey = a.find((s): s is Extract<OutreachScript, { step: 'survey' }> => s.step === 'survey')!;
    expect(survey.customerIds.length).toBeGreaterThan(v.surveyed * 0.8);
    expect(new Set(survey.customerIds).size).toBe(survey.customerIds.length);
    expect(steps(a, 'answer').length).toBe(v.respondents);
    // A redemption is one of the audience's own service purchases, in the campaign's window.
    const plan = planDemo({ seed: 5, size: 1200, asOf });
    for (const r of steps(a, 'redeem')) {
      if (r.step !== 'redeem') continue;
      const list = a.find((x): x is Extract<OutreachScript, { step: 'campaign' }> => x.step === 'campaign' && x.key === r.key)!;
      const bought = household(plan, r.household).transactions.find((t) => t.id === r.transactionId)!;
      expect(list.audience).toContain(household(plan, r.household).customer.id);
      expect(bought).toMatchObject({ type: 'purchase', amountFen: r.amountFen, occurredAt: r.at });
      expect(r.at.getTime()).toBeGreaterThan(list.at.getTime());
    }
    expect(a.flatMap((s) => (s.step === 'campaign' ? [s.key] : []))).toEqual(['maintenance', 'winter']);
  });

  it('puts every script before the as-of day, each after what it needs, for any as-of day', () => {
    for (const asOf of ['2026-12-06', '2026-10-22', '2027-03-15', '2026-08-01']) {
      const plan = planDemo({ seed: 2, size: 800, asOf });
      const horizon = horizonOf(asOf);
      const scripts = planOutreach(plan, horizon);
      const at = (s: OutreachScript) => s.at.getTime();
      const first = (step: Step) => Math.min(...steps(scripts, step).map(at));
      const last = (step: Step) => Math.max(...steps(scripts, step).map(at));
      expect(scripts.every((s) => at(s) < horizon), asOf).toBe(true);
      // The marketer first; a send after its survey and before its answers; codes redeemed while the campaign runs.
      expect(Math.min(...scripts.map(at))).toBe(first('setup'));
      expect(first('survey')).toBeLessThan(first('survey_send'));
      expect(first('survey_send')).toBeLessThan(first('answer'));
      expect(first('campaign_launch')).toBeLessThan(first('redeem'));
      const maintenance = steps(scripts, 'redeem').filter((s) => s.step === 'redeem' && s.key === 'maintenance');
      expect(Math.max(...maintenance.map(at))).toBeLessThan(last('campaign_end'));
      expect(first('repair_survey')).toBeLessThan(first('repair_answers'));
      // The satisfaction survey goes out a month into a heating season that began before it.
      expect(new Date(first('survey') + 8 * 3_600_000).toISOString().slice(5, 16), asOf).toBe('11-19T10:00');
    }
  });

  it('takes its place in the whole history, sorted with the other scripts', () => {
    const plan = planDemo({ seed: 3, size: 600, asOf: '2026-12-06' });
    const all = planActivity(plan);
    const mine = all.filter((s) => s.kind === 'outreach');
    expect(mine.length).toBe(planOutreach(plan, horizonOf('2026-12-06')).length);
    for (let k = 1; k < all.length; k++) expect(all[k]!.at.getTime()).toBeGreaterThanOrEqual(all[k - 1]!.at.getTime());
  });
});
