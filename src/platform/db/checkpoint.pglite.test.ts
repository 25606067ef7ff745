/**
 * PGlite has no checkpointer process, so without the app's own checkpoints the WAL written since the process started
 * would all be replayed after a crash (and never recycled). PgliteCheckpointer bounds it; a crash after a checkpoint
 * replays (almost) nothing. Durability across kill -9 itself: durability.pglite.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { PgliteCheckpointer } from './client.js';

describe('PGlite checkpoints', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-checkpoint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes no checkpoint by itself, and the checkpointer bounds what a crash would replay', async () => {
    const client = await PGlite.create({ dataDir: dir });
    const checkpointer = new PgliteCheckpointer(client);
    try {
      await client.exec(`create table t (id int primary key, pad text)`);
      await client.exec(`checkpoint`);
      const start = await checkpointer.pendingWalBytes();
      expect(start).toBeLessThan(PgliteCheckpointer.IDLE_LIMIT);
      // About 20 MB of WAL: PostgreSQL under a postmaster would have checkpointed on its own (max_wal_size); PGlite not.
      await client.exec(`insert into t select g, repeat('x', 200) from generate_series(1, 80000) g`);
      const written = await checkpointer.pendingWalBytes();
      expect(written).toBeGreaterThan(PgliteCheckpointer.WAL_LIMIT);
      // One check of the timer's: past the limit → a checkpoint, after which a crash replays nearly nothing.
      await checkpointer.check();
      expect(await checkpointer.pendingWalBytes()).toBeLessThan(PgliteCheckpointer.IDLE_LIMIT);
      // Below the limits nothing happens.
      await client.exec(`insert into t values (0, 'y')`);
      const small = await checkpointer.pendingWalBytes();
      await checkpointer.check();
      expect(await checkpointer.pendingWalBytes()).toBeGreaterThanOrEqual(small);
    } finally {
      await checkpointer.stop();
      await client.close();
    }
  }, 240_000); // a fresh data directory: initdb in WebAssembly, then ~20 MB of WAL (a minute beside the rest of CI)
});
