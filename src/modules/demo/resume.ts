/**
 * Resuming the demo load across processes and versions. The server queues a load that was queued or running when the
 * process stopped (`unfinishedDemo`). A load begun by another generator version is never resumed — the same seed and
 * size make other households, so a resume would add them to the ones already written and the fingerprint would
 * describe neither: `beginDemo` refuses it with `versionChanged` (409, saying which versions and what to do), and at
 * the server's start such a load, once nobody beats its heartbeat, is failed with that reason instead of queued, so
 * the demo's status says why.
 */
import { sql } from 'drizzle-orm';
import { type DbOrTx } from '../../platform/db/client.js';
import { isEmbedded } from '../../platform/db/slice.js';
import { AppError } from '../../platform/errors.js';
import { t } from '../../platform/i18n/index.js';
import { DurableRuns } from '../../platform/runs/index.js';
import { GENERATOR_VERSION } from './generator.js';
import { demoLoads, type DemoCheckpoint } from './schema.js';

type LoadRow = typeof demoLoads.$inferSelect;
const runs = new DurableRuns<DemoCheckpoint>(demoLoads);

/** The refusal of a load (or its resume) begun by another generator version. */
export function versionChanged(row: Pick<LoadRow, 'size' | 'seed' | 'checkpoint' | 'generatorVersion' | 'status'>): AppError {
  const params = { size: row.size, seed: row.seed, loaded: row.checkpoint?.loaded ?? 0, stored: row.generatorVersion, current: GENERATOR_VERSION };
  return AppError.conflict(row.status === 'done' ? 'demo.version_done' : 'demo.version_changed', params);
}

/** A load that was queued or running when the process stopped, to be resumed by the server at start (see above). */
export async function unfinishedDemo(db: DbOrTx): Promise<{ userId: string; seed: number; size: number; asOf: string } | null> {
  if (!(await runs.unfinished(db)).length) return null;
  const [row] = await db.select().from(demoLoads).limit(1);
  if (!row || (row.status !== 'queued' && row.status !== 'running')) return null;
  if (row.generatorVersion !== GENERATOR_VERSION) {
    if (isEmbedded(db) || runs.isInterrupted(row)) {
      const err = versionChanged(row);
      await db.execute(sql`
        update demo_loads set status = 'failed', owner = null, error = ${t('zh-CN', err.key, err.params)}, finished_at = now()
        where id = ${row.id} and status in ('queued', 'running')`);
    }
    return null;
  }
  if (!row.requestedBy) return null;
  return { userId: row.requestedBy, seed: row.seed, size: row.size, asOf: row.asOf };
}
