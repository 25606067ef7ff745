/**
 * What the feedback inbox tells the analytics run (issue #19): a churn reason for a customer who gave negative
 * feedback lately (「30 天内 2 条负面反馈」), and the value scorecard's learning input (学习价值, brief §3) — how much
 * feedback the customer gave in the past year, whatever its tone: a customer who tells the company what to improve is
 * worth more than one who says nothing. The sentiment counted is the agent's correction when there is one. Deleted
 * items count for nothing. Registered in src/app.ts.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import type { ChurnReason, ChurnSignal, ScorecardInput } from '../analytics/index.js';
import { feedbackItems } from './schema.js';

const DAY = 86_400_000;
/** Negative feedback older than this no longer signals churn. */
export const NEGATIVE_WINDOW_DAYS = 30;
/** Feedback of the past year counts towards the learning value. */
export const LEARNING_WINDOW_DAYS = 365;

/** Points for n negative items in 30 days: 10 for one, +10 for each further one, at most 30. */
export const negativePoints = (n: number) => Math.min(30, 10 * n);

const ids = (customerIds: readonly string[] | null) =>
  customerIds ? sql`and i.customer_id = any(${`{${customerIds.join(',')}}`}::uuid[])` : sql``;

export const feedbackChurnSignal: ChurnSignal = {
  key: 'feedback',
  async evaluate(db: DbOrTx, customerIds, asOf) {
    const rows = rowsOf<{ customer_id: string; n: number }>(
      await db.execute(sql`
        select i.customer_id::text as customer_id, count(*)::int as n
        from ${feedbackItems} i
        where i.customer_id is not null and i.deleted_at is null
          and coalesce(i.sentiment_corrected, i.sentiment) = 'neg'
          and i.created_at > ${new Date(asOf.end.getTime() - NEGATIVE_WINDOW_DAYS * DAY).toISOString()}::timestamptz
          and i.created_at <= ${asOf.end.toISOString()}::timestamptz ${ids(customerIds)}
        group by i.customer_id`),
    );
    const out = new Map<string, ChurnReason[]>();
    for (const r of rows) {
      out.set(r.customer_id, [
        { code: 'feedback_negative', zh: `${NEGATIVE_WINDOW_DAYS} 天内 ${r.n} 条负面反馈`, en: `${r.n} negative feedback item${r.n === 1 ? '' : 's'} in ${NEGATIVE_WINDOW_DAYS} days`, points: negativePoints(r.n) },
      ]);
    }
    return out;
  },
};

export const feedbackLearningInput: ScorecardInput = {
  key: 'feedback.given',
  labelZh: '一年内提交的反馈条数（学习价值）',
  labelEn: 'Feedback given in the past year (learning value)',
  kind: 'learning',
  async load(db, asOf) {
    const rows = rowsOf<{ customer_id: string; n: number }>(
      await db.execute(sql`
        select i.customer_id::text as customer_id, count(*)::int as n
        from ${feedbackItems} i
        where i.customer_id is not null and i.deleted_at is null
          and i.created_at > ${new Date(asOf.end.getTime() - LEARNING_WINDOW_DAYS * DAY).toISOString()}::timestamptz
          and i.created_at <= ${asOf.end.toISOString()}::timestamptz
        group by i.customer_id`),
    );
    return new Map(rows.map((r) => [r.customer_id, r.n]));
  },
};
