import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../modules/demo/index.js';
import { openDatabase } from '../platform/db/client.js';
import { migratedCliDatabase } from '../test/cli-database.js';
import { killChildren, runHearth } from '../test/spawn.js';

/** `hearth demo load` and `hearth demo cdnow` as a user runs them, on a fresh database (embedded or PostgreSQL). */
describe('hearth demo', () => {
  const env: Record<string, string> = { LANG: 'zh_CN.UTF-8' };
  let dir = '';
  let cleanup = async () => {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hearth-demo-'));
    // A migrated, not set-up database (the run's template; the migrations themselves are cli.test.ts's business).
    ({ cleanup } = await migratedCliDatabase('hearth_demo', env));
  });
  // A test that timed out leaves its process running (holding the data directory's lock): not past its test.
  afterEach(killChildren);
  afterAll(async () => {
    killChildren();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const hearth = (...args: string[]) => runHearth(args, env, 170_000);
  const count = async (table: string) => {
    const database = await openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 } : { kind: 'pglite', dataDir: env.DATA_DIR! });
    try {
      const res = (await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] };
      return res.rows[0]!.n;
    } finally {
      await database.close();
    }
  };

  it('demo load sets up a fresh database and loads the same data for the same seed; another demo on top is refused', async () => {
    const args = ['demo', 'load', '--size', '600', '--seed', '3', '--as-of', '2026-11-23', '--admin-password', 'Admin-pass-1', '--format', 'json'];
    const first = await hearth(...args);
    expect(first.code, first.stderr).toBe(0);
    const outcome = JSON.parse(first.stdout.trim().split('\n').pop()!);
    expect(outcome).toMatchObject({ status: 'done', customers: 600, loaded: 600, fingerprint: fingerprint({ seed: 3, size: 600, asOf: '2026-11-23' }) });
    expect(first.stderr).toMatch(/stats households=600 transactions=\d+ seconds=[\d.]+ peakRssMB=\d+/);
    // The households, and the new households of the played history's referrals (老带新, demo/loyalty.ts) with their payments.
    expect(await count("customers where external_id like 'HR%'")).toBe(600);
    expect(await count("customers where external_id like 'TJ%'")).toBe(5);
    expect(await count("transactions where external_id not like 'TJ%'")).toBe(outcome.transactions);
    expect(await count("users where username like 'demo.manager%'")).toBe(3);

    // The same parameters again: nothing written twice.
    const again = await hearth(...args);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').pop()!).fingerprint).toBe(outcome.fingerprint);
    // 600 households, 5 referred, 4 registered twice and 12 imported by the played history (demo/content.ts): 621.
    expect(await count('customers')).toBe(621);

    const other = await hearth('demo', 'load', '--size', '700', '--seed', '3', '--as-of', '2026-11-23');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('已加载过另一份演示数据（600 户，种子 3）');
  }, 180_000); // three processes, each opening the database

  it('demo cdnow imports a CDNOW-format purchase log as transactions, creating its customers', async () => {
    const file = path.join(dir, 'CDNOW_master.txt');
    writeFileSync(
      file,
      ['customer_id date number_of_cds dollar_value', '00001 19970101 1 11.77', '00002 19970112 1 12.00', '00002 19970112 5 77.00', '00003 19970102 2 20.76', '00003 19970330 2 20.76'].join('\n') + '\n',
    );
    const r = await hearth('demo', 'cdnow', '--file', file);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('导入完成：新建 5，更新 0，跳过 0，拒绝 0');
    expect(await count("customers where external_id in ('00001', '00002', '00003')")).toBe(3);
    expect(await count("transactions t join customers c on c.id = t.customer_id where c.external_id = '00002' and t.amount_fen in (1200, 7700)")).toBe(2);
  });
});
