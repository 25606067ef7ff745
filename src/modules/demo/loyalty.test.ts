/**
 * The demo's loyalty scripts as planned (pure): deterministic, scaled by size, the earning ranges covering every
 * customer id once and played first, the history at moments before the as-of day, the upkeep last. What playing them
 * stores is checked with the demo load (demo.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { planActivity } from './activity.js';
import { planDemo } from './generator.js';
import { loyaltyVolume, planLoyalty, programmeStart, uuidAt, type LoyaltyScript } from './loyalty.js';

const AS_OF = '2026-12-06';
const horizonOf = (asOf: string) => Date.parse(`${asOf}T00:00:00Z`) - 8 * 3_600_000;

describe('the demo loyalty plan', () => {
  it('is the same for the same parameters and scales with the size', () => {
    const plan = planDemo({ seed: 5, size: 1200, asOf: AS_OF });
    const a = planLoyalty(plan, horizonOf(AS_OF));
    expect(JSON.stringify(planLoyalty(planDemo({ seed: 5, size: 1200, asOf: AS_OF }), horizonOf(AS_OF)))).toBe(JSON.stringify(a));
    expect(JSON.stringify(planLoyalty(planDemo({ seed: 6, size: 1200, asOf: AS_OF }), horizonOf(AS_OF)))).not.toBe(JSON.stringify(a));
    expect(loyaltyVolume(300)).toEqual({ redemptions: 10, referrals: 4, adjustments: 5 });
    expect(loyaltyVolume(20_000)).toEqual({ redemptions: 200, referrals: 20, adjustments: 5 });
    expect(loyaltyVolume(1_000_000)).toEqual({ redemptions: 500, referrals: 60, adjustments: 20 });
    const step = (s: LoyaltyScript['step']) => a.filter((x) => x.step === s);
    expect(step('earn').length).toBe(5);
    expect(step('redeem').length).toBe(12);
    expect(step('redeem').filter((x) => x.step === 'redeem' && x.cancelAt).length).toBe(1);
    expect(step('refer').length).toBe(5);
    expect(step('refer').filter((x) => x.step === 'refer' && x.samePhone).length).toBe(1);
    expect(step('adjust').filter((x) => x.step === 'adjust' && x.points > 1000).length).toBe(1);
    expect(step('upkeep').map((x) => x.at.getTime())).toEqual([horizonOf(AS_OF)]);
  });

  it('earns over ranges that cover the uuid space once, before any other script, since 1 January of the year before last', () => {
    expect(uuidAt(0, 4)).toBe('00000000-0000-0000-0000-000000000000');
    expect(uuidAt(1, 4)).toBe('40000000-0000-0000-0000-000000000000');
    expect(uuidAt(3, 4)).toBe('c0000000-0000-0000-0000-000000000000');
    expect(new Date(programmeStart(horizonOf(AS_OF))).toISOString()).toBe('2023-12-31T16:00:00.000Z');
    const plan = planDemo({ seed: 5, size: 2600, asOf: AS_OF });
    const scripts = planActivity(plan);
    const earn = scripts.filter((x): x is Extract<LoyaltyScript, { step: 'earn' }> => x.kind === 'loyalty' && x.step === 'earn');
    expect(earn.map((x) => x.part)).toEqual([...Array(11).keys()]);
    expect(scripts.slice(0, 12).map((x) => (x.kind === 'loyalty' ? x.step : x.kind))).toEqual(['setup', ...Array(11).fill('earn')]);
    // Everything else happens before the as-of day; a referee pays after joining.
    const horizon = horizonOf(AS_OF);
    const rest = scripts.filter((x) => x.kind === 'loyalty' && x.step !== 'upkeep');
    expect(rest.every((x) => x.at.getTime() < horizon)).toBe(true);
    for (const pay of scripts.filter((x) => x.kind === 'loyalty' && x.step === 'referee_pays')) {
      const joined = scripts.find((x) => x.kind === 'loyalty' && x.step === 'refer' && pay.kind === 'loyalty' && pay.step === 'referee_pays' && x.k === pay.k)!;
      expect(scripts.indexOf(joined)).toBeLessThan(scripts.indexOf(pay));
    }
    // The upkeep closes the history before the as-of day (only the content's closing scripts, content.ts, follow it).
    expect(scripts.filter((x) => x.at.getTime() <= horizon).at(-1)).toMatchObject({ kind: 'loyalty', step: 'upkeep' });
  });
});
