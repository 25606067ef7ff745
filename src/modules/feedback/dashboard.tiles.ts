/**
 * The feedback module's tile on the home page (issue #17): 客户反馈 — the items the user sees (the inbox's own rule,
 * `visibleTo`) that wait for handling: new, in progress, and of those the ones past their handling deadline; this
 * month's share of negative items (the goal metric's definition); and the oldest waiting items, overdue first. On the
 * agent's, the account manager's and the manager's boards.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import type { DashboardTileDef, TileContext, TileRow } from '../dashboards/index.js';
import type { AnalysisFilter, FeedbackHotTopics, HotTopic } from './analysis.contract.js';
import { hotTopicsFor } from './analysis.service.js';
import { EFFECTIVE_SENTIMENT } from './feedback.repository.js';
import { visibleTo } from './feedback.service.js';
import { feedbackItems } from './schema.js';

export const FEEDBACK_ROWS = 5;
const SNIPPET = 40;

async function load({ db, actor, now, locale, zone, today }: TileContext) {
  const visible = visibleTo(actor);
  const waiting = sql`${feedbackItems.deletedAt} is null and ${feedbackItems.status} in ('new', 'in_progress') and ${visible}`;
  const monthStart = sql`(date_trunc('month', (${now.toISOString()}::timestamptz at time zone ${zone})) at time zone ${zone})`;
  const [c] = rowsOf<{ fresh: number; working: number; overdue: number; month: number; negative: number }>(
    await db.execute(sql`select
        count(*) filter (where ${waiting} and ${feedbackItems.status} = 'new')::int as fresh,
        count(*) filter (where ${waiting} and ${feedbackItems.status} = 'in_progress')::int as working,
        count(*) filter (where ${waiting} and ${feedbackItems.dueAt} < ${now.toISOString()}::timestamptz)::int as overdue,
        count(*) filter (where ${feedbackItems.deletedAt} is null and ${visible} and ${feedbackItems.createdAt} >= ${monthStart})::int as month,
        count(*) filter (where ${feedbackItems.deletedAt} is null and ${visible} and ${feedbackItems.createdAt} >= ${monthStart} and ${EFFECTIVE_SENTIMENT} = 'neg')::int as negative
      from ${feedbackItems}`),
  );
  const oldest = rowsOf<{ id: string; number: number; text: string; due_at: Date | string | null; created_at: Date | string; sentiment: string }>(
    await db.execute(sql`select ${feedbackItems.id} as id, ${feedbackItems.number} as number, ${feedbackItems.text} as text, ${feedbackItems.dueAt} as due_at,
        ${feedbackItems.createdAt} as created_at, ${EFFECTIVE_SENTIMENT} as sentiment
      from ${feedbackItems} where ${waiting}
      order by (${feedbackItems.dueAt} < ${now.toISOString()}::timestamptz) desc, ${feedbackItems.createdAt}, ${feedbackItems.id} limit ${FEEDBACK_ROWS}`),
  );
  const rows: TileRow[] = oldest.map((r) => {
    const late = r.due_at !== null && new Date(r.due_at).getTime() < now.getTime();
    return {
      id: r.id,
      label: `#${r.number} ${r.text.length > SNIPPET ? `${r.text.slice(0, SNIPPET)}…` : r.text}`,
      detail: [t(locale, `feedback.tile.sentiment.${r.sentiment as 'neg' | 'neu' | 'pos'}`), late ? t(locale, 'feedback.tile.late') : null].filter(Boolean).join(' · '),
      at: new Date(r.created_at).toISOString(),
      tone: late ? 'danger' : r.sentiment === 'neg' ? 'warning' : 'default',
      link: `/feedback?item=${r.id}`, // the inbox opens the item in its drawer
    };
  });
  const month = Number(c?.month ?? 0);
  const share = month ? Math.round((Number(c!.negative) * 1000) / month) / 10 : null;
  const monthDays = `from=${today.slice(0, 7)}-01&to=${today}`;
  return {
    title: t(locale, 'feedback.tile.title'),
    description: t(locale, 'feedback.tile.description'),
    stats: [
      { label: t(locale, 'feedback.tile.new'), value: Number(c?.fresh ?? 0), unit: 'count' as const, tone: 'default' as const, link: '/feedback?status=new' },
      { label: t(locale, 'feedback.tile.in_progress'), value: Number(c?.working ?? 0), unit: 'count' as const, tone: 'default' as const, link: '/feedback?status=in_progress' },
      { label: t(locale, 'feedback.tile.overdue'), value: Number(c?.overdue ?? 0), unit: 'count' as const, tone: c?.overdue ? ('danger' as const) : ('success' as const), link: null },
      { label: t(locale, 'feedback.tile.negative_share'), value: share, unit: 'percent' as const, tone: 'default' as const, link: `/feedback?sentiment=neg&${monthDays}` },
    ],
    rows,
    chart: null,
    link: '/feedback',
  };
}

/** The inbox listing a topic's (or any filter's) items of the hot-topic window: `/feedback?…&from=&to=`. */
export function inboxLink(filter: AnalysisFilter, days: { from: string; to: string }): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) p.set(k, v);
  p.set('from', days.from);
  p.set('to', days.to);
  return `/feedback?${p.toString()}`;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

function topicRow(topic: HotTopic, hot: FeedbackHotTopics, locale: TileContext['locale']): TileRow {
  return {
    id: `${topic.kind}:${topic.key}`,
    label: t(locale, topic.kind === 'category' ? 'feedback.hot.category' : 'feedback.hot.keyword', { name: topic.label }),
    detail:
      topic.ratio === null
        ? t(locale, 'feedback.hot.detail_new', { count: topic.count, share: pct(topic.share) })
        : t(locale, 'feedback.hot.detail', { count: topic.count, share: pct(topic.share), baseline: pct(topic.baselineShare), ratio: topic.ratio }),
    at: null,
    tone: 'danger',
    link: inboxLink(topic.filter, hot.window),
  };
}

/**
 * 热点话题 (issue #19) on the manager's board: the categories and keywords whose share of the last 7 company days jumps
 * against the 4 weeks before (HOT_TOPIC_RULE), among the items the manager's inbox shows; each row drills to the inbox
 * filtered to the topic over the window's days, which lists exactly the items it counts.
 */
async function loadHotTopics({ db, actor, now, locale }: TileContext) {
  const hot = await hotTopicsFor(db, visibleTo(actor), locale, now);
  return {
    title: t(locale, 'feedback.hot.title'),
    description: t(locale, 'feedback.hot.description', { minCount: hot.rule.minCount, minRatio: hot.rule.minRatio }),
    stats: [
      { label: t(locale, 'feedback.hot.topics'), value: hot.topics.length, unit: 'count' as const, tone: hot.topics.length ? ('danger' as const) : ('success' as const), link: '/feedback/analysis' },
      { label: t(locale, 'feedback.hot.week_items'), value: hot.total, unit: 'count' as const, tone: 'default' as const, link: inboxLink({}, hot.window) },
    ],
    rows: hot.topics.slice(0, FEEDBACK_ROWS).map((topic) => topicRow(topic, hot, locale)),
    chart: null,
    link: '/feedback/analysis',
  };
}

export const feedbackDashboardTiles: DashboardTileDef[] = [
  { key: 'feedback.inbox', boards: ['agent', 'account', 'manager'], order: 7, permissions: ['feedback:read'], load },
  { key: 'feedback.hot_topics', boards: ['manager'], order: 8, permissions: ['feedback:read'], load: loadHotTopics },
];
