/**
 * A customer's survey answers on their timeline (interactions' registry, registered in src/app.ts): one event per
 * complete response, at its completion, titled 完成满意度调查《name》 with its headline scores (NPS 9 · CSAT 4 · CES 6).
 * Responses of surveys in the trash are left out, as a source leaves out deleted rows.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import type { ChurnSignal, ScorecardInput } from '../analytics/index.js';
import type { TimelineItem, TimelineQuery, TimelineSource } from '../interactions/index.js';
import { surveyChurnSignal, surveyNpsInput } from './followup.js';
import { surveyResponses, surveys, surveyVersions } from './schema.js';

type Row = { id: string; survey_id: string; name: string; version: number; nps: number | null; csat: number | null; ces: number | null; channel: string; at: string | Date; sort_at: string };

export const surveyTimelineSource: TimelineSource = {
  kind: 'survey_response',
  async events(db: DbOrTx, q: TimelineQuery): Promise<TimelineItem[]> {
    const rows = rowsOf<Row>(
      await db.execute(sql`
        select r.id::text as id, r.survey_id::text as survey_id, s.name, v.version, r.nps, r.csat, r.ces, r.channel, r.completed_at as at,
               to_char(r.completed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at
          from ${surveyResponses} r
          join ${surveys} s on s.id = r.survey_id and s.deleted_at is null
          join ${surveyVersions} v on v.id = r.version_id
         where r.customer_id = ${q.customerId} and r.status = 'complete'
           ${q.before ? sql`and (r.completed_at, r.id) < (${q.before.at}::timestamptz, ${q.before.id}::uuid)` : sql``}
         order by r.completed_at desc, r.id desc
         limit ${q.limit}`),
    );
    return rows.map((r) => {
      const scores = [r.nps !== null ? `NPS ${r.nps}` : null, r.csat !== null ? `CSAT ${r.csat}` : null, r.ces !== null ? `CES ${r.ces}` : null].filter(Boolean);
      const title = scores.length ? t(q.locale, 'surveys.timeline.title_scores', { name: r.name, scores: scores.join(' · ') }) : t(q.locale, 'surveys.timeline.title', { name: r.name });
      return {
        kind: 'survey_response',
        id: r.id,
        at: new Date(r.at).toISOString(),
        sortAt: r.sort_at,
        title,
        summary: t(q.locale, 'surveys.timeline.summary', { version: r.version }),
        actor: null,
        data: { surveyId: r.survey_id, responseId: r.id, version: r.version, nps: r.nps, csat: r.csat, ces: r.ces, channel: r.channel },
      };
    });
  },
};

/**
 * The composition root's one call for what the results contribute to other modules' registries: the answers on the
 * customer timeline, a detractor's answer as a churn reason and the latest NPS as the scorecard's word-of-mouth input
 * (app.ts passes the registries, so the wiring stays there).
 */
export function registerSurveyResultHooks(registries: {
  registerTimelineSource(source: TimelineSource): void;
  registerChurnSignal(signal: ChurnSignal): void;
  registerScorecardInput(input: ScorecardInput): void;
}): void {
  registries.registerTimelineSource(surveyTimelineSource);
  registries.registerChurnSignal(surveyChurnSignal);
  registries.registerScorecardInput(surveyNpsInput);
}
