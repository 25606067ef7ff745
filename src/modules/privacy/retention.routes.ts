import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import { retentionRunPage, retentionRunView, retentionSettingsView } from './retention.schemas.js';
import { createApply, createDryRun, getRetentionRun, getRetentionSettings, listRetentionRuns, updateRetentionSettings } from './retention.service.js';
import { retentionRunParam, retentionRunsQuery, retentionSettingsBody } from './retention.types.js';

export type RetentionContext = ServiceContext & { now?: () => Date; enqueue: (runId: string) => Promise<unknown> };

/** 数据保留 (issue #18 item 5): policies, dry runs and applies. All need privacy:manage. */
export async function retentionRoutes(app: App, ctx: RetentionContext): Promise<void> {
  const { db } = ctx;
  const now = ctx.now ?? (() => new Date());
  const tags = ['privacy'];
  const config = { fieldLabels: 'retention' };

  app.get('/api/v1/privacy/retention/settings', { schema: { tags, summary: 'Retention policies per kind of data', response: { 200: retentionSettingsView } } }, async (req) =>
    getRetentionSettings(db, req.actor),
  );
  app.patch(
    '/api/v1/privacy/retention/settings',
    { schema: { tags, summary: 'Turn policies on or off and set their periods', body: retentionSettingsBody, response: { 200: retentionSettingsView } }, config },
    async (req) => db.transaction((tx) => updateRetentionSettings(tx, req.actor, req.body)),
  );
  app.get('/api/v1/privacy/retention/runs', { schema: { tags, summary: 'Retention runs (dry runs and applies), newest first', querystring: retentionRunsQuery, response: { 200: retentionRunPage } } }, async (req) =>
    listRetentionRuns(db, req.actor, req.query),
  );
  app.get('/api/v1/privacy/retention/runs/:id', { schema: { tags, summary: 'One retention run with its report', params: retentionRunParam, response: { 200: retentionRunView } } }, async (req) =>
    getRetentionRun(db, req.actor, req.params.id),
  );
  app.post(
    '/api/v1/privacy/retention/runs',
    { schema: { tags, summary: 'Start a dry run of the enabled policies: counts and a sample per policy, nothing removed', response: { 201: retentionRunView } }, config },
    async (req, reply) => {
      const run = await db.transaction((tx) => createDryRun(tx, req.actor, 'manual', now()));
      await ctx.enqueue(run.id);
      return reply.code(201).send(run);
    },
  );
  app.post(
    '/api/v1/privacy/retention/runs/:id/apply',
    { schema: { tags, summary: 'Apply a finished dry run (within 7 days, once): remove what its cut-offs select', params: retentionRunParam, response: { 201: retentionRunView } }, config },
    async (req, reply) => {
      const run = await db.transaction((tx) => createApply(tx, req.actor, req.params.id, 'manual', now()));
      await ctx.enqueue(run.id);
      return reply.code(201).send(run);
    },
  );
}
