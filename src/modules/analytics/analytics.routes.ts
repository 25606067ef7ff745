import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import {
  churnList,
  clvHistogram,
  customerAnalytics,
  getRun,
  getSettings,
  listRuns,
  listScorecardInputs,
  rfmGrid,
  startRun,
  tierDistribution,
  tierMovement,
  updateSettings,
  valueLoyaltyMatrix,
} from './analytics.service.js';
import {
  analyticsSettings,
  churnListView,
  clvHistogramView,
  customerAnalyticsView,
  matrixView,
  scorecardInputList,
  movementView,
  rfmGridView,
  runDetail,
  runList,
  runView,
  tierDistributionView,
} from './analytics.schemas.js';
import { churnQuery, customerIdParam, histogramQuery, listRunsQuery, movementQuery, runIdParam, settingsSchema, startRunBody } from './analytics.types.js';

export const ANALYTICS_QUEUE = 'analytics.run';

export async function analyticsRoutes(app: App, ctx: ServiceContext & { enqueue: (runId: string) => Promise<void> }): Promise<void> {
  const { db } = ctx;
  const tags = ['analytics'];
  app.post(
    '/api/v1/analytics/runs',
    { schema: { tags, summary: 'Start an analytics run in the background (409 while another is queued or running)', body: startRunBody, response: { 202: runView } } },
    async (req, reply) => {
      const run = (await startRun(db, req.actor, { kind: 'manual', asOf: req.body.asOf }))!;
      await ctx.enqueue(run.id);
      return reply.code(202).send(run);
    },
  );
  app.get('/api/v1/analytics/runs', { schema: { tags, summary: 'Analytics runs, newest first', querystring: listRunsQuery, response: { 200: runList } } }, async (req) => ({
    items: await listRuns(db, req.actor, req.query.limit),
  }));
  app.get('/api/v1/analytics/runs/:id', { schema: { tags, summary: 'A run: status, progress, settings, fitted models and diagnostics', params: runIdParam, response: { 200: runDetail } } }, async (req) =>
    getRun(db, req.actor, req.params.id),
  );
  app.get('/api/v1/analytics/rfm', { schema: { tags, summary: 'RFM grid (R × F counts) and the eight RFM groups', response: { 200: rfmGridView } } }, async (req) => rfmGrid(db, req.actor));
  app.get('/api/v1/analytics/tiers', { schema: { tags, summary: 'Customers by value tier', response: { 200: tierDistributionView } } }, async (req) => tierDistribution(db, req.actor));
  app.get('/api/v1/analytics/matrix', { schema: { tags, summary: 'The value × loyalty matrix', response: { 200: matrixView } } }, async (req) => valueLoyaltyMatrix(db, req.actor));
  app.get('/api/v1/analytics/clv-histogram', { schema: { tags, summary: 'Distribution of the model-based CLV', querystring: histogramQuery, response: { 200: clvHistogramView } } }, async (req) =>
    clvHistogram(db, req.actor, req.query.buckets),
  );
  app.get('/api/v1/analytics/churn', { schema: { tags, summary: 'Customers by churn risk, with reasons and owner', querystring: churnQuery, response: { 200: churnListView } } }, async (req) =>
    churnList(db, req.actor, req.query),
  );
  app.get('/api/v1/analytics/movement', { schema: { tags, summary: 'Tier movement between two runs (from × to counts)', querystring: movementQuery, response: { 200: movementView } } }, async (req) =>
    tierMovement(db, req.actor, req.query.from, req.query.to),
  );
  app.get('/api/v1/customers/:id/analytics', { schema: { tags, summary: "One customer's scores, tier, CLV, P(alive), risk and their history", params: customerIdParam, response: { 200: customerAnalyticsView } } }, async (req) =>
    customerAnalytics(db, req.actor, req.params.id),
  );
  app.get('/api/v1/analytics/settings', { schema: { tags, summary: 'Settings of the analytics run (scorecard, cut-offs, CLV parameters)', response: { 200: analyticsSettings } } }, async (req) =>
    getSettings(db, req.actor),
  );
  app.get('/api/v1/analytics/scorecard-inputs', { schema: { tags, summary: "Other modules' metrics a scorecard indicator may use (metric `input`, field = key)", response: { 200: scorecardInputList } } }, async (req) =>
    ({ items: listScorecardInputs(req.actor) }),
  );
  app.put('/api/v1/analytics/settings', { schema: { tags, summary: 'Replace the analytics settings', body: settingsSchema, response: { 200: analyticsSettings } } }, async (req) =>
    updateSettings(db, req.actor, req.body),
  );
}
