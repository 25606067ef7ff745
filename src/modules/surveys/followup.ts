/**
 * What a dissatisfied answer sets off (issue #15 part 4):
 * - `onResponseCompleted(tx, response)`: a detractor (NPS 0–6) or a CSAT of 1–2 opens one 回访 task for the customer's
 *   owner (account manager), due a day later, in the completing transaction. At most one per response: the task's notes
 *   name the response (`survey-response:<id>`), and an existing task naming it is found first (the completion holds
 *   the invitation's or response's row lock, so two completions of one response never race). Anonymous responses and
 *   customers without an owner open none.
 * - `surveyChurnSignal`: for the analytics run, a customer whose latest NPS answer within 180 days is a detractor's.
 * - `surveyNpsInput`: for the value scorecard, the latest NPS answer of the past year (word of mouth).
 */
import { sql } from 'drizzle-orm';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import type { ChurnReason, ChurnSignal, ScorecardInput } from '../analytics/index.js';
import { customerDirectory } from '../customers/index.js';
import { createSystemTasks, taskLedger } from '../interactions/index.js';
import { surveyResponses, surveys } from './schema.js';

const DAY_MS = 86_400_000;
export const DETRACTOR_MAX = 6;
export const LOW_CSAT_MAX = 2;
export const CHURN_WINDOW_DAYS = 180;

export type CompletedResponse = { id: string; surveyId: string; customerId: string | null; status: string; nps: number | null; csat: number | null; completedAt?: Date | null };

/** Whether an answer calls for a follow-up: a detractor's NPS or a CSAT of 1–2. */
export const needsFollowUp = (r: Pick<CompletedResponse, 'nps' | 'csat'>) => (r.nps !== null && r.nps <= DETRACTOR_MAX) || (r.csat !== null && r.csat <= LOW_CSAT_MAX);

/** Opens the follow-up task of a dissatisfied complete response (see above); returns its id, or null when none is due. */
export async function onResponseCompleted(tx: DbOrTx, response: CompletedResponse, now: Date = response.completedAt ?? new Date()): Promise<string | null> {
  if (response.status !== 'complete' || !response.customerId || !needsFollowUp(response)) return null;
  const marker = `survey-response:${response.id}`;
  const [row] = rowsOf<{ owner_id: string | null; name: string; survey: string; existing: boolean }>(
    await tx.execute(sql`
      select c.owner_id::text as owner_id, c.name, s.name as survey,
             exists (select 1 from ${taskLedger} k where k.customer_id = c.id and k.notes like ${`%${marker}%`}) as existing
        from ${customerDirectory} c, ${surveys} s
       where c.id = ${response.customerId} and c.deleted_at is null and s.id = ${response.surveyId}`),
  );
  if (!row?.owner_id || row.existing) return null;
  const score = response.nps !== null && response.nps <= DETRACTOR_MAX ? `NPS ${response.nps}` : `CSAT ${response.csat}`;
  const actor = systemActor('system');
  const [id] = await createSystemTasks(tx, actor, [
    {
      type: 'return_visit',
      title: t('zh-CN', 'surveys.followup.title', { customer: row.name, survey: row.survey, score }),
      notes: `${t('zh-CN', 'surveys.followup.notes', { survey: row.survey, score })}\n${marker}`,
      customerId: response.customerId,
      assigneeId: row.owner_id,
      dueAt: new Date(now.getTime() + DAY_MS),
    },
  ]);
  return id ?? null;
}

/** Risk points of a detractor's latest score: 0–3 weigh more than 4–6. */
export const detractorPoints = (score: number) => (score <= 3 ? 25 : 15);

/** Each customer's latest NPS answer completed in the `days` before `end` (among `customerIds`, or everyone when null). */
async function latestNps(db: DbOrTx, customerIds: readonly string[] | null, end: Date, days: number, atMost = 10): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (customerIds && !customerIds.length) return out;
  const among = customerIds ? sql`r.customer_id = any(${`{${customerIds.join(',')}}`}::uuid[])` : sql`r.customer_id is not null`;
  const at = end.toISOString();
  const rows = rowsOf<{ customer_id: string; nps: number }>(
    await db.execute(sql`
      select customer_id, nps from (
        select distinct on (r.customer_id) r.customer_id::text as customer_id, r.nps
          from ${surveyResponses} r
         where ${among} and r.status = 'complete' and r.nps is not null
           and r.completed_at > ${at}::timestamptz - make_interval(days => ${days}) and r.completed_at <= ${at}::timestamptz
         order by r.customer_id, r.completed_at desc, r.id desc
      ) latest where nps <= ${atMost}`),
  );
  for (const r of rows) out.set(r.customer_id, Number(r.nps));
  return out;
}

export const surveyChurnSignal: ChurnSignal = {
  key: 'surveys',
  async evaluate(db: DbOrTx, customerIds: readonly string[] | null, asOf: { date: string; end: Date }) {
    const out = new Map<string, ChurnReason[]>();
    for (const [id, score] of await latestNps(db, customerIds, asOf.end, CHURN_WINDOW_DAYS, DETRACTOR_MAX)) {
      out.set(id, [{ code: 'survey_detractor', zh: `${CHURN_WINDOW_DAYS} 天内推荐意愿评分 ${score} 分（贬损者）`, en: `Scored ${score} on NPS in ${CHURN_WINDOW_DAYS} days (detractor)`, points: detractorPoints(score) }]);
    }
    return out;
  },
};

/** How far back an NPS answer still speaks for the customer's word of mouth. */
export const NPS_INPUT_DAYS = 365;

/**
 * The value scorecard's word-of-mouth input (口碑, brief §3): each customer's latest NPS answer (0–10) of the past
 * year. The default scorecard has an indicator on it (weight 0: shown as the word-of-mouth value, not in the value score).
 */
export const surveyNpsInput: ScorecardInput = {
  key: 'surveys.nps',
  labelZh: '最近一次推荐意愿评分（NPS，一年内）',
  labelEn: 'Latest NPS answer (past year)',
  kind: 'wordOfMouth',
  load: (db, asOf) => latestNps(db, null, asOf.end, NPS_INPUT_DAYS),
};
