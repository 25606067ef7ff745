/** A survey's results (results.ts) and its responses as an Excel workbook (results.export.ts). */
import { z } from 'zod';
import type { ServiceContext } from '../../platform/context.js';
import { fileResponse, responseOf, XLSX_MEDIA_TYPE } from '../../platform/http/response.js';
import type { App } from '../../platform/http/server.js';
import { exportResponsesXlsx } from './results.export.js';
import { surveyResults } from './results.js';
import { RESULT_BREAKDOWNS, type BreakdownRow, type QuestionResult, type ServqualFigures, type SurveyResults } from './surveys.contract.js';

const interval = z.tuple([z.number(), z.number()]).nullable().describe('95% interval, in percent (points for NPS)');
const nps = z.object({ n: z.number().int(), promoters: z.number().int(), passives: z.number().int(), detractors: z.number().int(), nps: z.number().nullable(), ci95: interval });
const csat = z.object({ n: z.number().int(), satisfiedShare: z.number().nullable().describe('Share of 4–5, percent'), mean: z.number().nullable(), ci95: interval });
const ces = z.object({ n: z.number().int(), mean: z.number().nullable(), easyShare: z.number().nullable().describe('Share of 5–7, percent') });
const maybe = z.number().nullable();
const servqual = responseOf<ServqualFigures>()(
  z.object({
    items: z.array(z.object({ id: z.string(), dimension: z.string(), text: z.string(), n: z.number().int(), expectation: maybe, perception: maybe, gap: maybe })),
    dimensions: z.array(z.object({ dimension: z.string(), items: z.number().int(), expectation: maybe, perception: maybe, gap: maybe, weight: maybe })),
    gap: maybe.describe('Mean of the dimension gaps (perception − expectation)'),
    weightedGap: maybe.describe('Importance-weighted gap; null without weights'),
  }),
);
const question = responseOf<QuestionResult>()(
  z.object({
    id: z.string(),
    type: z.string(),
    text: z.string(),
    answered: z.number().int(),
    counts: z.array(z.object({ value: z.string(), label: z.string(), count: z.number().int() })),
    mean: maybe,
    rows: z.array(z.object({ id: z.string(), label: z.string(), counts: z.array(z.number().int()), mean: maybe })).nullable(),
    samples: z.array(z.object({ text: z.string(), at: z.string() })).nullable(),
  }),
);
const breakdownRow = responseOf<BreakdownRow>()(z.object({ key: z.string(), label: z.string(), responses: z.number().int(), nps, csat, ces }));
const surveyResultsSchema = responseOf<SurveyResults>()(
  z.object({
    responses: z.number().int(),
    nps,
    csat,
    ces,
    servqual: servqual.nullable(),
    surveyId: z.string(),
    version: z.number().int(),
    invited: z.number().int(),
    responseRate: maybe,
    questions: z.array(question),
    by: z.enum(RESULT_BREAKDOWNS).nullable(),
    breakdown: z.array(breakdownRow),
    zone: z.string(),
  }),
);

const bound = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const resultsQuery = z.strictObject({
  version: z.coerce.number().int().min(1).max(1_000_000).optional().describe('The definition version (default: the current one)'),
  from: bound.optional().describe('Completed from this day (company time zone) or instant'),
  to: bound.optional().describe('Completed up to this day (inclusive) or instant (exclusive)'),
  by: z.enum(RESULT_BREAKDOWNS).optional().describe('Break the figures down by segment, value tier, compound, agent, or day / week / month'),
});
const exportQuery = resultsQuery.omit({ by: true });
const idParam = z.strictObject({ id: z.uuid() });

export async function surveyResultRoutes(app: App, ctx: ServiceContext): Promise<void> {
  const { db } = ctx;
  const tags = ['surveys'];
  const config = { fieldLabels: 'survey' };
  app.get(
    '/api/v1/surveys/:id/results',
    {
      schema: {
        tags,
        summary: 'Results of a version: response rate, NPS / CSAT / CES with 95% intervals, SERVQUAL gaps, per-question distributions, a breakdown',
        params: idParam,
        querystring: resultsQuery,
        response: { 200: surveyResultsSchema },
      },
      config,
    },
    async (req) => surveyResults(db, req.actor, req.params.id, req.query),
  );
  app.get(
    '/api/v1/surveys/:id/responses.xlsx',
    {
      schema: {
        tags,
        summary: "A version's complete responses as an Excel workbook, one row each (audited; phones masked without customer:pii)",
        params: idParam,
        querystring: exportQuery,
        response: { 200: fileResponse('An XLSX workbook', XLSX_MEDIA_TYPE) },
      },
      config,
    },
    async (req, reply) => {
      const stream = await exportResponsesXlsx(db, req.actor, req.params.id, req.query, req.locale, ctx.config.displayTimezone);
      reply
        .type(XLSX_MEDIA_TYPE)
        .header('content-disposition', `attachment; filename="survey-responses-${new Date().toISOString().slice(0, 10)}.xlsx"`)
        .header('cache-control', 'no-store');
      return reply.send(stream);
    },
  );
}
