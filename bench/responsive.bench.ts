/**
 * Responsiveness during long jobs on the embedded database (issue #12): `npm run bench -- --responsive [--scale N]`.
 *
 * On PGlite the server, its database and its background jobs share one thread and one connection. This measures what
 * a user feels while a job runs: the customer-360 read (`GET /api/v1/customers/:id`, one indexed query) and
 * `GET /api/health` (no database: the event loop alone), each at 16 clients (autocannon, both at once), first with
 * the server idle (the floor of this run), then while
 *   (b) an import          — 200,000 transactions of the dataset's households, uploaded and started as the web does,
 *   (a) an analytics run   — POST /api/v1/analytics/runs on the dataset,
 *   (c) a demo load        — POST /api/v1/demo on a fresh installation (a demo cannot be loaded over another one;
 *                            the reads ask for households the load has already written)
 * is in progress. A job phase measures for `--duration` seconds or until its job ends, whichever comes first (the
 * table says when a job ended early). Goal: p99 ≤ 500 ms during each job. A third figure is /api/health from one
 * client in a process of its own (bench/health-prober.mjs), asking every 20 ms: how long the server itself keeps a
 * request waiting, without the load generator's own queueing (autocannon runs 32 connections in this process).
 *
 * The dataset is the suite's (`bench/data/pglite-N-sS`, built or reused through `hearth demo load` as bench/run.ts
 * does); phases (a) and (b) run on a scratch copy of it, so the reused dataset stays as it was.
 *
 * Options: --scale N (100000) --seed N (1) --duration S (10) --clients N (16) --import-rows N (200000)
 *          --demo-size N (the scale, at most 200000) --phases idle,analytics,import,demo (all) --keep-scratch
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { household, planDemo } from '../src/modules/demo/generator.js';
import { dataset, latencyOf, log, signInWithToken, startHearth, type Latency, type Server, type Target } from './run.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_PASSWORD = 'Bench-admin-2026';
const AS_OF = '2026-11-01';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const SCALE = Number(arg('scale', '100000'));
const SEED = Number(arg('seed', '1'));
const DURATION = Number(arg('duration', '10'));
const CLIENTS = Number(arg('clients', '16'));
const IMPORT_ROWS = Number(arg('import-rows', '200000'));
const DEMO_SIZE = Math.min(200_000, Number(arg('demo-size', String(Math.max(SCALE, 1000)))));
const PHASES = arg('phases', 'idle,analytics,import,demo').split(',');
const GOAL_MS = 500;
if (arg('db', 'pglite') !== 'pglite') throw new Error('the responsiveness benchmark is about the embedded database: --db pglite');

type Phase = {
  phase: string;
  job: string;
  /** Seconds measured (less than --duration when the job ended first). */
  seconds: number;
  jobEndedEarly: boolean;
  /** The job's progress when the measurement started and ended (its own words: rows, households, phase). */
  progress: { start: string; end: string };
  read360: Latency;
  health: Latency;
  /** /api/health from one sequential client in a process of its own (bench/health-prober.mjs). */
  healthProbe: Probe;
};
type Probe = { n: number; p50: number; p90: number; p99: number; max: number };

// ------------------------------------------------------------------------------------------------ HTTP helpers

type Session = { cookie: string; csrf: string; auth: Record<string, string> };

const signIn = (base: string): Promise<Session> => signInWithToken(base, `responsive bench ${new Date().toISOString()}`);

async function call<T>(base: string, s: Session, method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(base + p, {
    method,
    headers: { ...s.auth, ...(body !== undefined && !(body instanceof Buffer) ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : body instanceof Buffer ? body : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${(await res.text()).slice(0, 500)}`);
  return (await res.json()) as T;
}

// ------------------------------------------------------------------------------------------------ measuring

const fig = latencyOf;

/**
 * The 360 read and /api/health at CLIENTS clients each, for `seconds` or until `running()` says the job ended
 * (checked every second).
 */
async function measure(
  server: Server,
  auth: Record<string, string>,
  ids: () => string[],
  seconds: number,
  running: (() => Promise<{ running: boolean; progress: string }>) | null,
): Promise<{ read360: Latency; health: Latency; healthProbe: Probe; seconds: number; ended: boolean; progress: { start: string; end: string } }> {
  let k = 0;
  const prober = spawn(process.execPath, [path.join(ROOT, 'bench', 'health-prober.mjs'), server.base], { stdio: ['ignore', 'pipe', 'inherit'] });
  let probeOut = '';
  prober.stdout.on('data', (d: Buffer) => (probeOut += d.toString()));
  const probeDone = new Promise<void>((resolve) => prober.once('exit', () => resolve()));
  const start = running ? (await running()).progress : '';
  const t0 = performance.now();
  const opts = (requests: autocannon.Request[]): autocannon.Options => ({
    url: server.base,
    connections: CLIENTS,
    duration: seconds,
    timeout: 120,
    headers: auth,
    requests,
  });
  const read = autocannon(
    opts([
      {
        setupRequest: (req: autocannon.Request) => {
          const list = ids();
          return { ...req, method: 'GET', path: `/api/v1/customers/${list[k++ % list.length]}` };
        },
      },
    ]),
  );
  const health = autocannon(opts([{ method: 'GET', path: '/api/health' }]));
  let ended = false;
  let end = start;
  let watching = true;
  const watcher = (async () => {
    while (running && watching) {
      await new Promise((r) => setTimeout(r, 1000));
      if (!watching) break;
      const s = await running();
      end = s.progress;
      if (!s.running) {
        ended = true;
        // Without a callback autocannon returns its instance, which is also a promise of the result.
        (read as unknown as autocannon.Instance).stop();
        (health as unknown as autocannon.Instance).stop();
        break;
      }
    }
  })();
  const [r, h] = await Promise.all([read, health]);
  watching = false;
  await watcher;
  if (running && !ended) end = (await running()).progress;
  prober.kill('SIGTERM');
  await probeDone;
  const healthProbe = JSON.parse(probeOut.trim() || '{"n":0,"p50":0,"p90":0,"p99":0,"max":0}') as Probe;
  return { read360: fig(r), health: fig(h), healthProbe, seconds: Math.round((performance.now() - t0) / 100) / 10, ended, progress: { start, end } };
}

/**
 * After a start the server runs its own start-up work (the care run, the outbox sweep, resumed jobs): the idle floor
 * is measured once /api/health answers ten times in a row within 50 ms (or after two minutes, said in the log).
 */
async function settle(server: Server): Promise<void> {
  const end = Date.now() + 120_000;
  let good = 0;
  while (good < 10 && Date.now() < end) {
    const t0 = performance.now();
    await fetch(`${server.base}/api/health`);
    good = performance.now() - t0 < 50 ? good + 1 : 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (good < 10) log('the server did not settle within two minutes: the idle floor includes its start-up work');
}

/** Waits until `ready()` is true (the job is under way), polling every 200 ms. */
async function until(what: string, ready: () => Promise<boolean>, timeoutS = 600): Promise<void> {
  const end = Date.now() + timeoutS * 1000;
  while (!(await ready())) {
    if (Date.now() > end) throw new Error(`${what}: not reached in ${timeoutS} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ------------------------------------------------------------------------------------------------ phases

function importFile(rows: number): Buffer {
  // Payments of households spread over the dataset, each with its own receipt number (unique to this run).
  const plan = planDemo({ seed: SEED, size: SCALE, asOf: AS_OF });
  const numbers = Array.from({ length: 5000 }, (_, k) => household(plan, Math.floor(((k * 7919) % 5000) * (SCALE / 5000))).customer.externalId);
  const run = Date.now().toString(36);
  const lines = ['户号,缴费日期,实收金额,类型,缴费单号'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${numbers[i % numbers.length]},${2019 + (i % 6)}/${(i % 12) + 1}/${(i % 28) + 1},${(100 + (i % 5000) / 10).toFixed(2)},缴费,RB${run}-${i}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

async function jobPhases(target: Target, idsOf: string[], results: Phase[]): Promise<void> {
  const scratchDir = path.join(ROOT, 'bench', 'data', `responsive-scratch-${SCALE}-s${SEED}`);
  rmSync(scratchDir, { recursive: true, force: true });
  log(`copying the dataset to ${path.relative(ROOT, scratchDir)} (phases change it)`);
  cpSync(target.dataDir!, scratchDir, { recursive: true });
  rmSync(path.join(scratchDir, 'hearth.lock'), { force: true });
  const server = await startHearth({ ...target, env: { ...target.env, DATA_DIR: scratchDir }, dataDir: scratchDir });
  server.proc.once('exit', (code, signal) => log(`server exited (${code ?? signal})`));
  try {
    const s = await signIn(server.base);
    const ids = () => idsOf;
    await settle(server);
    // Warm-up: connections, caches, JIT.
    await measure(server, s.auth, ids, Math.min(3, DURATION), null);
    if (PHASES.includes('idle')) {
      const m = await measure(server, s.auth, ids, DURATION, null);
      results.push({ phase: 'idle', job: `none (${SCALE.toLocaleString('en-US')} households)`, seconds: m.seconds, jobEndedEarly: false, progress: m.progress, read360: m.read360, health: m.health, healthProbe: m.healthProbe });
      report(results.at(-1)!);
    }
    if (PHASES.includes('import')) {
      const file = importFile(IMPORT_ROWS);
      log(`import: uploading ${IMPORT_ROWS.toLocaleString('en-US')} transactions (${Math.round(file.length / 1024 / 1024)} MB)`);
      const preview = await call<{ job: { id: string }; suggestedMapping: Record<string, string> }>(
        server.base,
        s,
        'POST',
        `/api/v1/imports?kind=transactions&fileName=responsive.csv`,
        file,
        { 'content-type': 'application/octet-stream' },
      );
      await call(server.base, s, 'POST', `/api/v1/imports/${preview.job.id}/start`, { mapping: preview.suggestedMapping });
      const state = async () => {
        const j = await call<{ status: string; processedRows: number }>(server.base, s, 'GET', `/api/v1/imports/${preview.job.id}`);
        return { running: j.status === 'queued' || j.status === 'running', status: j.status, rows: j.processedRows, progress: `${j.status} ${j.processedRows} rows` };
      };
      await until('import started', async () => (await state()).rows > 0);
      const m = await measure(server, s.auth, ids, DURATION, state);
      results.push({ phase: '(b) import', job: `${IMPORT_ROWS.toLocaleString('en-US')} transactions`, seconds: m.seconds, jobEndedEarly: m.ended, progress: m.progress, read360: m.read360, health: m.health, healthProbe: m.healthProbe });
      report(results.at(-1)!);
      const t0 = performance.now();
      await until('import finished', async () => !(await state()).running, 3600);
      log(`import: finished ${Math.round((performance.now() - t0) / 1000)} s after the measurement`);
    }
    // Last: the run takes the most memory of the three.
    if (PHASES.includes('analytics')) {
      const run = await call<{ id: string }>(server.base, s, 'POST', '/api/v1/analytics/runs', {});
      const state = async () => {
        const r = await call<{ status: string; progress: Record<string, unknown> }>(server.base, s, 'GET', `/api/v1/analytics/runs/${run.id}`);
        return { running: r.status === 'queued' || r.status === 'running', status: r.status, progress: `${r.status} ${JSON.stringify(r.progress).slice(0, 80)}` };
      };
      await until('analytics run started', async () => (await state()).status !== 'queued');
      const m = await measure(server, s.auth, ids, DURATION, state);
      results.push({ phase: '(a) analytics run', job: 'POST /api/v1/analytics/runs', seconds: m.seconds, jobEndedEarly: m.ended, progress: m.progress, read360: m.read360, health: m.health, healthProbe: m.healthProbe });
      report(results.at(-1)!);
      await until('analytics run finished', async () => !(await state()).running, 1800);
    }
  } finally {
    await server.stop();
    if (!process.argv.includes('--keep-scratch')) rmSync(scratchDir, { recursive: true, force: true });
  }
}

async function demoPhase(results: Phase[]): Promise<void> {
  const dir = path.join(ROOT, 'bench', 'data', `responsive-demo-scratch`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir };
  delete env.DATABASE_URL;
  const server = await startHearth({ env, label: `PGlite (${dir})`, dataDir: dir, url: null });
  try {
    const setup = await fetch(`${server.base}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ companyName: '冰城热力（演示）', template: 'heating', admin: { username: 'admin', displayName: '系统管理员', password: ADMIN_PASSWORD } }),
    });
    if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
    const s = await signIn(server.base);
    const started = await call<{ asOf: string }>(server.base, s, 'POST', '/api/v1/demo', { size: DEMO_SIZE, seed: SEED });
    const plan = planDemo({ seed: SEED, size: DEMO_SIZE, asOf: started.asOf });
    const state = async () => {
      const d = await call<{ status: string; loaded: number }>(server.base, s, 'GET', '/api/v1/demo');
      return { running: d.status === 'loading', loaded: d.loaded, progress: `${d.status} ${d.loaded} households` };
    };
    const first = Math.min(2000, Math.floor(DEMO_SIZE / 10));
    await until('demo load under way', async () => (await state()).loaded >= first);
    // Households the load has written: the first `first` of them.
    const written = Array.from({ length: first }, (_, i) => household(plan, i).customer.id);
    const m = await measure(server, s.auth, () => written, DURATION, state);
    results.push({ phase: '(c) demo load', job: `POST /api/v1/demo, ${DEMO_SIZE.toLocaleString('en-US')} households`, seconds: m.seconds, jobEndedEarly: m.ended, progress: m.progress, read360: m.read360, health: m.health, healthProbe: m.healthProbe });
    report(results.at(-1)!);
  } finally {
    // Stopping the server stops the load at its next slice; the scratch installation goes.
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(p: Phase): void {
  log(
    `${p.phase}: 360 read p50 ${p.read360.p50} / p99 ${p.read360.p99} ms (${p.read360.rps} req/s), health p50 ${p.health.p50} / p99 ${p.health.p99} ms, one-client health p99 ${p.healthProbe.p99} / max ${p.healthProbe.max} ms; ${p.seconds} s${p.jobEndedEarly ? ' (job ended)' : ''}; ${p.progress.start} → ${p.progress.end}`,
  );
}

// ------------------------------------------------------------------------------------------------ main

async function main() {
  const startedAt = new Date();
  const results: Phase[] = [];
  let datasetInfo: Record<string, unknown> | null = null;
  if (PHASES.some((p) => ['idle', 'analytics', 'import'].includes(p))) {
    const { target, loadSeconds, loaded } = await dataset();
    datasetInfo = { ...loaded, loadSeconds };
    const plan = planDemo({ seed: SEED, size: SCALE, asOf: AS_OF });
    const ids = Array.from({ length: 2000 }, (_, k) => household(plan, Math.floor(((k * 7919) % 2000) * (SCALE / 2000))).customer.id);
    await jobPhases(target, ids, results);
  }
  if (PHASES.includes('demo')) await demoPhase(results);

  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    database: `PGlite ${JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version}`,
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || null,
    dirty: spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().length > 0,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  const result = { kind: 'responsive', startedAt: startedAt.toISOString(), scale: SCALE, seed: SEED, clients: CLIENTS, durationSeconds: DURATION, importRows: IMPORT_ROWS, demoSize: DEMO_SIZE, goalP99Ms: GOAL_MS, machine, dataset: datasetInfo, phases: results };
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  const file = path.join(ROOT, 'bench', 'results', `${startedAt.toISOString().slice(0, 19).replace(/[:T]/g, '-')}-responsive-pglite-${SCALE}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(markdown(result));
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
}

export function markdown(r: { scale: number; clients: number; durationSeconds: number; machine: Record<string, unknown>; phases: Phase[] }): string {
  const m = r.machine;
  const idle = r.phases.find((p) => p.phase === 'idle');
  const ratio = (v: number, floor: number | undefined) => (floor ? `×${(v / Math.max(floor, 1)).toFixed(1)}` : '—');
  const lines = [
    `## Responsiveness during long jobs — PGlite, ${r.scale.toLocaleString('en-US')} households`,
    '',
    `${m.cpu}, ${m.cores} cores; Node ${m.node}; ${m.database}; commit ${m.commit}${m.dirty ? ' (with uncommitted changes)' : ''}; load average at the end ${(m.loadAverage as number[]).join(' ')}.`,
    `The 360 read and /api/health at ${r.clients} clients each, at the same time, for up to ${r.durationSeconds} s per phase; ratios are to the idle floor of this run. Goal: p99 ≤ ${GOAL_MS} ms during each job.`,
    '',
    '| phase | job | 360 read p50 | 360 read p99 | vs idle | 360 req/s | health p50 | health p99 | vs idle | one-client health p99 / max | measured | job progress | goal |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|',
  ];
  for (const p of r.phases) {
    const met = p.read360.p99 <= GOAL_MS && p.health.p99 <= GOAL_MS && !p.read360.errors && !p.health.errors;
    lines.push(
      `| ${p.phase} | ${p.job} | ${p.read360.p50} | ${p.read360.p99} | ${p === idle ? '—' : ratio(p.read360.p99, idle?.read360.p99)} | ${p.read360.rps} | ${p.health.p50} | ${p.health.p99} | ${p === idle ? '—' : ratio(p.health.p99, idle?.health.p99)} | ${p.healthProbe.p99} / ${p.healthProbe.max} | ${p.seconds} s${p.jobEndedEarly ? ' (job ended)' : ''} | ${p.progress.start ? `${p.progress.start} → ${p.progress.end}` : '—'} | ${p === idle ? '' : met ? 'met' : 'missed'} |`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
