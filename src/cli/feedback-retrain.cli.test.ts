import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../platform/db/client.js';
import { migratedCliDatabase } from '../test/cli-database.js';
import { killChildren, runHearth } from '../test/spawn.js';

type Run = { status: string; results: { kind: string; outcome: string; version: number | null; message: string | null; counts: Record<string, number> }[] };

/**
 * `hearth feedback retrain` as an administrator runs it (a real process, embedded or PostgreSQL): with too few
 * corrections it says why (exit 1); with enough it trains the sentiment model into the database and says the category
 * model still lacks examples; run again over the same corrections it writes nothing.
 */
describe('hearth feedback retrain', { timeout: 240_000 }, () => {
  const env: Record<string, string> = { HEARTH_LOCALE: 'zh-CN' };
  let cleanup = async () => {};
  const open = (): Promise<Database> =>
    openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 } : { kind: 'pglite', dataDir: env.DATA_DIR! });
  const lastJson = (stdout: string): Run => JSON.parse(stdout.trim().split('\n').pop()!) as Run;
  const insert = async (rows: [string, 'neg' | 'pos'][]) => {
    const database = await open();
    try {
      for (const [text, label] of rows)
        await database.db.execute(sql`insert into feedback_items (source, text, sentiment, sentiment_score, polarity, sentiment_corrected) values ('agent', ${text}, 'neu', 0.6, 0.5, ${label})`);
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    // A migrated database (the run's template): the commands under test start on it without a first run of their own.
    ({ cleanup } = await migratedCliDatabase('hearth_cli_retrain', env));
  });
  afterEach(killChildren);
  afterAll(async () => {
    killChildren();
    await cleanup();
  });

  it('too few: the reason and exit 1; enough: trained into the database; again: nothing written', async () => {
    await insert([
      ['暖气片烫手', 'pos'],
      ['暖气不热', 'neg'],
    ]);
    const few = await runHearth(['feedback', 'retrain'], env);
    expect(few.code).toBe(1);
    expect(few.stderr).toContain('坐席更正还不够');
    expect(few.stderr).toContain('现有负面 1 条、正面 1 条');

    await insert([
      ...Array.from({ length: 10 }, (_, i) => [`第${i}次：暖气片烫手，屋里很舒服`, 'pos'] as [string, 'pos']),
      ...Array.from({ length: 10 }, (_, i) => [`第${i}次：报修了没人来，家里冷`, 'neg'] as [string, 'neg']),
    ]);
    const trained = await runHearth(['feedback', 'retrain', '--format', 'json'], env);
    expect(trained.code, trained.stderr).toBe(0);
    const run = lastJson(trained.stdout);
    expect(run.status).toBe('done');
    expect(run.results.map((r) => [r.kind, r.outcome, r.version])).toEqual([
      ['sentiment', 'trained', 1],
      ['category', 'too_few', null],
    ]);
    expect(run.results[0]!.counts).toEqual({ neg: 11, neu: 0, pos: 11 });
    expect(run.results[1]!.message).toContain('至少一个分类有 5 条');

    const again = await runHearth(['feedback', 'retrain'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('情感模型：更正没有变化，沿用第 1 版');
    const database = await open();
    try {
      expect(rowsOf(await database.db.execute(sql`select kind, version, examples from feedback_models`))).toEqual([{ kind: 'sentiment', version: 1, examples: 22 }]);
    } finally {
      await database.close();
    }
  });
});
