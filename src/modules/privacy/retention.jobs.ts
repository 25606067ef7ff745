import type { ServiceContext } from '../../platform/context.js';
import type { App } from '../../platform/http/server.js';
import type { Jobs } from '../../platform/jobs.js';
import { consentRoutes } from './consent.routes.js';
import { retentionRoutes } from './retention.routes.js';
import { executeRetentionRun, queueNightlyRetention, RETENTION_QUEUE, unfinishedRetentionIds } from './retention.service.js';

/** How often a server checks whether tonight's dry run is due. */
const NIGHTLY_CHECK_MS = 10 * 60_000;

/**
 * 同意记录 and 数据保留 (issue #18) in a server: the consent ledger's routes; retention runs as pg-boss jobs (a dry run
 * or an apply per job, on request); and, where the server resumes jobs (`resumeAfter` not null), runs a stop left
 * unfinished queued again and the nightly dry run (checked every 10 minutes, queued between 00:00 and 06:00 company time
 * when a policy is on; one per company day, whichever process queues it first).
 */
export async function privacyLedgerAndRetention(app: App, ctx: ServiceContext, jobs: Jobs, now: () => Date, resumeAfter: number | null): Promise<void> {
  await consentRoutes(app, ctx);
  jobs.handle(RETENTION_QUEUE, async (data, signal) => {
    await executeRetentionRun(ctx.db, String(data.id), { signal, dataDir: ctx.config.dataDir, log: (line) => app.log.warn(line) });
  }, { resumeAfterSeconds: 90 });
  await retentionRoutes(app, { ...ctx, now, enqueue: (id) => jobs.send(RETENTION_QUEUE, { id }) });
  if (resumeAfter === null) return;
  for (const id of await unfinishedRetentionIds(ctx.db)) await jobs.send(RETENTION_QUEUE, { id }, resumeAfter);
  const nightly = () =>
    void queueNightlyRetention(ctx.db, now())
      .then((id) => (id ? jobs.send(RETENTION_QUEUE, { id }) : undefined))
      .catch((err: Error) => app.log.warn(`retention nightly: ${err.message}`));
  const timer = setInterval(nightly, NIGHTLY_CHECK_MS);
  timer.unref();
  app.addHook('onClose', () => clearInterval(timer));
}
