/**
 * Losing the database connection: which errors count as "the connection is gone" (→ 503 and a retry, not a 500), and
 * on PostgreSQL that a connection terminated under a transaction fails that transaction without an unhandled 'error'
 * event (which would end the process), and that the pool then reconnects by itself. The whole server under a write
 * load with terminations and a PostgreSQL restart: connection-loss.process.test.ts.
 */
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { createTestContext, TEST_DB_KIND, type TestContext } from '../../test/harness.js';
import { freePort } from '../../test/server-process.js';
import { DatabaseUnavailableError, isConnectionLost, isUniqueViolation } from './client.js';

describe('isConnectionLost', () => {
  it('recognises lost connections, refused connections and pool timeouts, also wrapped', async () => {
    // A real refused connection (nothing listens on a port that was just free).
    const port = await freePort();
    const refused = await new pg.Client({ host: '127.0.0.1', port, user: 'x', database: 'x' }).connect().then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeTruthy();
    expect(isConnectionLost(refused)).toBe(true);
    for (const code of ['57P01', '57P02', '57P03', '08000', '08003', '08006']) {
      expect(isConnectionLost(Object.assign(new Error('x'), { code })), code).toBe(true);
    }
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isConnectionLost(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isConnectionLost(new DatabaseUnavailableError('no answer'))).toBe(true);
    // As Drizzle and Node wrap them.
    const wrapped = new DrizzleQueryError('insert into customers …', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    expect(isConnectionLost(wrapped)).toBe(true);
    expect(isConnectionLost(new AggregateError([Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })], 'connect'))).toBe(true);
  });

  it('does not take query errors for lost connections', () => {
    const unique = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    expect(isConnectionLost(unique)).toBe(false);
    expect(isUniqueViolation(unique)).toBe(true);
    expect(isConnectionLost(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isConnectionLost(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBe(false);
    expect(isConnectionLost(new Error('internal'))).toBe(false);
    expect(isConnectionLost(null)).toBe(false);
    expect(isConnectionLost('Connection terminated')).toBe(false);
  });
});

describe.skipIf(TEST_DB_KIND !== 'postgres')('a connection lost on PostgreSQL', () => {
  let ctx: TestContext;
  let admin: pg.Client;
  let dbName: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    dbName = ((await ctx.database.executeSql('select current_database() as name')).rows[0] as { name: string }).name;
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await ctx?.close();
  });

  const terminateAll = async () =>
    (await admin.query(`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [dbName]))
      .rows[0].n as number;

  it('fails the transaction whose connection was terminated, without an unhandled error, and reconnects', async () => {
    let caught: unknown = null;
    try {
      await ctx.database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        // The client is checked out and idle inside the transaction when its backend is terminated: pg emits 'error'
        // on it (57P01, then "Connection terminated unexpectedly"). Without a listener that ended the process.
        expect(await terminateAll()).toBeGreaterThan(0);
        await new Promise((r) => setTimeout(r, 200));
        await tx.execute(sql`select 2`);
      });
    } catch (err) {
      caught = err;
    }
    expect(caught, 'the transaction must fail').toBeTruthy();
    expect(isConnectionLost(caught)).toBe(true);
    // The pool opens new connections: requests work again at once.
    const res = await ctx.admin.get('/api/v1/customers');
    expect(res.statusCode, res.body).toBe(200);
    await expect(ctx.database.ping()).resolves.toBeUndefined();
    expect((await ctx.anon.get('/api/health')).statusCode).toBe(200);
  });

  it('survives terminating every connection, idle ones included, between requests', async () => {
    for (let round = 0; round < 3; round++) {
      await Promise.all([ctx.admin.get('/api/v1/customers'), ctx.admin.get('/api/v1/customers'), ctx.admin.get('/api/v1/users')]);
      await terminateAll();
      await new Promise((r) => setTimeout(r, 100));
      const created = await ctx.admin.post('/api/v1/customers', { name: `断线后${round}` });
      expect(created.statusCode, created.body).toBe(201);
    }
  });
});
