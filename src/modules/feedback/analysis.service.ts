/**
 * 反馈分析 (issue #19): trends by category, sentiment or compound; the negative share over time by category or compound;
 * the keyword cloud; hot topics. Each counts the items the reader's inbox shows (`visibleTo`: feedback:read, the
 * customers the data scope reaches, the anonymous items only for feedback:manage), removed items left out, by the
 * company day they arrived (settings' time zone). Each group carries the inbox filter that lists exactly its items.
 */
import { sql, type SQL } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { dayRange } from '../../platform/time.js';
import { customerDirectory } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import {
  ANALYSIS_LIMITS,
  GROUP_NONE,
  GROUP_OTHER,
  HOT_TOPIC_RULE,
  type AnalysisFilter,
  type AnalysisGranularity,
  type AnalysisGroup,
  type AnalysisPeriod,
  type FeedbackHotTopics,
  type FeedbackKeywordCloud,
  type FeedbackSentimentTrends,
  type FeedbackTrends,
  type HotTopic,
  type SentimentSeries,
  type TrendSeries,
} from './analysis.contract.js';
import type { KeywordsQuery, SentimentQuery, TrendsQuery } from './analysis.schemas.js';
import { EFFECTIVE_SENTIMENT, listCategories } from './feedback.repository.js';
import { visibleTo } from './feedback.service.js';
import { addDays, detectHotTopics, enoughHistory, hotTopicWindows, type TopicCounts } from './hot-topics.js';
import { feedbackItems } from './schema.js';

const SENTIMENT_ORDER = ['neg', 'neu', 'pos'] as const;

// ---- ranges and periods ------------------------------------------------------------------------------------------

type Range = { from: string; to: string; zone: string; start: Date; end: Date };

async function rangeOf(db: DbOrTx, q: { from?: string; to?: string }, granularity: AnalysisGranularity, now: Date): Promise<Range> {
  const { zone, today } = await companyClock(db, now);
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, granularity === 'week' ? -83 : -29);
  if (from > to) throw AppError.field('to', 'feedback.analysis.range_order');
  const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (span > ANALYSIS_LIMITS.maxDays) throw AppError.field('from', 'feedback.analysis.range_too_long', { max: ANALYSIS_LIMITS.maxDays });
  const r = dayRange(zone, from, to) as { from: Date; to: Date };
  return { from, to, zone, start: r.from, end: r.to };
}

/** Monday of a day's ISO week. */
function mondayOf(day: string): string {
  const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

/** The periods of a range: each day, or each Monday–Sunday week cut to the range; keyed by their first day. */
export function periodsOf(from: string, to: string, granularity: AnalysisGranularity): AnalysisPeriod[] {
  const out: AnalysisPeriod[] = [];
  for (let d = from; d <= to; ) {
    const end = granularity === 'day' ? d : addDays(mondayOf(d), 6) < to ? addDays(mondayOf(d), 6) : to;
    out.push({ key: d, from: d, to: end });
    d = addDays(end, 1);
  }
  return out;
}

/** The SQL bucket of an item (its company day, or its week's Monday) and how a bucket maps to a period's index. */
function bucketing(range: Range, granularity: AnalysisGranularity, periods: AnalysisPeriod[]) {
  const local = sql`(${feedbackItems.createdAt} at time zone ${range.zone})`;
  const expr = granularity === 'day' ? sql`to_char(${local}, 'YYYY-MM-DD')` : sql`to_char(date_trunc('week', ${local}), 'YYYY-MM-DD')`;
  const index = new Map<string, number>();
  periods.forEach((p, i) => index.set(granularity === 'day' ? p.key : mondayOf(p.key), i));
  return { expr, index };
}

// ---- filters and groups ----------------------------------------------------------------------------------------------

type ItemFilters = { categoryId?: string; sentiment?: string; compound?: string };

function where(actor: Actor, range: Range, f: ItemFilters): SQL {
  return sql.join(
    [
      sql`${feedbackItems.deletedAt} is null`,
      visibleTo(actor),
      sql`${feedbackItems.createdAt} >= ${range.start.toISOString()}::timestamptz and ${feedbackItems.createdAt} < ${range.end.toISOString()}::timestamptz`,
      f.categoryId ? sql`${feedbackItems.categoryId} = ${f.categoryId}` : undefined,
      f.sentiment ? sql`${EFFECTIVE_SENTIMENT} = ${f.sentiment}` : undefined,
      f.compound ? sql`${customerDirectory.compound} = ${f.compound}` : undefined,
    ].filter((c): c is SQL => !!c),
    sql` and `,
  );
}

const fromItems = sql`${feedbackItems} left join ${customerDirectory} on ${customerDirectory.id} = ${feedbackItems.customerId}`;

type GroupKind = 'category' | 'sentiment' | 'compound';

function groupExpr(kind: GroupKind): SQL {
  if (kind === 'category') return sql`${feedbackItems.categoryId}::text`;
  if (kind === 'sentiment') return EFFECTIVE_SENTIMENT;
  return sql`nullif(${customerDirectory.compound}, '')`;
}

async function groupLabeller(db: DbOrTx, kind: GroupKind, locale: Locale) {
  const names = kind === 'category' ? new Map((await listCategories(db)).map((c) => [c.id, locale === 'en' && c.nameEn ? c.nameEn : c.nameZh])) : new Map<string, string>();
  return (key: string | null): AnalysisGroup => {
    if (key === GROUP_OTHER) return { key, label: t(locale, 'feedback.analysis.other'), filter: null };
    if (key === null) return { key: GROUP_NONE, label: t(locale, kind === 'category' ? 'feedback.analysis.no_category' : 'feedback.analysis.no_compound'), filter: null };
    if (kind === 'category') return { key, label: names.get(key) ?? key, filter: { categoryId: key } };
    if (kind === 'sentiment') return { key, label: t(locale, `feedback.sentiment.${key as 'neg'}`), filter: { sentiment: key as 'neg' } };
    return { key, label: key, filter: { compound: key } };
  };
}

/** The groups to draw: sentiments in order; otherwise the largest `groups`, the rest as 其他 (none stays its own). */
function keptGroups(kind: GroupKind, totals: Map<string | null, number>): Set<string | null> {
  if (kind === 'sentiment') return new Set(SENTIMENT_ORDER.filter((s) => totals.has(s)));
  const ranked = [...totals.entries()].filter(([k]) => k !== null).sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  const kept = new Set<string | null>(ranked.slice(0, ANALYSIS_LIMITS.groups).map(([k]) => k));
  if (totals.has(null)) kept.add(null);
  return kept;
}

const orderGroups = <G extends { key: string; total: number }>(kind: GroupKind, groups: G[]): G[] =>
  kind === 'sentiment'
    ? SENTIMENT_ORDER.flatMap((s) => groups.filter((g) => g.key === s))
    : [...groups].sort((a, b) => Number(a.key === GROUP_NONE || a.key === GROUP_OTHER) - Number(b.key === GROUP_NONE || b.key === GROUP_OTHER) || b.total - a.total || a.key.localeCompare(b.key));

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

// ---- trends ------------------------------------------------------------------------------------------------------------

export async function feedbackTrends(db: DbOrTx, actor: Actor | null, q: TrendsQuery, locale: Locale, now = new Date()): Promise<FeedbackTrends> {
  requireAccess(actor, 'feedback:read');
  const range = await rangeOf(db, q, q.granularity, now);
  const periods = periodsOf(range.from, range.to, q.granularity);
  const b = bucketing(range, q.granularity, periods);
  const rows = rowsOf<{ bucket: string; g: string | null; n: number }>(
    await db.execute(sql`select ${b.expr} as bucket, ${groupExpr(q.split)} as g, count(*)::int as n from ${fromItems} where ${where(actor, range, q)} group by 1, 2`),
  );
  const totals = new Map<string | null, number>();
  for (const r of rows) totals.set(r.g, (totals.get(r.g) ?? 0) + Number(r.n));
  const kept = keptGroups(q.split, totals);
  const label = await groupLabeller(db, q.split, locale);
  const series = new Map<string, TrendSeries>();
  const sums = new Array<number>(periods.length).fill(0);
  for (const r of rows) {
    const i = b.index.get(r.bucket);
    if (i === undefined) continue;
    const key = kept.has(r.g) ? r.g : GROUP_OTHER;
    const g = label(key);
    let s = series.get(g.key);
    if (!s) series.set(g.key, (s = { ...g, total: 0, values: new Array<number>(periods.length).fill(0) }));
    s.values[i]! += Number(r.n);
    s.total += Number(r.n);
    sums[i]! += Number(r.n);
  }
  return {
    from: range.from,
    to: range.to,
    granularity: q.granularity,
    split: q.split,
    periods,
    series: orderGroups(q.split, [...series.values()]),
    totals: sums,
    total: sums.reduce((a, n) => a + n, 0),
  };
}

// ---- the negative share over time ------------------------------------------------------------------------------------------

export async function feedbackSentimentTrends(db: DbOrTx, actor: Actor | null, q: SentimentQuery, locale: Locale, now = new Date()): Promise<FeedbackSentimentTrends> {
  requireAccess(actor, 'feedback:read');
  const range = await rangeOf(db, q, q.granularity, now);
  const periods = periodsOf(range.from, range.to, q.granularity);
  const b = bucketing(range, q.granularity, periods);
  const rows = rowsOf<{ bucket: string; g: string | null; n: number; neg: number }>(
    await db.execute(sql`select ${b.expr} as bucket, ${groupExpr(q.by)} as g, count(*)::int as n, count(*) filter (where ${EFFECTIVE_SENTIMENT} = 'neg')::int as neg
      from ${fromItems} where ${where(actor, range, q)} group by 1, 2`),
  );
  const totals = new Map<string | null, number>();
  for (const r of rows) totals.set(r.g, (totals.get(r.g) ?? 0) + Number(r.n));
  const kept = keptGroups(q.by, totals);
  const label = await groupLabeller(db, q.by, locale);
  const blank = (g: AnalysisGroup): SentimentSeries => ({
    ...g,
    total: 0,
    negative: 0,
    share: null,
    counts: new Array<number>(periods.length).fill(0),
    negatives: new Array<number>(periods.length).fill(0),
    shares: [],
  });
  const overall = blank({ key: 'all', label: t(locale, 'feedback.analysis.all'), filter: {} });
  const groups = new Map<string, SentimentSeries>();
  for (const r of rows) {
    const i = b.index.get(r.bucket);
    if (i === undefined) continue;
    const g = label(kept.has(r.g) ? r.g : GROUP_OTHER);
    let s = groups.get(g.key);
    if (!s) groups.set(g.key, (s = blank(g)));
    for (const x of [s, overall]) {
      x.counts[i]! += Number(r.n);
      x.negatives[i]! += Number(r.neg);
      x.total += Number(r.n);
      x.negative += Number(r.neg);
    }
  }
  const finish = (s: SentimentSeries): SentimentSeries => ({
    ...s,
    share: s.total ? round4(s.negative / s.total) : null,
    shares: s.counts.map((n, i) => (n ? round4(s.negatives[i]! / n) : null)),
  });
  return {
    from: range.from,
    to: range.to,
    granularity: q.granularity,
    by: q.by,
    periods,
    overall: finish(overall),
    groups: orderGroups(q.by, [...groups.values()]).map(finish),
  };
}

// ---- the keyword cloud ------------------------------------------------------------------------------------------------------

export async function feedbackKeywordCloud(db: DbOrTx, actor: Actor | null, q: KeywordsQuery, now = new Date()): Promise<FeedbackKeywordCloud> {
  requireAccess(actor, 'feedback:read');
  const range = await rangeOf(db, q, 'day', now);
  const w = where(actor, range, q);
  const [count] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${fromItems} where ${w}`));
  const rows = rowsOf<{ word: string; n: number; neg: number }>(
    await db.execute(sql`select k.word, count(*)::int as n, count(*) filter (where ${EFFECTIVE_SENTIMENT} = 'neg')::int as neg
      from ${fromItems} cross join lateral (select distinct x from unnest(${feedbackItems.keywords}) as x) as k(word)
      where ${w} group by k.word order by n desc, k.word limit ${q.limit}`),
  );
  const top = Number(rows[0]?.n ?? 0);
  return {
    from: range.from,
    to: range.to,
    items: Number(count?.n ?? 0),
    keywords: rows.map((r) => ({ word: r.word, count: Number(r.n), weight: top ? round4(Number(r.n) / top) : 0, negative: Number(r.neg) })),
  };
}

// ---- hot topics -------------------------------------------------------------------------------------------------------------

/**
 * The hot topics at `now` among the items `visible` reaches (an actor's inbox, or a goal owner's scope): counted per
 * window in SQL, decided by `detectHotTopics`.
 */
export async function hotTopicsFor(db: DbOrTx, visible: SQL, locale: Locale, now: Date): Promise<FeedbackHotTopics> {
  const { zone } = await companyClock(db, now);
  const w = hotTopicWindows(now, zone);
  const oldest = w.weeks[w.weeks.length - 1]!.start;
  const slot = sql`case when ${feedbackItems.createdAt} >= ${w.current.start.toISOString()}::timestamptz then -1
    ${sql.join(
      w.weeks.map((wk, k) => sql`when ${feedbackItems.createdAt} >= ${wk.start.toISOString()}::timestamptz then ${k}::int`),
      sql` `,
    )} end`;
  const base = sql`${feedbackItems.deletedAt} is null and ${visible}
    and ${feedbackItems.createdAt} >= ${oldest.toISOString()}::timestamptz and ${feedbackItems.createdAt} <= ${now.toISOString()}::timestamptz`;
  const rows = rowsOf<{ kind: 'total' | 'category' | 'keyword'; key: string | null; slot: number; n: number }>(
    await db.execute(sql`with w as (select ${feedbackItems.categoryId}::text as category, ${feedbackItems.keywords} as keywords, ${slot} as slot from ${feedbackItems} where ${base})
      select 'total' as kind, null as key, slot, count(*)::int as n from w group by slot
      union all select 'category', category, slot, count(*)::int from w where category is not null group by category, slot
      union all select 'keyword', k.word, slot, count(*)::int from w cross join lateral (select distinct x from unnest(w.keywords) as x) as k(word) group by k.word, slot`),
  );
  const weeks = w.weeks.length;
  let currentTotal = 0;
  const baselineTotals = new Array<number>(weeks).fill(0);
  const topics = new Map<string, TopicCounts>();
  for (const r of rows) {
    const s = Number(r.slot);
    const n = Number(r.n);
    if (r.kind === 'total') {
      if (s < 0) currentTotal = n;
      else baselineTotals[s] = n;
      continue;
    }
    const key = `${r.kind}:${r.key}`;
    let c = topics.get(key);
    if (!c) topics.set(key, (c = { key, current: 0, baseline: new Array<number>(weeks).fill(0) }));
    if (s < 0) c.current = n;
    else c.baseline[s] = n;
  }
  const detected = detectHotTopics({ currentTotal, baselineTotals, topics: [...topics.values()] });
  const names = new Map((await listCategories(db)).map((c) => [c.id, locale === 'en' && c.nameEn ? c.nameEn : c.nameZh]));
  const out: HotTopic[] = [];
  for (const d of detected) {
    const [kind, ...rest] = d.key.split(':');
    const key = rest.join(':');
    const filter: AnalysisFilter = kind === 'category' ? { categoryId: key } : { keyword: key };
    const match = kind === 'category' ? sql`${feedbackItems.categoryId} = ${key}` : sql`${feedbackItems.keywords} @> array[${key}]::text[]`;
    const samples = rowsOf<{ id: string }>(
      await db.execute(sql`select ${feedbackItems.id}::text as id from ${feedbackItems}
        where ${base} and ${feedbackItems.createdAt} >= ${w.current.start.toISOString()}::timestamptz and ${match}
        order by ${feedbackItems.createdAt} desc, ${feedbackItems.id} desc limit ${HOT_TOPIC_RULE.samples}`),
    );
    out.push({
      kind: kind as 'category' | 'keyword',
      key,
      label: kind === 'category' ? (names.get(key) ?? key) : key,
      filter,
      count: d.count,
      share: round4(d.share),
      baselineShare: round4(d.baselineShare),
      ratio: d.ratio === null ? null : Math.round(d.ratio * 100) / 100,
      expected: Math.round(d.expected * 100) / 100,
      sampleIds: samples.map((s) => s.id),
    });
  }
  return {
    asOf: now.toISOString(),
    window: { from: w.current.from, to: w.current.to, start: w.current.start.toISOString(), end: now.toISOString() },
    baseline: { from: w.weeks[weeks - 1]!.from, to: w.weeks[0]!.to },
    rule: { ...HOT_TOPIC_RULE },
    total: currentTotal,
    baselineTotals,
    enoughHistory: enoughHistory(baselineTotals),
    topics: out,
  };
}

export async function feedbackHotTopics(db: DbOrTx, actor: Actor | null, locale: Locale, now = new Date()): Promise<FeedbackHotTopics> {
  requireAccess(actor, 'feedback:read');
  return hotTopicsFor(db, visibleTo(actor), locale, now);
}
