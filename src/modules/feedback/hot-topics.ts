/**
 * Hot topics (热点话题, issue #19) as pure functions: the windows on the company's calendar, and the detection over
 * counts. The service counts in SQL (analysis.service.ts); the tests count synthetic streams in memory with
 * `countTopics` and feed the same `detectHotTopics`.
 *
 * The rule (HOT_TOPIC_RULE, docs/FEEDBACK-TEXT.md): the window is the last 7 company days ending now (today so far and
 * the six days before), the baseline the 4 full weeks before it. A topic's share is its items ÷ all items of the
 * period; its baseline share is the mean of the weekly shares over the baseline weeks that had items. It is hot when
 *   count ≥ minCount, and share ≥ minRatio × baseline share (or it had no baseline items), and
 *   (count − expected) / √max(expected, 1) ≥ minZ, expected = baseline share × the window's items.
 */
import { startOfDay, zoneOffsetMs } from '../../platform/time.js';
import { HOT_TOPIC_RULE, type HotTopicRule } from './analysis.contract.js';


/** `YYYY-MM-DD` plus n days. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The company day of an instant. */
export function dayOf(zone: string, at: Date): string {
  return new Date(at.getTime() + zoneOffsetMs(zone, at)).toISOString().slice(0, 10);
}

const startOf = (zone: string, day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return startOfDay(zone, y, m, d);
};

/** Shares are quotients: a ratio of exactly 2 may compute as 1.9999999999999996. */
const EPS = 1e-9;

export type HotTopicWindows = {
  today: string;
  /** The window: its first and last day, and [start, end = now]. */
  current: { from: string; to: string; start: Date; end: Date };
  /** The baseline weeks, most recent first: [start, end) each, with their days. */
  weeks: { from: string; to: string; start: Date; end: Date }[];
};

export function hotTopicWindows(now: Date, zone: string, rule: HotTopicRule = HOT_TOPIC_RULE): HotTopicWindows {
  const today = dayOf(zone, now);
  const first = addDays(today, -(rule.windowDays - 1));
  const weeks = Array.from({ length: rule.baselineWeeks }, (_, k) => {
    const from = addDays(first, -rule.windowDays * (k + 1));
    const to = addDays(first, -rule.windowDays * k - 1);
    return { from, to, start: startOf(zone, from), end: startOf(zone, addDays(to, 1)) };
  });
  return { today, current: { from: first, to: today, start: startOf(zone, first), end: now }, weeks };
}

/** A topic's items in the window and in each baseline week (most recent first). */
export type TopicCounts = { key: string; current: number; baseline: number[] };
export type HotTopicInput = { currentTotal: number; baselineTotals: number[]; topics: TopicCounts[] };
export type DetectedTopic = { key: string; count: number; share: number; baselineShare: number; ratio: number | null; expected: number; z: number };

/** Whether the baseline has enough weeks with items to compare against. */
export function enoughHistory(baselineTotals: number[], rule: HotTopicRule = HOT_TOPIC_RULE): boolean {
  return baselineTotals.filter((n) => n > 0).length >= rule.minBaselineWeeks;
}

/** The hot topics among the counts, strongest first (a new topic first, then by ratio, then by count). */
export function detectHotTopics(input: HotTopicInput, rule: HotTopicRule = HOT_TOPIC_RULE): DetectedTopic[] {
  if (!input.currentTotal || !enoughHistory(input.baselineTotals, rule)) return [];
  const weeks = input.baselineTotals.map((n, k) => ({ n, k })).filter((w) => w.n > 0);
  const out: DetectedTopic[] = [];
  for (const t of input.topics) {
    if (t.current < rule.minCount) continue;
    const baselineShare = weeks.reduce((s, w) => s + (t.baseline[w.k] ?? 0) / w.n, 0) / weeks.length;
    const share = t.current / input.currentTotal;
    const ratio = baselineShare > 0 ? share / baselineShare : null;
    const expected = baselineShare * input.currentTotal;
    const z = (t.current - expected) / Math.sqrt(Math.max(expected, 1));
    if ((ratio === null || ratio >= rule.minRatio - EPS) && z >= rule.minZ - EPS) out.push({ key: t.key, count: t.current, share, baselineShare, ratio, expected, z });
  }
  return out.sort((a, b) => (b.ratio ?? Infinity) - (a.ratio ?? Infinity) || b.count - a.count || a.key.localeCompare(b.key));
}

/**
 * Counts a stream of items (each with its arrival and its topic keys) into the windows: what the service's SQL does,
 * in memory, for the tests and for small callers. Items after `end` or before the baseline are left out.
 */
export function countTopics(items: { at: Date; keys: readonly string[] }[], w: HotTopicWindows): HotTopicInput {
  const weeks = w.weeks.length;
  const baselineTotals = new Array<number>(weeks).fill(0);
  let currentTotal = 0;
  const topics = new Map<string, TopicCounts>();
  for (const item of items) {
    const t = item.at.getTime();
    let slot: number | null = null;
    if (t >= w.current.start.getTime() && t <= w.current.end.getTime()) slot = -1;
    else for (let k = 0; k < weeks; k++) if (t >= w.weeks[k]!.start.getTime() && t < w.weeks[k]!.end.getTime()) slot = k;
    if (slot === null) continue;
    if (slot < 0) currentTotal++;
    else baselineTotals[slot]!++;
    for (const key of new Set(item.keys)) {
      let c = topics.get(key);
      if (!c) topics.set(key, (c = { key, current: 0, baseline: new Array<number>(weeks).fill(0) }));
      if (slot < 0) c.current++;
      else c.baseline[slot]!++;
    }
  }
  return { currentTotal, baselineTotals, topics: [...topics.values()] };
}
