/**
 * `hearth import` killed with SIGKILL in the middle resumes from its last checkpoint when run again: the final
 * counts are exact and no row is written twice. A third run of the same file changes nothing. Real processes on
 * the embedded database in a temp DATA_DIR.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../platform/db/client.js';
import { entryArgs, killChildren, killGroup, runProcess } from '../../test/spawn.js';
import { seedDataDir } from '../../test/provided.js';

const ROWS = 12_000;
/** The `hearth` command (the run's bundle of it). */
const BIN = entryArgs('hearth');

describe('hearth import after kill -9', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-resume-'));
  const env = { ...process.env, DATA_DIR: path.join(dir, 'data'), HEARTH_LOCALE: 'zh-CN', DATABASE_URL: '' };
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  const file = path.join(dir, 'customers.csv');
  // The run's migrated data directory: `migrate` below then finds nothing to do (initdb is not what this is about).
  beforeAll(() => seedDataDir(env.DATA_DIR));
  // A test that timed out leaves its process running (holding the data directory's lock): not past its test.
  afterEach(killChildren);
  afterAll(() => {
    killChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  // Real processes, each in its own process group (killed if it hangs); `status` as spawnSync would say.
  const run = async (args: string[]) => {
    const r = await runProcess(process.execPath, [...BIN, ...args], { env, timeoutMs: 240_000 });
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  };

  it('resumes exactly where the last batch ended', { timeout: 300_000 }, async () => {
    const lines = ['户号,姓名,手机号,小区,房号'];
    for (let i = 0; i < ROWS; i++) lines.push(`R${i},续传客户${i},139${String(i).padStart(8, '0')},续传小区,${i}`);
    writeFileSync(file, lines.join('\n') + '\n');
    expect((await run(['migrate'])).status).toBe(0);

    // First run: killed once it has reported a few batches.
    let killedAt = -1;
    let err = '';
    const first = await runProcess(process.execPath, [...BIN, 'import', 'customers', file, '--format', 'json'], {
      env,
      timeoutMs: 240_000,
      onStderr: (chunk, child) => {
        err += chunk;
        const m = [...err.matchAll(/rows=(\d+)/g)].pop();
        if (m && killedAt < 0 && Number(m[1]) >= 4000) {
          killedAt = Number(m[1]);
          killGroup(child, 'SIGKILL');
        }
      },
    });
    const code = first.signal === 'SIGKILL' && !first.timedOut ? -9 : first.code;
    expect(code, err).toBe(-9);
    expect(killedAt).toBeGreaterThanOrEqual(4000);
    expect(killedAt).toBeLessThan(ROWS);

    // Second run: the same file resumes the unfinished job.
    const second = await run(['import', 'customers', file, '--format', 'json']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain('继续上次未完成的导入');
    const firstProgress = Number(/rows=(\d+)/.exec(second.stderr)![1]);
    expect(firstProgress).toBeGreaterThan(killedAt); // it did not start again from row 1
    const outcome = JSON.parse(second.stdout.trim().split('\n').pop()!);
    expect(outcome).toEqual({ created: ROWS, updated: 0, skipped: 0, rejected: [] });

    // Third run: a finished file again changes nothing.
    const third = await run(['import', 'customers', file, '--format', 'json']);
    expect(third.status, third.stderr).toBe(0);
    expect(JSON.parse(third.stdout.trim().split('\n').pop()!)).toEqual({ created: 0, updated: 0, skipped: ROWS, rejected: [] });

    const database = await openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR });
    try {
      const res = (await database.executeSql(
        'select count(*)::int as n, count(distinct import_key)::int as keys, count(distinct external_id)::int as ext from customers',
      )) as { rows: { n: number; keys: number; ext: number }[] };
      expect(res.rows[0]).toEqual({ n: ROWS, keys: ROWS, ext: ROWS });
      const jobs = await database.executeSql("select status, created, processed_rows from import_jobs order by created_at");
      expect(jobs.rows).toEqual([
        { status: 'done', created: ROWS, processed_rows: ROWS },
        { status: 'done', created: 0, processed_rows: ROWS },
      ]);
    } finally {
      await database.close();
    }
  });
});
