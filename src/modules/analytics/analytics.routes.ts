import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import {
  churnList,
  clvHistogram,
  customerAnalytics,
  getRun,
  getSettings,
  listRuns,
  rfmGrid,
  startRun,
  tierDistribution,
  tierMovement,
  updateSettings,
  valueLoyaltyMatrix,
} from './analytics.service.js';
import { churnQuery, customerIdParam, histogramQuery, listRunsQuery, movementQuery, runIdParam, settingsSchema, startRunBody } from './analytics.types.js';

export const ANALYTICS_QUEUE = 'analytics.run';

export async function analyticsRoutes(app: App, ctx: ServiceContext & { enqueue: (runId: string) => Promise<void> }): Promise<void> {
  const { db } = ctx;
  const tags = ['analytics'];
  app.post(
    '/api/v1/analytics/runs',
    { schema: { tags, summary: 'Start an analytics run in the background (409 while another is queued or running)', body: startRunBody } },
    async (req, reply) => {
      const run = (await startRun(db, req.actor, { kind: 'manual', asOf: req.body.asOf }))!;
      await ctx.enqueue(run.id);
      return reply.code(202).send(run);
    },
  );
  app.get('/api/v1/analytics/runs', { schema: { tags, summary: 'Analytics runs, newest first', querystring: listRunsQuery } }, async (req) => ({
    items: await listRuns(db, req.actor, req.query.limit),
  }));
  app.get('/api/v1/analytics/runs/:id', { schema: { tags, summary: 'A run: status, progress, settings, fitted models and diagnostics', params: runIdParam } }, async (req) =>
    getRun(db, req.actor, req.params.id),
  );
  app.get('/api/v1/analytics/rfm', { schema: { tags, summary: 'RFM grid (R × F counts) and the eight RFM groups' } }, async (req) => rfmGrid(db, req.actor));
  app.get('/api/v1/analytics/tiers', { schema: { tags, summary: 'Customers by value tier' } }, async (req) => tierDistribution(db, req.actor));
  app.get('/api/v1/analytics/matrix', { schema: { tags, summary: 'The value × loyalty matrix' } }, async (req) => valueLoyaltyMatrix(db, req.actor));
  app.get('/api/v1/analytics/clv-histogram', { schema: { tags, summary: 'Distribution of the model-based CLV', querystring: histogramQuery } }, async (req) =>
    clvHistogram(db, req.actor, req.query.buckets),
  );
  app.get('/api/v1/analytics/churn', { schema: { tags, summary: 'Customers by churn risk, with reasons and owner', querystring: churnQuery } }, async (req) =>
    churnList(db, req.actor, req.query),
  );
  app.get('/api/v1/analytics/movement', { schema: { tags, summary: 'Tier movement between two runs (from × to counts)', querystring: movementQuery } }, async (req) =>
    tierMovement(db, req.actor, req.query.from, req.query.to),
  );
  app.get('/api/v1/customers/:id/analytics', { schema: { tags, summary: "One customer's scores, tier, CLV, P(alive), risk and their history", params: customerIdParam } }, async (req) =>
    customerAnalytics(db, req.actor, req.params.id),
  );
  app.get('/api/v1/analytics/settings', { schema: { tags, summary: 'Settings of the analytics run (scorecard, cut-offs, CLV parameters)' } }, async (req) =>
    getSettings(db, req.actor),
  );
  app.put('/api/v1/analytics/settings', { schema: { tags, summary: 'Replace the analytics settings', body: settingsSchema } }, async (req) =>
    updateSettings(db, req.actor, req.body),
  );
}
