/**
 * `GET /api/v1/customers/:id/summary`: the 360 page's summary band (summary.ts). Its response schema is tied to
 * summary.contract.ts.
 */
import { z } from 'zod';
import { responseOf } from '../../platform/http/response.js';
import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { customerSummary } from './summary.js';
import { customerIdParam } from './customers.types.js';
import { SUMMARY_TONES, SUMMARY_UNITS, type CustomerSummaryFigure, type CustomerSummaryView } from './summary.contract.js';

const figure = responseOf<CustomerSummaryFigure>()(
  z.object({
    key: z.string().describe('`<module>.<figure>`, e.g. analytics.value_tier'),
    labelKey: z.string().describe("The label's message key"),
    label: z.string().describe("The label in the caller's language"),
    value: z.union([z.number(), z.string()]).nullable().describe('In `unit` (fen, count, points, score, YYYY-MM-DD, ISO instant) or a code; null: see `empty`'),
    unit: z.enum(SUMMARY_UNITS),
    text: z.string().nullable().describe('How a code or list value reads; null: format `value` by `unit`'),
    detail: z.string().nullable().describe('A second line (the top churn reason, the season owed …)'),
    tone: z.enum(SUMMARY_TONES),
    sourceKey: z.string().describe("The source's message key"),
    source: z.string().describe('Where the figure comes from (价值分析, 交易 …)'),
    asOf: z.string().describe('The company day the figure is as of (YYYY-MM-DD)'),
    live: z.boolean().describe('Computed now from the records (截至今天), not by a run'),
    link: z.string().nullable().describe('The tab or list behind the figure (an app path)'),
    empty: z.string().nullable().describe('Why there is no value, when `value` is null'),
  }),
);

const summaryView = responseOf<CustomerSummaryView>()(
  z.object({
    customerId: z.uuid(),
    today: z.string().describe("The company's day (YYYY-MM-DD)"),
    computedAt: z.string().describe('ISO 8601 date-time'),
    figures: z.array(figure),
  }),
);

export async function customerSummaryRoutes(app: App, ctx: ServiceContext & { now?: () => Date }): Promise<void> {
  app.get(
    '/api/v1/customers/:id/summary',
    {
      schema: {
        tags: ['customers'],
        summary: "The 360 page's summary band: each module's figures with their source, date and link (figures the caller may not read are left out)",
        params: customerIdParam,
        response: { 200: summaryView },
      },
    },
    async (req) => customerSummary(ctx.db, req.actor, req.params.id, ctx.now?.() ?? new Date()),
  );
}
