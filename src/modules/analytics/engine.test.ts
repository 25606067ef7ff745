import { describe, expect, it } from 'vitest';
import type { AnalyticsSettings } from './analytics.contract.js';
import { DEFAULT_SETTINGS } from './analytics.types.js';
import { midRanks, quintiles, rfmGroup } from './engine.js';
import { Population } from './engine.population.js';
import { scorecard } from './engine.value.js';

describe('analytics engine: ranks and groups', () => {
  it('gives mid-ranks with ties sharing one rank, whatever the order of the values', () => {
    const values = Float64Array.from([5, 1, 3, 3, 3, 9, 1, 7]);
    // sorted: 1 1 3 3 3 5 7 9; mid-rank = (values below + half of the equal ones) / 8
    const expected = [5.5, 1, 3.5, 3.5, 3.5, 7.5, 1, 6.5].map((r) => r / 8);
    expect(Array.from(midRanks(values))).toEqual(expected);
    expect(Array.from(midRanks(Float64Array.from([4, 4, 4, 4])))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('scores quintiles 1–5 (ties share a score; lower is better when asked)', () => {
    const values = Float64Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(Array.from(quintiles(values))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(Array.from(quintiles(values, false))).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(Array.from(quintiles(Float64Array.from([0, 0, 0, 0, 100])))).toEqual([3, 3, 3, 3, 5]);
  });

  it('names the eight RFM groups from high/low R, F and M', () => {
    expect([rfmGroup(5, 5, 5), rfmGroup(5, 1, 5), rfmGroup(1, 5, 5), rfmGroup(1, 1, 5)]).toEqual(['important_value', 'important_develop', 'important_keep', 'important_retain']);
    expect([rfmGroup(5, 5, 1), rfmGroup(5, 1, 1), rfmGroup(1, 5, 1), rfmGroup(1, 1, 1)]).toEqual(['general_value', 'general_develop', 'general_keep', 'general_retain']);
  });
});

describe('value scorecard: another module\'s input (the NPS for word of mouth)', () => {
  // Five customers with equal spend; customers 0–2 answered NPS 10, 6 and 0; 3 and 4 never answered.
  const n = 5;
  const p = new Population(n);
  p.n = n;
  p.monetary.set([100, 200, 300, 400, 500]);
  const rfm = { recencyDays: new Int32Array(n).fill(10), tenureDays: new Int32Array(n).fill(400) };
  const base = { rfm, clvFormula: new Float64Array(n), purchase: { pAlive: new Float64Array(n), clvService: new Float64Array(n) }, contract: { clvContract: new Float64Array(n) } };
  const nps = Float64Array.from([10, 6, 0, NaN, NaN]);
  const external = new Map([['surveys.nps', nps]]);
  const settings = (npsWeight: number): AnalyticsSettings => ({
    ...DEFAULT_SETTINGS,
    indicators: [
      { key: 'monetary', labelZh: '消费额', labelEn: 'Spend', kind: 'economic', metric: 'monetary', weight: 50 },
      { key: 'nps', labelZh: '净推荐值', labelEn: 'NPS', kind: 'wordOfMouth', metric: 'input', field: 'surveys.nps', weight: npsWeight },
    ],
  });
  const tick = async () => {};

  it('ranks the answers among those who answered; the others score 0; a weight of 0 shows word of mouth without moving the value score', async () => {
    const s = await scorecard(p, settings(0), { ...base, external }, tick);
    // Three answers: mid-ranks 2.5/3, 1.5/3, 0.5/3 — a detractor among three answers is not above the households that never answered.
    expect(Array.from(s.indicatorScores[1]!)).toEqual([83.3, 50, 16.7, 0, 0].map(Math.fround));
    expect(Array.from(s.kinds.wordOfMouth)).toEqual([83.3, 50, 16.7, 0, 0].map(Math.fround));
    expect(Array.from(s.valueScore)).toEqual(Array.from(s.indicatorScores[0]!));
    const weighted = await scorecard(p, settings(50), { ...base, external }, tick);
    expect(Array.from(weighted.valueScore)).toEqual([46.7, 40, 33.3, 35, 45].map(Math.fround));
    // Without the input loaded (no module registered it) everyone scores 0 on it.
    const none = await scorecard(p, settings(50), base, tick);
    expect(Array.from(none.indicatorScores[1]!)).toEqual([0, 0, 0, 0, 0]);
  });
});
