/**
 * Migration 0021: the demo's progress marker (`settings.demo`, before the load became a durable run) moves to its run
 * row in `demo_loads`; a load that was in flight resumes from where it stopped.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { MIGRATIONS_DIR, openDatabase, rowsOf, type Database } from '../../platform/db/client.js';
import { scratchPostgresDatabase, TEST_DB_KIND } from '../../test/harness.js';
import { demoStatus } from './demo.service.js';
import { GENERATOR_VERSION } from './generator.js';
import { unfinishedDemo } from './resume.js';

const USER = '7b0c2d1e-0000-4000-8000-000000000001';

describe('migrating the demo marker', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-demo-migration-'));
  let database: Database | null = null;
  let drop = async () => {};
  afterAll(async () => {
    await database?.close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves a loading marker to a run row that resumes from its checkpoint, and removes the setting', { timeout: 300_000 }, async () => {
    // The migrations as they were before this one.
    const before = path.join(dir, 'drizzle');
    cpSync(MIGRATIONS_DIR, before, { recursive: true });
    const journalPath = path.join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag === '0021_durable_runs');
    expect(at).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, at);
    writeFileSync(journalPath, JSON.stringify(journal));

    if (TEST_DB_KIND === 'postgres') {
      const scratch = await scratchPostgresDatabase('hearth_demo_mig');
      drop = scratch.drop;
      database = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 2 });
      await migratePg(database.db as never, { migrationsFolder: before });
    } else {
      database = await openDatabase({ kind: 'pglite', dataDir: null });
      await migratePglite(database.db as never, { migrationsFolder: before });
    }
    const db = database.db;
    const marker = {
      status: 'loading',
      seed: 7,
      size: 1200,
      asOf: '2026-11-23',
      loaded: 400,
      customers: 400,
      transactions: 5123,
      fingerprint: null,
      startedAt: '2026-12-01T08:00:00.000Z',
      finishedAt: null,
      seconds: null,
      error: null,
      // This program's generator (a load begun by another version is not resumed: demo-version.test.ts).
      version: GENERATOR_VERSION,
      requestedBy: USER,
      droppedIndexes: ['CREATE INDEX x ON public.customers USING btree (name)'],
    };
    await db.execute(sql`insert into settings (key, value) values ('demo', ${JSON.stringify(marker)}::jsonb)`);

    await database.migrate();
    expect(rowsOf(await db.execute(sql`select 1 from settings where key = 'demo'`))).toEqual([]);
    const [row] = rowsOf<Record<string, unknown>>(await db.execute(sql`select * from demo_loads`));
    expect(row).toMatchObject({
      status: 'running',
      owner: null,
      heartbeat_at: null,
      seed: 7,
      size: 1200,
      generator_version: GENERATOR_VERSION,
      requested_by: USER,
      checkpoint: { loaded: 400, customers: 400, transactions: 5123, droppedIndexes: marker.droppedIndexes },
      progress: { phase: 'households', done: 400, total: 1200 },
    });
    // The server queues it again at start, and the status reads as before.
    expect(await unfinishedDemo(db)).toEqual({ userId: USER, seed: 7, size: 1200, asOf: '2026-11-23' });
    expect(await demoStatus(db, systemActor('cli'))).toMatchObject({
      status: 'loading',
      loaded: 400,
      customers: 400,
      transactions: 5123,
      startedAt: '2026-12-01T08:00:00.000Z',
    });
  });
});
