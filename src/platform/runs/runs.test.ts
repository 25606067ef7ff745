/**
 * The durable-run primitive on the real database (PGlite and PostgreSQL): claims (two claimers, exactly one wins),
 * takeover of a run whose owner died, the heartbeat, checkpoints that commit or roll back with their work, cancel,
 * a stop that releases the run, and a lost connection that leaves it for takeover.
 */
import { sql } from 'drizzle-orm';
import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf, type Db } from '../db/client.js';
import { yieldToEventLoop } from '../db/slice.js';
import { createTestContext, TEST_DB_KIND, type TestContext } from '../../test/harness.js';
import { runColumns } from './columns.js';
import { DurableRuns, PROCESS_OWNER, RunLostError, type RunHandle } from './runs.js';

type Cp = { n: number };
const runTest = pgTable('run_test', { id: uuid('id').primaryKey().defaultRandom(), ...runColumns<Cp>(), name: text('name') });

const DDL = `
  create table run_test (
    id uuid primary key default gen_random_uuid(),
    status text not null default 'queued',
    owner text,
    progress jsonb not null default '{"phase":"queued","done":0,"total":0}'::jsonb,
    checkpoint jsonb,
    cancel_requested boolean not null default false,
    error text,
    created_at timestamptz not null default now(),
    started_at timestamptz,
    heartbeat_at timestamptz,
    finished_at timestamptz,
    name text
  );
  create table run_test_items (run_id uuid not null, n int not null, primary key (run_id, n))`;

describe('durable runs', () => {
  let ctx: TestContext;
  let db: Db;
  const runs = new DurableRuns<Cp>(runTest);
  const embedded = TEST_DB_KIND === 'pglite';

  beforeAll(async () => {
    ctx = await createTestContext({ setup: false });
    db = ctx.database.db;
    await ctx.database.executeSql(DDL); // a script: both statements
  });
  afterAll(() => ctx.close());
  beforeEach(async () => {
    await db.execute(sql`truncate run_test, run_test_items`);
  });

  const newRun = async (status = 'queued') => rowsOf<{ id: string }>(await db.execute(sql`insert into run_test (status) values (${status}) returning id`))[0]!.id;
  const items = async (id: string) => rowsOf<{ n: number }>(await db.execute(sql`select n from run_test_items where run_id = ${id} order by n`)).map((r) => r.n);
  const age = (id: string, seconds: number) => db.execute(sql`update run_test set heartbeat_at = now() - make_interval(secs => ${seconds}) where id = ${id}`);
  /** One piece of work and its checkpoint in one transaction. */
  const step = (run: RunHandle<Cp>, n: number) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`insert into run_test_items (run_id, n) values (${run.id}, ${n})`);
      return run.save(tx, { n }, { phase: 'items', done: n, total: 10 });
    });

  it('lets exactly one of two claimers take a queued run', async () => {
    for (let i = 0; i < 10; i++) {
      const id = await newRun();
      // Two processes on PostgreSQL (two connections of the pool); on PGlite two claims of this process.
      const owners = embedded ? [PROCESS_OWNER, PROCESS_OWNER] : ['process-a', 'process-b'];
      const claims = await Promise.all(owners.map((owner) => runs.claim(db, id, { owner })));
      expect(claims.filter(Boolean).length).toBe(1);
      const state = await runs.state(db, id);
      expect(state).toMatchObject({ status: 'running', owner: owners[claims.findIndex(Boolean)] });
      expect(state!.startedAt).toBeInstanceOf(Date);
    }
  });

  it('takes over a run whose owner died (stale heartbeat; on PGlite any other owner at once), resuming from its checkpoint', async () => {
    const id = await newRun();
    const a = await runs.execute(db, id, async (run) => {
      expect(run.resumeFrom).toBeNull();
      await step(run, 1);
      await step(run, 2);
      // The process "dies" here: another process looks at the run.
      if (!embedded) {
        expect(await runs.claim(db, id, { owner: 'process-b' })).toBeNull(); // its heartbeat is fresh
        await age(id, 61);
      }
      const taken = await runs.claim(db, id, { owner: 'process-b' });
      expect(taken).toMatchObject({ status: 'running', owner: 'process-b', checkpoint: { n: 2 } });
      // The old owner's next piece of work fails its checkpoint and rolls back with it.
      await expect(step(run, 3)).rejects.toBeInstanceOf(RunLostError);
    });
    expect(a).toBe('lost');
    expect(await items(id)).toEqual([1, 2]);
    expect(await runs.state(db, id)).toMatchObject({ status: 'running', owner: 'process-b', checkpoint: { n: 2 }, progress: { phase: 'items', done: 2, total: 10 } });
  });

  it('commits a checkpoint only with its work', async () => {
    const id = await newRun();
    await runs.execute(db, id, async (run) => {
      await step(run, 1);
      // A piece of work that fails after its checkpoint: neither the work nor the checkpoint stays.
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(sql`insert into run_test_items (run_id, n) values (${run.id}, 2)`);
          await run.save(tx, { n: 2 });
          await tx.execute(sql`select 1 / 0`);
        }),
      ).rejects.toThrow();
      expect((await runs.state(db, id))!.checkpoint).toEqual({ n: 1 });
      expect(await items(id)).toEqual([1]);
      await db.transaction((tx) => run.finish(tx, { progress: { phase: 'done', done: 1, total: 1 } }));
    });
    expect(await runs.state(db, id)).toMatchObject({ status: 'done', owner: null, checkpoint: { n: 1 }, progress: { phase: 'done' } });
    expect(await runs.claim(db, id)).toBeNull();
  });

  it('beats its heartbeat while the work computes, and stops at the next checkpoint when cancelled', async () => {
    const fast = new DurableRuns<Cp>(runTest, { heartbeatMs: 30 });
    const id = await newRun();
    let seenCancel = false;
    const outcome = await fast.execute(db, id, async (run) => {
      const first = (await fast.state(db, id))!.heartbeatAt!.getTime();
      // CPU work that gives the event loop turns: the timer fires meanwhile.
      const until = Date.now() + 300;
      while (Date.now() < until) await yieldToEventLoop();
      expect((await fast.state(db, id))!.heartbeatAt!.getTime()).toBeGreaterThan(first);
      // A user asks to stop: the live run is only flagged; the heartbeat tells it.
      expect(await fast.requestCancel(db, id)).toBe('running');
      while (!run.signal.aborted) await new Promise((r) => setTimeout(r, 10));
      seenCancel = run.cancelSeen;
      // Its next checkpoint commits the work and the status `cancelled` together.
      expect(await step(run, 1)).toBe(false);
    });
    expect(seenCancel).toBe(true);
    expect(outcome).toBe('cancelled');
    expect(await items(id)).toEqual([1]);
    expect(await runs.state(db, id)).toMatchObject({ status: 'cancelled', owner: null, cancelRequested: true, checkpoint: { n: 1 } });
    // A queued run is cancelled at once; so is a running one nobody holds.
    expect(await runs.requestCancel(db, await newRun())).toBe('cancelled');
    const orphan = await newRun();
    await runs.claim(db, orphan, { owner: 'process-dead' });
    await age(orphan, 61);
    expect(await runs.requestCancel(db, orphan)).toBe('cancelled');
    expect(await runs.requestCancel(db, orphan)).toBeNull();
    // Cancelled (or failed) runs can be queued again and resume from their checkpoint.
    expect(await runs.requeue(db, id)).toBe(true);
    expect(await runs.claim(db, id)).toMatchObject({ status: 'running', checkpoint: { n: 1 }, cancelRequested: false });
  });

  it('releases the run when the process stops, and resumes it exactly', async () => {
    const id = await newRun();
    const stop = new AbortController();
    const first = await runs.execute(
      db,
      id,
      async (run) => {
        for (let n = 1; n <= 10 && !run.signal.aborted; n++) {
          await step(run, n);
          if (n === 4) stop.abort();
        }
      },
      { signal: stop.signal },
    );
    expect(first).toBe('released');
    expect(await runs.state(db, id)).toMatchObject({ status: 'running', owner: null, heartbeatAt: null, checkpoint: { n: 4 } });
    expect(await runs.unfinished(db)).toEqual([id]);
    // Any process may take it at once.
    const second = await runs.execute(
      db,
      id,
      async (run) => {
        for (let n = (run.resumeFrom?.n ?? 0) + 1; n <= 10; n++) await step(run, n);
        await db.transaction((tx) => run.finish(tx));
      },
      { owner: 'process-b' },
    );
    expect(second).toBe('done');
    expect(await items(id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await runs.unfinished(db)).toEqual([]);
  });

  it('stores a failure, and leaves a run that lost its connection running for takeover', async () => {
    const failing = await newRun();
    await expect(runs.execute(db, failing, () => Promise.reject(new Error('bad input')))).rejects.toThrow('bad input');
    expect(await runs.state(db, failing)).toMatchObject({ status: 'failed', error: 'bad input', owner: null });

    const id = await newRun();
    const lost = runs.execute(db, id, async (run) => {
      await step(run, 1);
      if (embedded) {
        // The embedded database cannot lose its connection: the error such a loss raises.
        throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      }
      // A real loss: the server ends this connection in the middle of a piece of work.
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into run_test_items (run_id, n) values (${run.id}, 2)`);
        await tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
      });
    });
    await expect(lost).rejects.toSatisfy((e: unknown) => !(e instanceof RunLostError));
    const state = (await runs.state(db, id))!;
    expect(state).toMatchObject({ status: 'running', owner: PROCESS_OWNER, checkpoint: { n: 1 }, error: null });
    expect(await items(id)).toEqual([1]);
    expect(await runs.unfinished(db)).toContain(id);
    // Claimable once its heartbeat is stale (at once on PGlite by the next process), from its checkpoint.
    if (!embedded) {
      expect(await runs.claim(db, id, { owner: 'process-b' })).toBeNull();
      await age(id, 61);
    }
    expect(await runs.claim(db, id, { owner: 'process-b' })).toMatchObject({ checkpoint: { n: 1 } });
  });

  it('shows and expires runs nobody beats', async () => {
    const id = await newRun();
    await runs.claim(db, id, { owner: 'process-dead' });
    expect(runs.isInterrupted((await runs.state(db, id))!)).toBe(false);
    await age(id, 61);
    expect(runs.isInterrupted((await runs.state(db, id))!)).toBe(true);
    expect(await runs.failStale(db)).toEqual([id]);
    expect(await runs.state(db, id)).toMatchObject({ status: 'failed', error: 'interrupted' });
  });
});
