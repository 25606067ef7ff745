import { describe, expect, it } from 'vitest';
import type { ServqualAnswer } from './definition.js';
import { cesOf, cesOfScores, csatOf, csatOfScores, npsOf, npsOfScores, responseRate, servqualOf, servqualSumsOf, tally, wilson95 } from './stats.js';

describe('survey stats: NPS', () => {
  it('counts promoters, passives and detractors and gives the score with its interval', () => {
    // [10,10,9,9,8,7,6,3,0,10]: promoters 10,10,9,9,10 = 5; passives 8,7 = 2; detractors 6,3,0 = 3; n = 10
    // NPS = 50% − 30% = 20
    // var = (0.5 + 0.3 − (0.5 − 0.3)²) / 10 = (0.8 − 0.04) / 10 = 0.076; sd = √0.076 = 0.275681
    // half-width = 1.96 · 0.275681 = 0.540335 → 54.0335 points → [−34.0335, 74.0335]
    const r = npsOfScores([10, 10, 9, 9, 8, 7, 6, 3, 0, 10]);
    expect({ n: r.n, promoters: r.promoters, passives: r.passives, detractors: r.detractors }).toEqual({ n: 10, promoters: 5, passives: 2, detractors: 3 });
    expect(r.nps).toBeCloseTo(20, 10);
    expect(r.ci95![0]).toBeCloseTo(-34.0325, 4); // 20 − 1.959964 · √0.076 · 100
    expect(r.ci95![1]).toBeCloseTo(74.0325, 4);
    // the same from counts of 0..10
    expect(npsOf([1, 0, 0, 1, 0, 0, 1, 1, 1, 2, 3])).toEqual(r);
  });

  it('gives nulls for no answers and a point interval when everyone promotes (variance 0)', () => {
    expect(npsOf(new Array(11).fill(0))).toEqual({ n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, ci95: null });
    // all promoters: p_pro = 1, p_det = 0 → var = (1 − 1²)/n = 0 → [100, 100]
    expect(npsOfScores([9, 10, 10])).toMatchObject({ nps: 100, ci95: [100, 100] });
    expect(npsOfScores([0, 6])).toMatchObject({ nps: -100, ci95: [-100, -100] });
    // all passives: var = 0 too, NPS 0
    expect(npsOfScores([7, 8])).toMatchObject({ nps: 0, ci95: [0, 0] });
  });

  it('clamps the interval to −100..100', () => {
    // 9 promoters, 1 detractor: NPS 80; var = (0.9 + 0.1 − 0.64)/10 = 0.036; half = 1.959964·√0.036 = 0.371877 → [42.81, 117.19] → hi 100
    const r = npsOfScores([10, 10, 10, 10, 10, 10, 10, 10, 10, 0]);
    expect(r.nps).toBeCloseTo(80, 10);
    expect(r.ci95![0]).toBeCloseTo(42.8123, 3);
    expect(r.ci95![1]).toBe(100);
  });

  it('refuses counts of the wrong length and scores off the scale', () => {
    expect(() => npsOf([1, 2, 3])).toThrow(RangeError);
    expect(() => npsOfScores([11])).toThrow(RangeError);
    expect(() => tally([2.5], 1, 5)).toThrow(RangeError);
    expect(() => csatOf([1, 1, -1, 0, 0])).toThrow(RangeError);
  });
});

describe('survey stats: CSAT and CES', () => {
  it('gives CSAT as the share of 4–5 and as the mean, with a Wilson interval for the share', () => {
    // counts 1..5 = [1, 1, 2, 3, 3], n = 10; satisfied = 3 + 3 = 6 → 60%
    // mean = (1·1 + 1·2 + 2·3 + 3·4 + 3·5)/10 = (1 + 2 + 6 + 12 + 15)/10 = 3.6
    // Wilson, p = 0.6, z² = 3.8416: denominator = 1 + 3.8416/10 = 1.38416
    // centre = (0.6 + 3.8416/20)/1.38416 = 0.79208/1.38416 = 0.572246
    // half = 1.96·√(0.6·0.4/10 + 3.8416/400)/1.38416 = 1.96·√0.033604/1.38416 = 0.259576 → [31.2670, 83.1822]
    const r = csatOf([1, 1, 2, 3, 3]);
    expect(r.n).toBe(10);
    expect(r.satisfied).toBe(6);
    expect(r.satisfiedShare).toBeCloseTo(60, 10);
    expect(r.mean).toBeCloseTo(3.6, 10);
    expect(r.ci95![0]).toBeCloseTo(31.267, 3);
    expect(r.ci95![1]).toBeCloseTo(83.1822, 3);
    expect(csatOfScores([1, 2, 3, 3, 4, 4, 4, 5, 5, 5])).toEqual(r);
    expect(csatOf([0, 0, 0, 0, 0])).toEqual({ n: 0, satisfied: 0, satisfiedShare: null, mean: null, ci95: null });
  });

  it("keeps Wilson's interval inside 0–100 at the extremes", () => {
    // 10 of 10 (z = 1.959964): centre = (10 + 1.92073)/13.84146 = 0.861234, half = z·√0.960365/13.84146 = 0.138766 → [72.247, 100]
    expect(wilson95(10, 10)![0]).toBeCloseTo(72.2467, 3);
    expect(wilson95(10, 10)![1]).toBeCloseTo(100, 10);
    expect(wilson95(0, 10)![0]).toBe(0);
    expect(wilson95(0, 10)![1]).toBeCloseTo(27.7533, 3);
    expect(wilson95(0, 0)).toBeNull();
  });

  it('gives CES as the mean and the share of 5–7', () => {
    // counts 1..7 = [0, 1, 0, 2, 3, 3, 1], n = 10; mean = (2 + 8 + 15 + 18 + 7)/10 = 5; easy = 3 + 3 + 1 = 7 → 70%
    const r = cesOf([0, 1, 0, 2, 3, 3, 1]);
    expect(r.n).toBe(10);
    expect(r.mean).toBeCloseTo(5, 10);
    expect(r.easyShare).toBeCloseTo(70, 10);
    expect(cesOfScores([2, 4, 4, 5, 5, 5, 6, 6, 6, 7])).toEqual(r);
    expect(cesOf([0, 0, 0, 0, 0, 0, 0])).toEqual({ n: 0, mean: null, easyShare: null });
  });
});

describe('survey stats: SERVQUAL', () => {
  const items = [
    { id: 'r1', dimension: 'reliability' as const },
    { id: 'r2', dimension: 'reliability' as const },
    { id: 'e1', dimension: 'empathy' as const },
    { id: 'e2', dimension: 'empathy' as const },
  ];
  // r1: E = 24/4 = 6,   P = 20/4 = 5,   gap −1
  // r2: E = 26/4 = 6.5, P = 18/4 = 4.5, gap −2
  // e1: E = 10/2 = 5,   P = 11/2 = 5.5, gap +0.5
  // e2: E = 12/2 = 6,   P = 11/2 = 5.5, gap −0.5
  // reliability gap = (−1 − 2)/2 = −1.5; empathy gap = (0.5 − 0.5)/2 = 0; unweighted = (−1.5 + 0)/2 = −0.75
  const sums = [
    { itemId: 'r1', n: 4, sumE: 24, sumP: 20 },
    { itemId: 'r2', n: 4, sumE: 26, sumP: 18 },
    { itemId: 'e1', n: 2, sumE: 10, sumP: 11 },
    { itemId: 'e2', n: 2, sumE: 12, sumP: 11 },
  ];

  it('gives item, dimension and overall gaps, unweighted', () => {
    const r = servqualOf(items, sums);
    expect(r.items.map((i) => [i.id, i.expectation, i.perception, i.gap])).toEqual([
      ['r1', 6, 5, -1],
      ['r2', 6.5, 4.5, -2],
      ['e1', 5, 5.5, 0.5],
      ['e2', 6, 5.5, -0.5],
    ]);
    const byDim = Object.fromEntries(r.dimensions.map((d) => [d.dimension, d]));
    expect(byDim.reliability).toMatchObject({ items: 2, expectation: 6.25, perception: 4.75, gap: -1.5, weight: null });
    expect(byDim.empathy).toMatchObject({ items: 2, expectation: 5.5, perception: 5.5, gap: 0, weight: null });
    expect(byDim.tangibles).toMatchObject({ items: 0, gap: null });
    expect(r.gap).toBeCloseTo(-0.75, 10);
    expect(r.weightedGap).toBeNull();
  });

  it('weighs the dimension gaps by importance points', () => {
    // weights reliability 60, empathy 40 (others 0): (60·(−1.5) + 40·0)/100 = −0.9
    const r = servqualOf(items, sums, { reliability: 60, empathy: 40, tangibles: 0, responsiveness: 0, assurance: 0 });
    expect(r.weightedGap).toBeCloseTo(-0.9, 10);
    expect(r.gap).toBeCloseTo(-0.75, 10);
    // dimensions without answers: the others' weights rescaled, (32·(−1.5) + 16·0)/(32 + 16) = −1
    const partial = servqualOf(items, sums, { reliability: 32, responsiveness: 22, assurance: 19, empathy: 16, tangibles: 11 });
    expect(partial.weightedGap).toBeCloseTo(-1, 10);
  });

  it('sums cleaned answers per item and treats unanswered items as empty', () => {
    const answers: ServqualAnswer[] = [
      { r1: { e: 7, p: 5 }, e1: { e: 5, p: 6 } },
      { r1: { e: 5, p: 5 } },
    ];
    const s = servqualSumsOf(items, answers);
    expect(s).toEqual([
      { itemId: 'r1', n: 2, sumE: 12, sumP: 10 },
      { itemId: 'r2', n: 0, sumE: 0, sumP: 0 },
      { itemId: 'e1', n: 1, sumE: 5, sumP: 6 },
      { itemId: 'e2', n: 0, sumE: 0, sumP: 0 },
    ]);
    // r1 gap = 5 − 6 = −1 (reliability −1); e1 gap = 6 − 5 = +1 (empathy +1); unweighted 0
    const r = servqualOf(items, s);
    expect(r.items[1]).toMatchObject({ n: 0, gap: null });
    expect(r.gap).toBeCloseTo(0, 10);
    expect(servqualOf(items, []).gap).toBeNull();
  });
});

describe('survey stats: response rate', () => {
  it('gives responses per invitation in percent, null when nobody was invited', () => {
    expect(responseRate(200, 50)).toBe(25);
    expect(responseRate(3, 1)).toBeCloseTo(33.3333, 3);
    expect(responseRate(0, 0)).toBeNull();
  });
});
