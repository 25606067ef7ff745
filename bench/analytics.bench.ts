/**
 * Benchmark of the analytics run (issue #5): one full run — read, fits, scores, writes — on an existing heating demo
 * dataset, with the time of each phase, the total and the process's peak RSS.
 *
 *   node --import tsx bench/analytics.bench.ts --db postgres [--url postgres://…/hearth_bench_1000000_s1]
 *   node --import tsx bench/analytics.bench.ts --db pglite [--dir bench/data/pglite-100000-s1]
 *
 * The dataset is built by `npm run bench` (bench/run.ts) or `hearth demo load`; migrations are applied first. The
 * run is as of the dataset's date (2026-11-01 for the benchmark datasets) unless --as-of is given.
 */
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { prepareDatabase } from '../src/app.js';
import { executeRun, startRun } from '../src/modules/analytics/index.js';
import { systemActor } from '../src/platform/auth/permissions.js';
import { openDatabase, rowsOf } from '../src/platform/db/client.js';
import { PARTS, pinPlan, populationSql } from '../src/modules/analytics/analytics.repository.js';
import { readAnalyticsSettings } from '../src/modules/analytics/analytics.service.js';
import { runClock } from '../src/modules/analytics/engine.js';
import { startOfDay } from '../src/platform/time.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, fallback: string | null = null) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const kind = (arg('db', 'pglite') as 'pglite' | 'postgres') ?? 'pglite';
const database =
  kind === 'postgres'
    ? await openDatabase({ kind, url: arg('url', 'postgres://postgres@127.0.0.1:5432/hearth_bench_1000000_s1')!, poolSize: 2 })
    : await openDatabase({ kind, dataDir: arg('dir', path.join(ROOT, 'bench/data/pglite-100000-s1'))! });

try {
  await prepareDatabase(database);
  // The demo load's date (its run row in demo_loads: one per installation).
  const demo = rowsOf<{ asOf: string }>(await database.db.execute(sql`select as_of::text as "asOf" from demo_loads limit 1`))[0];
  const asOf = arg('as-of') ?? demo?.asOf ?? undefined;
  if (process.argv.includes('--explain')) {
    // The plan of one half's population query (no run).
    const [y, m, d] = (asOf ?? '2026-11-01').split('-').map(Number) as [number, number, number];
    const clock = runClock(asOf ?? '2026-11-01', 365, startOfDay('Asia/Shanghai', y, m, d + 1).getTime() / 1000);
    const q = populationSql(await readAnalyticsSettings(database.db), clock, kind === 'postgres' ? PARTS[0]! : { lo: null, hi: null });
    const plan = await database.db.transaction(async (tx) => {
      await pinPlan(tx);
      return rowsOf<Record<string, string>>(await tx.execute(sql`explain ${q}`));
    });
    console.log(plan.map((r) => Object.values(r)[0]).join('\n'));
    process.exit(0);
  }
  // A run left by an interrupted benchmark would block this one.
  await database.db.execute(
    sql`update analytics_runs set status = 'failed', owner = null, error = 'abandoned by the benchmark', finished_at = now() where status in ('queued', 'running')`,
  );
  const run = (await startRun(database.db, systemActor('cli'), { kind: 'cli', asOf }))!;
  const t0 = performance.now();
  let last = t0;
  let lastPhase = '';
  const phases: Record<string, number> = {};
  const rssSampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  let peak = process.memoryUsage().rss;
  const done = await executeRun(database.db, run.id, {
    databaseKind: kind,
    log: (line) => {
      const phase = line.split(' ')[0]!;
      const now = performance.now();
      if (phase !== lastPhase) {
        if (lastPhase) phases[lastPhase] = (phases[lastPhase] ?? 0) + (now - last) / 1000;
        last = now;
        lastPhase = phase;
      }
      process.stderr.write(`${((now - t0) / 1000).toFixed(1)}s ${line}\n`);
    },
  });
  const total = (performance.now() - t0) / 1000;
  if (lastPhase) phases[lastPhase] = (phases[lastPhase] ?? 0) + (performance.now() - last) / 1000;
  clearInterval(rssSampler);
  const maxRss = Math.round(process.resourceUsage().maxRSS / 1024);
  const detail = rowsOf<{ fits: Record<string, unknown> }>(await database.db.execute(sql`select fits from analytics_runs where id = ${run.id}`))[0]!;
  type Fit = { params?: unknown; logLik?: unknown; n?: unknown; ms?: unknown; k?: unknown };
  // A model that was not fitted (fits.fallback when nothing fell back, say) is null: shown as null.
  const fits = Object.fromEntries(
    Object.entries(detail.fits ?? {})
      .filter(([k]) => k !== 'unit')
      .map(([k, v]) => {
        if (v === null || typeof v !== 'object') return [k, v ?? null];
        const f = v as Fit;
        return [k, { params: f.params, logLik: f.logLik, n: f.n, ms: f.ms, k: f.k }];
      }),
  );
  const result = {
    db: kind,
    status: done.status,
    error: done.error,
    customers: done.counts?.customers,
    transactions: done.counts?.transactions,
    seconds: Math.round(total * 10) / 10,
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    peakRssMb: Math.max(maxRss, Math.round(peak / 1048576)),
    cpus: os.cpus().length,
    load: os.loadavg().map((v) => Math.round(v * 100) / 100),
    fits,
  };
  console.log(JSON.stringify(result));
} finally {
  await database.close();
}
