/**
 * The demo's content plan (content.ts): deterministic, scaled by the size, played at the end of the history. What a
 * load of it fills is checked in content.postgres.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { planActivity } from './activity.js';
import { duplicateVolume, importFile, importFileName, planContent, type ContentScript } from './content.js';
import { household, planDemo } from './generator.js';

const AS_OF = '2026-12-06';
const horizonOf = (asOf: string) => Date.parse(`${asOf}T00:00:00Z`) - 8 * 3_600_000;

describe('the demo content plan', () => {
  it('is deterministic, scaled by size, and ends the history in its order', () => {
    const plan = planDemo({ seed: 5, size: 1200, asOf: AS_OF });
    const a = planContent(plan, horizonOf(AS_OF));
    expect(JSON.stringify(planContent(planDemo({ seed: 5, size: 1200, asOf: AS_OF }), horizonOf(AS_OF)))).toBe(JSON.stringify(a));
    expect(JSON.stringify(planContent(planDemo({ seed: 6, size: 1200, asOf: AS_OF }), horizonOf(AS_OF)))).not.toBe(JSON.stringify(a));
    expect([duplicateVolume(300), duplicateVolume(20_000), duplicateVolume(1_000_000)]).toEqual([4, 10, 12]);
    const dups = a.filter((x) => x.step === 'duplicate');
    expect(dups.length).toBe(4);
    expect(new Set(dups.map((x) => x.step === 'duplicate' && x.how))).toEqual(new Set(['phone', 'name_address']));
    // Duplicates of households that existed by then; everything but the closing four before the as-of day.
    for (const d of dups) if (d.step === 'duplicate') expect(household(plan, d.household).customer.createdAt.getTime()).toBeLessThan(d.at.getTime());
    const scripts = planActivity(plan);
    const index = (step: ContentScript['step']) => scripts.findIndex((x) => x.kind === 'content' && x.step === step);
    const closing = (['segments', 'analytics', 'refresh', 'goals', 'training'] as const).map(index);
    expect(closing).toEqual([...closing].sort((x, y) => x - y));
    // After every script of the history (the loyalty upkeep at the as-of day's start included).
    expect(Math.max(...scripts.filter((x) => x.kind !== 'content').map((x) => scripts.indexOf(x)))).toBeLessThan(closing[0]!);
    expect(scripts.filter((x) => x.kind === 'content' && !['segments', 'analytics', 'refresh', 'goals', 'training'].includes(x.step)).every((x) => x.at.getTime() < horizonOf(AS_OF))).toBe(true);
  });

  it("writes an import file with the developer's households, three faulty rows and one known household", () => {
    const plan = planDemo({ seed: 5, size: 1200, asOf: AS_OF });
    const file = importFile(plan);
    expect(importFile(planDemo({ seed: 5, size: 1200, asOf: AS_OF }))).toBe(file);
    const rows = file.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));
    expect(rows[0]![0]).toBe('户号');
    expect(rows.length - 1).toBe(16);
    expect(importFileName(plan)).toBe('2026年新接网住户名单.csv');
  });
});
