import type { Config } from './platform/config.js';
import type { Database } from './platform/db/client.js';
import { createServer, type App } from './platform/http/server.js';
import type { ServiceContext } from './platform/context.js';
import { accountsRoutes, actorForUserId, authenticateSession, authenticateToken, ensureBuiltinRoles } from './modules/accounts/index.js';
import { auditRoutes } from './modules/audit/index.js';
import { customerImporter, customerRoutes, mergeRoutes, registerMergeHook, tagRoutes } from './modules/customers/index.js';
import { importRoutes, registerImporter, runImport, unfinishedImportIds } from './modules/imports/index.js';
import { settingsRoutes } from './modules/settings/index.js';
import { customFieldRoutes } from './modules/fields/index.js';
import { transactionImporter, transactionMergeHook, transactionRoutes, transactionTimelineSource } from './modules/transactions/index.js';
import {
  interactionMergeHook,
  interactionRoutes,
  interactionTimelineSource,
  registerTimelineSource,
  taskMergeHook,
  taskTimelineSource,
} from './modules/interactions/index.js';
import { Jobs } from './platform/jobs.js';
import { DEMO_QUEUE, demoRoutes, runDemoJob, unfinishedDemo } from './modules/demo/index.js';

/** Prepares a database for use: migrations, then the data the code relies on (built-in roles). */
export async function prepareDatabase(database: Database): Promise<void> {
  await database.migrate();
  await ensureBuiltinRoles(database.db);
}

registerImporter(customerImporter);
registerImporter(transactionImporter);
// Merging duplicate customers: each module that keeps rows per customer moves its own (and moves them back on undo).
registerMergeHook(transactionMergeHook);
registerMergeHook(interactionMergeHook);
registerMergeHook(taskMergeHook);
// The customer timeline: every module with business events on a customer contributes a source.
registerTimelineSource(interactionTimelineSource);
registerTimelineSource(transactionTimelineSource);
registerTimelineSource(taskTimelineSource);

/**
 * The composition root: platform + every module's routes and background jobs, over one database. With
 * `resumeJobs`, imports that were running when the process last stopped are picked up again.
 */
export async function buildApp(opts: { config: Config; database: Database; logger?: boolean; resumeJobs?: boolean }): Promise<App> {
  const ctx: ServiceContext = { db: opts.database.db, config: opts.config };
  const jobs = new Jobs(opts.database);
  // On the embedded database this process is the only one, so a job left "running" was orphaned by a crash.
  const takeOver = opts.database.kind === 'pglite';
  jobs.handle('import.run', async (data, signal) => {
    await runImport(ctx.db, String(data.id), { signal, takeOver, resolveActor: (userId) => actorForUserId(ctx, userId) });
  });
  const enqueue = (id: string, startAfterSeconds = 0) => jobs.send('import.run', { id }, startAfterSeconds);
  jobs.handle(DEMO_QUEUE, (data, signal) => runDemoJob(ctx, data, signal, (userId) => actorForUserId(ctx, userId), takeOver ? 1 : 2));
  const app = await createServer({
    config: opts.config,
    databaseKind: opts.database.kind,
    logger: opts.logger,
    authenticate: async (c) => {
      const info = { ip: c.ip, userAgent: c.userAgent, locale: c.locale };
      if (c.bearer) return authenticateToken(ctx, c.bearer, info);
      if (c.sessionToken) return authenticateSession(ctx, c.sessionToken, info);
      return null;
    },
  });
  await accountsRoutes(app, ctx);
  await settingsRoutes(app, ctx);
  await auditRoutes(app, ctx);
  await customerRoutes(app, ctx);
  await tagRoutes(app, ctx);
  await mergeRoutes(app, ctx);
  await customFieldRoutes(app, ctx);
  await transactionRoutes(app, ctx);
  await interactionRoutes(app, ctx);
  await importRoutes(app, { ...ctx, enqueue: (id) => enqueue(id) });
  await demoRoutes(app, { ...ctx, enqueue: (data) => jobs.send(DEMO_QUEUE, data) });
  app.addHook('onClose', () => jobs.stop());
  // On PostgreSQL another process may still be running a job: look again once its heartbeat would be stale.
  if (opts.resumeJobs) {
    for (const id of await unfinishedImportIds(ctx.db)) await enqueue(id, takeOver ? 0 : 90);
    const demo = await unfinishedDemo(ctx.db);
    if (demo) await jobs.send(DEMO_QUEUE, demo, takeOver ? 0 : 90);
  }
  return app;
}
