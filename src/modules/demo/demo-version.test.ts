/**
 * A demo load begun by another generator version is never resumed (the same seed and size make other households):
 * `POST /api/v1/demo` and `hearth demo load` (loadDemo) refuse it with 409 saying which versions and what to do, in
 * the caller's language; at the server's start the interrupted load is failed with that reason instead of queued,
 * so GET /api/v1/demo says why. A finished load of an older version is refused the same way unless the benchmark's
 * `acceptOlderVersion` reuses it. Nothing is written by a refusal.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { loadDemo, todayInShanghai } from './demo.service.js';
import { unfinishedDemo } from './resume.js';
import { GENERATOR_VERSION } from './generator.js';

const OLD = GENERATOR_VERSION - 1;

describe('a demo load of another generator version', () => {
  let ctx: TestContext;
  const params = () => ({ seed: 7, size: 1200, asOf: todayInShanghai() });
  const customers = async () => Number(rowsOf<{ n: string }>(await ctx.database.db.execute(sql`select count(*) as n from customers`))[0]!.n);

  beforeAll(async () => {
    ctx = await createTestContext();
    // An interrupted load of the previous generator: 300 households written, its process gone two minutes ago.
    const p = params();
    await ctx.database.db.execute(sql`
      insert into demo_loads (status, seed, size, as_of, generator_version, requested_by, checkpoint, progress, started_at, heartbeat_at, owner)
      values ('running', ${p.seed}, ${p.size}, ${p.asOf}, ${OLD}, ${ctx.admin.userId}, ${JSON.stringify({ loaded: 300, customers: 300, transactions: 2500, droppedIndexes: [] })}::jsonb,
              ${JSON.stringify({ phase: 'households', done: 300, total: p.size })}::jsonb, now() - interval '10 minutes', now() - interval '2 minutes', 'gone:1:x')`);
  });
  afterAll(() => ctx.close());

  it('is not resumed through the API: 409 naming both versions and what to do, in zh-CN and English', async () => {
    const before = await customers();
    const en = problemOf(await ctx.admin.post('/api/v1/demo', { size: 1200, seed: 7 }, { 'accept-language': 'en' }), 409);
    expect(en.detail).toBe(
      `This demo load (1200 households, seed 7, 300 written) was started by generator version ${OLD}; this program is version ${GENERATOR_VERSION}, which generates other data, so the load cannot be resumed: load the demo again into a fresh installation (an empty database), or finish this load with a version ${OLD} program`,
    );
    const zh = problemOf(await ctx.admin.post('/api/v1/demo', { size: 1200, seed: 7 }), 409);
    expect(zh.detail).toContain(`由第 ${OLD} 版生成器开始加载，当前程序是第 ${GENERATOR_VERSION} 版`);
    expect(zh.detail).toContain('请在新的安装（空数据库）中重新加载');
    // Other parameters are still "another demo" (the older message).
    expect(problemOf(await ctx.admin.post('/api/v1/demo', { size: 1500, seed: 7 }, { 'accept-language': 'en' }), 409).detail).toMatch(/already loaded/);
    expect(await customers()).toBe(before);
    expect(ok(await ctx.admin.get('/api/v1/demo'))).toMatchObject({ status: 'loading', loaded: 300 });
  });

  it('is not resumed by the command line either (loadDemo), even with --accept-older-version', async () => {
    for (const acceptOlderVersion of [false, true]) {
      const err = await loadDemo(ctx.database.db, systemActor('cli', 'en'), params(), { acceptOlderVersion }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).key).toBe('demo.version_changed');
      expect((err as AppError).params).toMatchObject({ stored: OLD, current: GENERATOR_VERSION, loaded: 300 });
    }
  });

  it('at the server start: failed with the reason instead of queued; GET /api/v1/demo says why', async () => {
    expect(await unfinishedDemo(ctx.database.db)).toBeNull();
    const status = ok(await ctx.admin.get('/api/v1/demo'));
    expect(status).toMatchObject({ status: 'failed', loaded: 300 });
    expect(status.error).toContain(`第 ${OLD} 版生成器`);
    // Still refused (a failed load of the same parameters would otherwise be queued again and resumed).
    problemOf(await ctx.admin.post('/api/v1/demo', { size: 1200, seed: 7 }), 409);
  });

  it('a finished older load: refused with its own message; the benchmark reuses it with acceptOlderVersion', async () => {
    await ctx.database.db.execute(sql`update demo_loads set status = 'done', error = null, checkpoint = jsonb_set(checkpoint, '{loaded}', '1200')`);
    const en = problemOf(await ctx.admin.post('/api/v1/demo', { size: 1200, seed: 7 }, { 'accept-language': 'en' }), 409);
    expect(en.detail).toBe(
      `The loaded demo data (1200 households, seed 7) was made by generator version ${OLD}; this program is version ${GENERATOR_VERSION}: to get the new data, load it into a fresh installation (an empty database)`,
    );
    const reused = await loadDemo(ctx.database.db, systemActor('cli', 'en'), params(), { acceptOlderVersion: true });
    expect(reused).toMatchObject({ status: 'done', loaded: 1200 });
  });
});
