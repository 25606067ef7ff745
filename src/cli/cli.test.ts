import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scratchPostgresDatabase, TEST_DB_KIND } from '../test/harness.js';
import { killChildren, runHearth } from '../test/spawn.js';
import { openDatabase } from '../platform/db/client.js';
import { sql } from 'drizzle-orm';

/** The `hearth` CLI as a user runs it: a real process on a fresh database (embedded, or PostgreSQL). */
// Real processes on a shared CI machine: a few of them per test take more than a minute when both cores are busy.
describe('hearth CLI', { timeout: 240_000 }, () => {
  const env: Record<string, string> = { LANG: 'zh_CN.UTF-8' };
  let cleanup = async () => {};

  beforeAll(async () => {
    if (TEST_DB_KIND === 'postgres') {
      const scratch = await scratchPostgresDatabase('hearth_cli');
      env.DATABASE_URL = scratch.url;
      cleanup = scratch.drop;
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'hearth-cli-'));
      env.DATA_DIR = dir;
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
  });
  // A test that timed out leaves its process running (holding the data directory's lock): not past its test.
  afterEach(killChildren);
  afterAll(async () => {
    killChildren();
    await cleanup();
  });

  // A real process each time (its own process group, killed if it hangs): `doctor` must see a new database.
  const hearth = (...args: string[]) => runHearth(args, env);

  it('doctor reports pending migrations on a new database, migrate applies them', async () => {
    // bin/hearth.mjs itself, as installed (the others run the test run's bundle of the same sources).
    const before = await runHearth(['doctor', '--format', 'json'], env, undefined, true);
    const report = JSON.parse(before.stdout.trim().split('\n').pop()!);
    expect(report.checks.find((c: { name: string }) => c.name === 'database').ok).toBe(true);
    expect(report.checks.find((c: { name: string }) => c.name === 'migrations').ok).toBe(false);
    expect(before.code).toBe(1);

    const migrate = await hearth('migrate');
    expect(migrate.code).toBe(0);
    const after = JSON.parse((await hearth('doctor', '--format', 'json')).stdout.trim().split('\n').pop()!);
    expect(after.checks.find((c: { name: string }) => c.name === 'migrations').detail).toMatch(/^(\d+) of \1 applied/);
    expect(after.checks.find((c: { name: string }) => c.name === 'pg_trgm').ok).toBe(true);
    expect(after.config.DATABASE_URL).not.toMatch(/:[^@/]*@.*password/);
  });

  it('user create performs first-run setup, then creates users with roles; bad input is explained', async () => {
    const first = await hearth('user', 'create', '--username', 'boss', '--password', 'Secret123', '--company', '哈尔滨热力', '--template', 'heating');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('admin "boss"');

    const agent = await hearth('user', 'create', '--username', 'agent1', '--password', 'Secret123', '--role', 'agent', '--mobile', '13800138000');
    expect(agent.code, agent.stderr).toBe(0);
    expect(agent.stdout).toContain('role agent');

    const bad = await hearth('user', 'create', '--username', 'x', '--password', 'weak', '--role', 'agent');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('「用户名」至少 3 个字符');
    expect(bad.stderr).toContain('「密码」至少 8 个字符');

    const dup = await hearth('user', 'create', '--username', 'agent1', '--password', 'Secret123', '--role', 'agent');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('已被使用');

    // What the CLI wrote is what the server sees.
    const database = await openDatabase(
      env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 } : { kind: 'pglite', dataDir: env.DATA_DIR! },
    );
    try {
      const rows = (await database.db.execute(sql`select username, role_key, mobile from users order by username`)) as unknown as {
        rows: { username: string; role_key: string; mobile: string | null }[];
      };
      expect(rows.rows).toEqual([
        { username: 'agent1', role_key: 'agent', mobile: '+8613800138000' },
        { username: 'boss', role_key: 'admin', mobile: null },
      ]);
      const teams = (await database.db.execute(sql`select name from teams order by name`)) as unknown as { rows: { name: string }[] };
      expect(teams.rows.map((r) => r.name)).toContain('客服中心');
    } finally {
      await database.close();
    }
  });
  it('campaigns results prints the figures as JSON; an unknown campaign is explained', async () => {
    const database = await openDatabase(
      env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 } : { kind: 'pglite', dataDir: env.DATA_DIR! },
    );
    let id: string;
    try {
      const rows = (await database.db.execute(
        sql`insert into campaigns (name, goal, goal_target, seed) values ('冬季回馈', 'spend_per_head', 5000, 'abc') returning id`,
      )) as unknown as { rows: { id: string }[] };
      id = rows.rows[0]!.id;
    } finally {
      await database.close();
    }
    const json = await hearth('campaigns', 'results', id, '--format', 'json');
    expect(json.code, json.stderr).toBe(0);
    const r = JSON.parse(json.stdout.trim().split('\n').pop()!);
    expect(r).toMatchObject({ campaignId: id, status: 'draft', windowStart: null, responseUplift: null, roi: null, goal: { metric: 'spend_per_head', target: 5000, achieved: null } });
    expect(r.treated.reach).toBe(0);
    const missing = await hearth('campaigns', 'results', '00000000-0000-4000-8000-000000000001');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('找不到该营销活动');
  });
});
