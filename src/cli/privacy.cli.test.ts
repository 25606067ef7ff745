import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../platform/db/client.js';
import { migratedCliDatabase } from '../test/cli-database.js';
import { killChildren, runHearth } from '../test/spawn.js';

type Run = { id: string; mode: string; status: string; report: Record<string, { count: number; applied: number | null; sample: string[] }> };

/**
 * `hearth privacy retention` as a user runs it (a real process, embedded or PostgreSQL): the dry run reports exact
 * counts on a hand-built database, the apply removes exactly those, a second apply of the same dry run is refused, and
 * a call without --dry-run or --apply is explained.
 */
describe('hearth privacy retention', { timeout: 240_000 }, () => {
  const env: Record<string, string> = { LANG: 'zh_CN.UTF-8' };
  let cleanup = async () => {};
  const open = (): Promise<Database> =>
    openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 } : { kind: 'pglite', dataDir: env.DATA_DIR! });
  const lastJson = (stdout: string): Run => JSON.parse(stdout.trim().split('\n').pop()!) as Run;

  beforeAll(async () => {
    // A migrated database (the run's template): the commands under test start on it without a first run of their own.
    ({ cleanup } = await migratedCliDatabase('hearth_cli_privacy', env));
    // Two audit entries past three years and one younger; one customer untouched for six years, one recent.
    const database = await open();
    try {
      const db = database.db;
      await db.execute(sql`insert into settings (key, value) values ('privacy.retention', ${JSON.stringify({ policies: [{ kind: 'audit_entries', enabled: true, amount: 3 }, { kind: 'inactive_customers', enabled: true, amount: 5 }] })}::jsonb)`);
      for (const age of ['4 years', '10 years', '1 year']) await db.execute(sql`insert into audit_log (at, via, action, entity_type) values (now() - ${age}::interval, 'cli', 'update', 'customer')`);
      await db.execute(sql`insert into customers (name, consent, created_at, updated_at) values ('命令行旧客户', '{}'::jsonb, now() - interval '6 years', now() - interval '6 years'), ('命令行新客户', '{}'::jsonb, now(), now())`);
    } finally {
      await database.close();
    }
  });
  afterEach(killChildren);
  afterAll(async () => {
    killChildren();
    await cleanup();
  });

  it('dry run, then apply; a second apply is refused; no mode is explained', async () => {
    const none = await runHearth(['privacy', 'retention'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('--dry-run | --apply');

    const dry = await runHearth(['privacy', 'retention', '--dry-run', '--format', 'json'], env);
    expect(dry.code, dry.stderr).toBe(0);
    const d = lastJson(dry.stdout);
    expect(d).toMatchObject({ mode: 'dry_run', status: 'done' });
    expect(Object.fromEntries(Object.entries(d.report).map(([k, r]) => [k, r.count]))).toEqual({ audit_entries: 2, inactive_customers: 1 });

    const text = await runHearth(['privacy', 'retention', '--dry-run'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('数据保留试运行完成');
    expect(text.stdout).toContain('审计日志：将处理 2 条');

    const apply = await runHearth(['privacy', 'retention', '--apply', '--format', 'json'], env);
    expect(apply.code, apply.stderr).toBe(0);
    const a = lastJson(apply.stdout);
    expect(a).toMatchObject({ mode: 'apply', status: 'done' });
    expect(Object.fromEntries(Object.entries(a.report).map(([k, r]) => [k, [r.count, r.applied]]))).toEqual({ audit_entries: [2, 2], inactive_customers: [1, 1] });

    const twice = await runHearth(['privacy', 'retention', '--apply', '--run', (a as unknown as { dryRunId: string }).dryRunId], env);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('该试运行已经执行过');

    const database = await open();
    try {
      const n = async (q: ReturnType<typeof sql>) => Number(rowsOf<{ n: number }>(await database.db.execute(q))[0]!.n);
      expect(await n(sql`select count(*)::int as n from audit_log where at < now() - interval '3 years'`)).toBe(0);
      expect(await n(sql`select count(*)::int as n from audit_log where at < now() - interval '6 months'`)).toBe(1);
      // The old customer anonymised through the erasure (a register entry of channel `retention`), the new one as it was.
      expect(await n(sql`select count(*)::int as n from customers where name = '命令行旧客户'`)).toBe(0);
      expect(await n(sql`select count(*)::int as n from customers c join privacy_erased_customers e on e.customer_id = c.id where c.name like '已删除用户 #%' and c.deleted_at is not null`)).toBe(1);
      expect(await n(sql`select count(*)::int as n from privacy_requests r join privacy_erasures e on e.request_id = r.id where r.channel = 'retention' and e.source = 'retention' and e.proposed_by is null`)).toBe(1);
      expect(await n(sql`select count(*)::int as n from customers where name = '命令行新客户' and deleted_at is null`)).toBe(1);
    } finally {
      await database.close();
    }
  });
});
