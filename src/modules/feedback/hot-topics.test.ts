/**
 * The hot-topic rule on its own (no database): the windows on the company's calendar; a steady background over five
 * weeks with 漏水 at its normal rate raises no alert on any day of the last week, and a burst of 漏水 items injected
 * this morning raises one within the hour (and it still stands a day later); the minimum count, the z guard, a new
 * topic, and too little history.
 */
import { describe, expect, it } from 'vitest';
import { HOT_TOPIC_RULE } from './analysis.contract.js';
import { countTopics, detectHotTopics, hotTopicWindows } from './hot-topics.js';
import { rng } from './text/train/linear.js';

const ZONE = 'Asia/Shanghai';
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}+08:00`);

/** Categories of the heating template with their normal shares: 漏水 is 5 % of the feedback. */
const MIX: [string, number][] = [
  ['室温不达标', 0.4],
  ['缴费问题', 0.2],
  ['服务态度', 0.12],
  ['维修效率', 0.12],
  ['噪音异响', 0.06],
  ['漏水', 0.05],
  ['其他', 0.05],
];

/** 40 items a day from `first` to `last` (company days), between 08:00 and 20:00, categories drawn from MIX. */
function background(first: string, last: string, seed = 7): { at: Date; keys: string[] }[] {
  const random = rng(seed);
  const out: { at: Date; keys: string[] }[] = [];
  for (let d = new Date(`${first}T00:00:00+08:00`); d <= new Date(`${last}T00:00:00+08:00`); d = new Date(d.getTime() + 86_400_000)) {
    for (let i = 0; i < 40; i++) {
      let r = random();
      const category = MIX.find(([, p]) => (r -= p) < 0)?.[0] ?? '其他';
      out.push({ at: new Date(d.getTime() + (8 + (12 * i) / 40) * 3_600_000), keys: [`category:${category}`] });
    }
  }
  return out;
}

const detect = (items: { at: Date; keys: string[] }[], now: Date) => detectHotTopics(countTopics(items.filter((i) => i.at <= now), hotTopicWindows(now, ZONE)));

describe('hot topics: the rule', () => {
  it('the window is the last 7 company days ending now, the baseline the 4 weeks before', () => {
    const w = hotTopicWindows(bj('2026-11-18 01:30'), ZONE);
    expect(w.today).toBe('2026-11-18'); // 01:30 in Shanghai is still the 17th in UTC
    expect(w.current).toMatchObject({ from: '2026-11-12', to: '2026-11-18' });
    expect(w.current.start.toISOString()).toBe(bj('2026-11-12 00:00').toISOString());
    expect(w.current.end.toISOString()).toBe(bj('2026-11-18 01:30').toISOString());
    expect(w.weeks.map((k) => [k.from, k.to])).toEqual([
      ['2026-11-05', '2026-11-11'],
      ['2026-10-29', '2026-11-04'],
      ['2026-10-22', '2026-10-28'],
      ['2026-10-15', '2026-10-21'],
    ]);
    expect(w.weeks[0]!.end.toISOString()).toBe(w.current.start.toISOString());
    expect(w.weeks[3]!.start.toISOString()).toBe(bj('2026-10-15 00:00').toISOString());
  });

  it('a burst of 漏水 items into a steady background: no alert on the background, an alert within a day of the burst', () => {
    // Five weeks of steady background (40 a day, 漏水 at its normal 5 %), up to and including today.
    const items = background('2026-10-14', '2026-11-18');
    // Not on the steady background: checked at noon on each of the last seven days, and this morning.
    for (const day of ['12', '13', '14', '15', '16', '17', '18']) expect(detect(items, bj(`2026-11-${day} 12:00`)), `11-${day}`).toEqual([]);
    expect(detect(items, bj('2026-11-18 09:00'))).toEqual([]);

    // A pipe bursts in a compound: 20 漏水 items between 09:00 and 10:00 today.
    for (let i = 0; i < 20; i++) items.push({ at: new Date(bj('2026-11-18 09:00').getTime() + i * 3 * 60_000), keys: ['category:漏水'] });
    expect(detect(items, bj('2026-11-18 08:59'))).toEqual([]); // before the burst: nothing
    const at = bj('2026-11-18 10:30'); // half an hour after it: the alert stands
    const hot = detect(items, at);
    expect(hot.map((h) => h.key)).toEqual(['category:漏水']);
    const leak = hot[0]!;
    const counts = countTopics(items.filter((i) => i.at <= at), hotTopicWindows(at, ZONE));
    const inWindow = counts.topics.find((t) => t.key === 'category:漏水')!.current;
    expect(leak.count).toBe(inWindow);
    expect(leak.share).toBeCloseTo(inWindow / counts.currentTotal, 10);
    expect(leak.baselineShare).toBeGreaterThan(0.03);
    expect(leak.baselineShare).toBeLessThan(0.07);
    expect(leak.ratio!).toBeGreaterThanOrEqual(HOT_TOPIC_RULE.minRatio);
    // A day later it still stands (the burst is in the 7-day window), and nothing else joined it.
    expect(detect(items, bj('2026-11-19 09:00')).map((h) => h.key)).toEqual(['category:漏水']);
  });

  it('needs the minimum count, the ratio and the z guard; a new topic needs only the count and z; little history: nothing', () => {
    const base = { currentTotal: 100, baselineTotals: [100, 100, 100, 100] };
    const topic = (key: string, current: number, baseline: number[]) => ({ key, current, baseline });
    const hot = detectHotTopics({
      ...base,
      topics: [
        topic('four-new', 4, [0, 0, 0, 0]), // below the minimum count
        topic('five-new', 5, [0, 0, 0, 0]), // new in the window: hot on count and z alone
        topic('steady', 20, [20, 19, 21, 20]),
        topic('noisy', 5, [2, 2, 2, 2]), // ×2.5 but only 2.1 standard deviations above the expected 2
        topic('tripled', 30, [10, 10, 10, 10]),
      ],
    });
    expect(hot.map((h) => [h.key, h.ratio === null ? null : Math.round(h.ratio * 1000) / 1000])).toEqual([
      ['five-new', null],
      ['tripled', 3],
    ]);
    expect(detectHotTopics({ currentTotal: 100, baselineTotals: [100, 0, 0, 0], topics: [topic('tripled', 30, [10, 0, 0, 0])] })).toEqual([]);
    // Weeks without items are left out of the baseline mean.
    expect(detectHotTopics({ currentTotal: 100, baselineTotals: [100, 0, 100, 0], topics: [topic('tripled', 30, [10, 0, 10, 0])] })[0]!.baselineShare).toBeCloseTo(0.1, 10);
  });
});
