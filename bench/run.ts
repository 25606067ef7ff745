/**
 * The benchmark suite (`npm run bench -- --scale N --db pglite|postgres`). It builds — or reuses — a heating demo of
 * N households, starts the real server on it, and drives it over HTTP with autocannon at 16 and 64 concurrent
 * clients; it measures the floor of the same machine in the same run (a bare Fastify route, pgbench select-only on
 * the same PostgreSQL, and on PGlite a bare Fastify route doing a primary-key read), the import path (rows/s, peak
 * RSS) and each module's heavy single requests. Output: a Markdown table on stdout and a JSON file under
 * bench/results/ with the machine's details. `npm run bench:compare -- A.json B.json` compares two runs.
 *
 * Options: --scale N (100000) --db pglite|postgres (pglite) --duration S (10 per operation and client count)
 *          --clients 16,64 --seed N (1) --only op,op --skip-import --skip-floor --fresh (rebuild the dataset)
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { household, planDemo } from '../src/modules/demo/generator.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'hearth.mjs');
/** Fixed end of the generated history, so a dataset is the same whenever it is built. */
const AS_OF = '2026-11-01';
const ADMIN_PASSWORD = 'Bench-admin-2026';
const MANAGER_PASSWORD = 'Bench-manager-2026';

function arg(name: string, fallback: string): string;
function arg(name: string, fallback: null): string | null;
function arg(name: string, fallback: string | null) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const SCALE = Number(arg('scale', '100000'));
const DB = arg('db', 'pglite') as 'pglite' | 'postgres';
const DURATION = Number(arg('duration', '10'));
const CLIENTS = arg('clients', '16,64').split(',').map(Number);
const SEED = Number(arg('seed', '1'));
const ONLY = arg('only', null)?.split(',') ?? null;
const PG_BASE = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
if (!['pglite', 'postgres'].includes(DB)) throw new Error('--db pglite|postgres');

export const log = (...a: unknown[]) => console.error('·', ...a);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function pgUrl(database: string): string {
  const u = new URL(PG_BASE);
  u.pathname = `/${database}`;
  return u.toString();
}

async function pgQuery<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------------- the dataset

export type Target = { env: NodeJS.ProcessEnv; label: string; dataDir: string | null; url: string | null };

export async function dataset(): Promise<{ target: Target; loadSeconds: number | null; loaded: Record<string, unknown> | null }> {
  const name = `hearth_bench_${SCALE}_s${SEED}`;
  let target: Target;
  if (DB === 'pglite') {
    const dataDir = path.join(ROOT, 'bench', 'data', `pglite-${SCALE}-s${SEED}`);
    if (flag('fresh')) rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    target = { env, label: `PGlite (${dataDir})`, dataDir, url: null };
  } else {
    const url = pgUrl(name);
    if (flag('fresh')) await pgQuery(PG_BASE, `drop database if exists ${name} with (force)`);
    const exists = await pgQuery(PG_BASE, `select 1 from pg_database where datname = '${name}'`);
    if (!exists.length) await pgQuery(PG_BASE, `create database ${name}`);
    target = { env: { ...process.env, DATABASE_URL: url }, label: `PostgreSQL (${name})`, dataDir: null, url };
  }
  // `demo load` with the same parameters is a no-op on a finished dataset and resumes an interrupted one.
  log(`dataset: ${SCALE} households on ${target.label}`);
  const started = performance.now();
  const r = spawnSync(
    BIN,
    ['demo', 'load', '--size', String(SCALE), '--seed', String(SEED), '--as-of', AS_OF, '--admin-password', ADMIN_PASSWORD, '--password', MANAGER_PASSWORD, '--accept-older-version', '--format', 'json'],
    { env: { ...target.env, LOG_LEVEL: 'warn' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`demo load failed (${r.status})`);
  const outcome = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  const seconds = (performance.now() - started) / 1000;
  // A reused dataset answers at once: report the load only when it happened in this run.
  const fresh = seconds > 20 || SCALE <= 50_000;
  return { target, loadSeconds: fresh ? seconds : null, loaded: outcome };
}

// ---------------------------------------------------------------------------------------------------- processes

export type Server = { base: string; proc: ChildProcess; stop: () => Promise<void>; peakRssMB: () => number };

function peakRss(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

export async function startProcess(args: string[], env: NodeJS.ProcessEnv, port: number, healthPath: string): Promise<Server> {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${proc.exitCode}`);
    try {
      if ((await fetch(base + healthPath)).ok) break;
    } catch {
      /* not yet */
    }
    if (i > 600) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    proc,
    peakRssMB: () => peakRss(proc.pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

export async function startHearth(target: Target): Promise<Server> {
  const port = await freePort();
  // BENCH_PROFILE=DIR: the server writes a V8 CPU profile there when it stops (where the time goes); BENCH_TRACE_GC=1:
  // it prints each garbage collection (with its pause) on stdout.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  return startProcess(
    ['--max-old-space-size=512', ...profile, ...(process.env.BENCH_TRACE_GC ? ['--trace-gc'] : []), '--import', 'tsx', 'src/main.ts'],
    { ...target.env, LOG_LEVEL: 'warn', LOGIN_RATE_PER_MINUTE: '1000000', LOGIN_MAX_FAILURES: '1000000' },
    port,
    '/api/health',
  );
}

// ---------------------------------------------------------------------------------------------------- load

/** What one autocannon run measured: requests, rate, latency percentiles (ms), errors. */
export type Latency = { requests: number; rps: number; p50: number; p90: number; p99: number; max: number; errors: number; non2xx: number };
export function latencyOf(r: autocannon.Result): Latency {
  return {
    requests: r.requests.total,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

type Figure = { op: string; clients: number } & Latency;

/** Signs in as the benchmark's admin and makes an API token: the session (cookie, CSRF token) and the token's header. */
export async function signInWithToken(base: string, tokenName: string): Promise<{ cookie: string; csrf: string; auth: Record<string, string> }> {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }),
  });
  if (!login.ok) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = await fetch(`${base}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: tokenName }),
  });
  if (!token.ok) throw new Error(`token failed: ${token.status} ${await token.text()}`);
  return { cookie, csrf: csrfToken, auth: { authorization: `Bearer ${((await token.json()) as { token: string }).token}` } };
}

type RequestSpec = { method?: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> };

async function load(op: string, base: string, clients: number, next: () => RequestSpec, headers: Record<string, string>): Promise<Figure> {
  const run = (duration: number) =>
    autocannon({
      url: base,
      connections: clients,
      duration,
      headers: { 'content-type': 'application/json', ...headers },
      requests: [
        {
          setupRequest: (req: autocannon.Request) => {
            const spec = next();
            return { ...req, method: spec.method ?? 'GET', path: spec.path, ...(spec.body ? { body: spec.body } : {}), headers: { ...req.headers, ...spec.headers } };
          },
        },
      ],
    });
  await run(Math.min(2, DURATION)); // warm-up: connections, caches, JIT
  const r = await run(DURATION);
  const fig: Figure = { op, clients, ...latencyOf(r) };
  log(`${op} ×${clients}: ${fig.rps} req/s, p50 ${fig.p50} ms, p99 ${fig.p99} ms${fig.non2xx ? `, ${fig.non2xx} non-2xx` : ''}${fig.errors ? `, ${fig.errors} errors` : ''}`);
  return fig;
}

// ---------------------------------------------------------------------------------------------------- floor

async function floorFastify(clients: number[]): Promise<Figure[]> {
  const port = await freePort();
  const server = await startProcess([path.join(ROOT, 'bench', 'floor-server.mjs')], process.env, port, '/ping');
  const out: Figure[] = [];
  try {
    for (const c of clients) out.push(await load('floor: bare Fastify route', server.base, c, () => ({ path: '/ping' }), {}));
  } finally {
    await server.stop();
  }
  return out;
}

async function floorPglitePk(dataDir: string, ids: string[], clients: number[]): Promise<Figure[]> {
  const port = await freePort();
  const server = await startProcess([path.join(ROOT, 'bench', 'floor-server.mjs'), '--pglite', path.join(dataDir, 'pglite')], process.env, port, '/ping');
  const out: Figure[] = [];
  let k = 0;
  try {
    for (const c of clients) out.push(await load('floor: Fastify + PGlite primary-key read', server.base, c, () => ({ path: `/pk/${ids[k++ % ids.length]}` }), {}));
  } finally {
    await server.stop();
  }
  return out;
}

function pgbench(clients: number[]): { clients: number; tps: number; latencyMs: number }[] {
  const db = 'hearth_bench_pgbench';
  const url = new URL(PG_BASE);
  const conn = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  const has = spawnSync('psql', [...conn, '-d', 'postgres', '-tAc', `select 1 from pg_database where datname='${db}'`], { encoding: 'utf8' });
  if (has.status !== 0) throw new Error(`psql failed: ${has.stderr}`);
  if (has.stdout.trim() !== '1') {
    execFileSync('createdb', [...conn, db]);
    execFileSync('pgbench', [...conn, '-i', '-s', '10', '-q', db], { stdio: 'ignore' });
  }
  return clients.map((c) => {
    const out = execFileSync('pgbench', [...conn, '-S', '-n', '-c', String(c), '-j', '2', '-T', String(DURATION), db], { encoding: 'utf8' });
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 0);
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? 0);
    log(`floor: pgbench -S ×${c}: ${Math.round(tps)} TPS, ${latencyMs} ms average`);
    return { clients: c, tps: Math.round(tps), latencyMs };
  });
}

// ---------------------------------------------------------------------------------------------------- heavy single requests

type Timing = { op: string; runs: number; meanMs: number; maxMs: number; note?: string };

async function timed(op: string, runs: number, fn: () => Promise<string | void>): Promise<Timing> {
  const times: number[] = [];
  let note: string | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    note = (await fn()) ?? note;
    times.push(performance.now() - t0);
  }
  const t: Timing = { op, runs, meanMs: Math.round(times.reduce((a, b) => a + b, 0) / runs), maxMs: Math.round(Math.max(...times)), ...(note ? { note } : {}) };
  log(`${op}: mean ${t.meanMs} ms, max ${t.maxMs} ms${note ? ` (${note})` : ''}`);
  return t;
}

// ---------------------------------------------------------------------------------------------------- main

async function main() {
  const started = new Date();
  const { target, loadSeconds, loaded } = await dataset();
  const plan = planDemo({ seed: SEED, size: SCALE, asOf: AS_OF });
  // Customers to read, search and write to: spread over the whole dataset, known from the generator itself.
  const sample = Array.from({ length: 2000 }, (_, k) => household(plan, Math.floor(((k * 7919) % 2000) * (SCALE / 2000))).customer);
  const ids = sample.map((c) => c.id);

  const floor: { fastify: Figure[]; pgbench: { clients: number; tps: number; latencyMs: number }[]; pglite: Figure[] } = { fastify: [], pgbench: [], pglite: [] };
  if (!flag('skip-floor')) {
    floor.fastify = await floorFastify(CLIENTS);
    try {
      floor.pgbench = pgbench(CLIENTS);
    } catch (err) {
      log(`pgbench unavailable: ${(err as Error).message}`);
    }
    if (target.dataDir) floor.pglite = await floorPglitePk(target.dataDir, ids, CLIENTS);
  }

  const server = await startHearth(target);
  const figures: Figure[] = [];
  const heavy: Timing[] = [];
  let serverPeakRssMB = 0;
  try {
    const { auth } = await signInWithToken(server.base, `bench ${started.toISOString()}`);

    let k = 0;
    const pick = () => sample[k++ % sample.length]!;
    const runId = Date.now() % 1_000_000;
    let created = 0;
    const ops: [string, () => RequestSpec, Record<string, string>][] = [
      ['sign-in', () => ({ method: 'POST', path: '/api/v1/auth/login', body: JSON.stringify({ login: 'admin', password: ADMIN_PASSWORD }) }), {}],
      ['customer 360 read', () => ({ path: `/api/v1/customers/${pick().id}` }), auth],
      ['customer list, first page', () => ({ path: '/api/v1/customers?limit=20&withTotal=true' }), auth],
      ['customer 360 summary', () => ({ path: `/api/v1/customers/${pick().id}/transactions/summary` }), auth],
      [
        'customer list with filters',
        () => {
          const c = pick();
          return { path: `/api/v1/customers?compound=${encodeURIComponent(c.compound)}&stage=${c.stage}&limit=20&withTotal=true` };
        },
        auth,
      ],
      ['search by name', () => ({ path: `/api/v1/customers?q=${encodeURIComponent(pick().name)}&limit=20&withTotal=true` }), auth],
      ['search by phone fragment', () => ({ path: `/api/v1/customers?q=${pick().phones[0]!.slice(3, 10)}&limit=20&withTotal=true` }), auth],
      [
        'search by address fragment',
        () => {
          const c = pick();
          return { path: `/api/v1/customers?q=${encodeURIComponent(c.compound + c.building)}&limit=20&withTotal=true` };
        },
        auth,
      ],
      [
        'create customer',
        () => {
          const n = ++created;
          return {
            method: 'POST',
            path: '/api/v1/customers',
            body: JSON.stringify({
              name: `压测客户${runId}-${n}`,
              phones: [`+86177${String((runId * 1000 + n) % 100_000_000).padStart(8, '0')}`],
              address: { city: '哈尔滨市', compound: '压测小区', building: `${n % 30}号楼` },
              tags: ['压测'],
            }),
          };
        },
        auth,
      ],
      [
        'log a transaction',
        () => ({
          method: 'POST',
          path: `/api/v1/customers/${pick().id}/transactions`,
          body: JSON.stringify({ type: 'purchase', amountFen: 8000, occurredAt: new Date().toISOString(), channel: '压测' }),
        }),
        auth,
      ],
    ];
    for (const [op, next, headers] of ops) {
      if (ONLY && !ONLY.some((o) => op.includes(o))) continue;
      for (const c of CLIENTS) figures.push(await load(op, server.base, c, next, headers));
    }

    if (!ONLY || ONLY.includes('heavy')) {
      const get = async (p: string) => {
        const res = await fetch(server.base + p, { headers: auth });
        if (!res.ok) throw new Error(`${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
        return res;
      };
      heavy.push(
        await timed('duplicate finder (first page)', 3, async () => {
          const body = (await (await get('/api/v1/customers/duplicates?limit=50')).json()) as { items: unknown[] };
          return `${body.items.length} pairs`;
        }),
      );
      heavy.push(
        await timed('export CSV of one district', 2, async () => {
          const text = await (await get(`/api/v1/customers/export.csv?q=${encodeURIComponent('南岗区')}`)).text();
          return `${text.split('\n').length - 2} rows`;
        }),
      );
      heavy.push(
        await timed('tag filter with total', 5, async () => {
          const body = (await (await get(`/api/v1/customers?tag=${encodeURIComponent('已报停')}&withTotal=true&limit=20`)).json()) as { total?: number };
          return `${body.total ?? '?'} customers`;
        }),
      );
      heavy.push(
        await timed('custom-field range filter', 5, async () => {
          const body = (await (await get(`/api/v1/customers?custom=${encodeURIComponent('{"heated_area":{"from":140}}')}&limit=20`)).json()) as { items: unknown[] };
          return `${body.items.length} on the first page`;
        }),
      );
    }
  } finally {
    serverPeakRssMB = server.peakRssMB();
    await server.stop();
  }

  let importFigures: Record<string, unknown> | null = null;
  if (!flag('skip-import') && !ONLY) {
    const customers = Math.min(20_000, Math.max(1000, Math.round(SCALE / 10)));
    const transactions = customers * 10;
    log(`import: ${customers} customers + ${transactions} transactions through \`hearth import\``);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'import.bench.mjs'), '--customers', String(customers), '--transactions', String(transactions), '--only', DB], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (r.status === 0) importFigures = JSON.parse(readFileSync(path.join(ROOT, 'test-results', 'bench-import.json'), 'utf8')) as Record<string, unknown>;
  }

  // The feedback text analysis (issue #19): throughput on one core, model load, ChnSentiCorp dev accuracy.
  if (!flag('skip-feedback-text') && !ONLY) {
    log('feedback text analysis: bench/feedback-text.bench.ts');
    spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'feedback-text.bench.ts')], { cwd: ROOT, stdio: 'inherit' });
  }

  const machine = {
    host: os.hostname(),
    os: `${os.type()} ${os.release()}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    database: DB === 'postgres' ? ((await pgQuery<{ v: string }>(PG_BASE, 'select version() as v'))[0]?.v ?? '') : `PGlite ${JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version}`,
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || null,
    /** Uncommitted changes in the tree when it ran. */
    dirty: spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim().length > 0,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  const result = {
    startedAt: started.toISOString(),
    scale: SCALE,
    db: DB,
    seed: SEED,
    durationSeconds: DURATION,
    machine,
    dataset: { ...loaded, loadSeconds: loadSeconds === null ? null : Math.round(loadSeconds * 10) / 10 },
    floor,
    figures,
    heavy,
    serverPeakRssMB,
    import: importFigures,
  };
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  const file = path.join(ROOT, 'bench', 'results', `${started.toISOString().slice(0, 19).replace(/[:T]/g, '-')}-${DB}-${SCALE}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  console.log(markdown(result));
  console.log(`\nresults: ${path.relative(ROOT, file)}`);
}

type Result = {
  scale: number;
  db: string;
  durationSeconds: number;
  machine: Record<string, unknown>;
  dataset: Record<string, unknown>;
  floor: { fastify: Figure[]; pgbench: { clients: number; tps: number; latencyMs: number }[]; pglite: Figure[] };
  figures: Figure[];
  heavy: Timing[];
  serverPeakRssMB: number;
  import: Record<string, unknown> | null;
};

export function markdown(r: Result): string {
  const m = r.machine;
  const lines = [
    `## Hearth benchmark — ${r.scale.toLocaleString('en-US')} households on ${r.db === 'postgres' ? 'PostgreSQL' : 'PGlite'}`,
    '',
    `${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB; Node ${m.node}; ${m.database}; commit ${m.commit}${m.dirty ? ' (with uncommitted changes)' : ''}; ${r.durationSeconds} s per figure.`,
    `Dataset: ${r.dataset.customers} customers, ${r.dataset.transactions} transactions${r.dataset.loadSeconds ? `, loaded in ${r.dataset.loadSeconds} s` : ' (reused)'}.`,
    '',
    '| operation | clients | req/s | p50 ms | p90 ms | p99 ms | errors | vs bare Fastify | vs DB floor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const bare = (c: number) => r.floor.fastify.find((f) => f.clients === c)?.rps;
  const dbFloor = (c: number) => (r.db === 'postgres' ? r.floor.pgbench.find((f) => f.clients === c)?.tps : r.floor.pglite.find((f) => f.clients === c)?.rps);
  const ratio = (a: number, b: number | undefined) => (b ? `${((a / b) * 100).toFixed(1)} %` : '—');
  for (const f of r.figures) {
    lines.push(
      `| ${f.op} | ${f.clients} | ${f.rps.toLocaleString('en-US')} | ${f.p50} | ${f.p90} | ${f.p99} | ${f.errors + f.non2xx} | ${ratio(f.rps, bare(f.clients))} | ${ratio(f.rps, dbFloor(f.clients))} |`,
    );
  }
  lines.push('', '| floor | clients | per second | p50 ms | p99 ms |', '|---|---:|---:|---:|---:|');
  for (const f of r.floor.fastify) lines.push(`| bare Fastify route | ${f.clients} | ${f.rps.toLocaleString('en-US')} | ${f.p50} | ${f.p99} |`);
  for (const f of r.floor.pgbench) lines.push(`| pgbench -S (same PostgreSQL) | ${f.clients} | ${f.tps.toLocaleString('en-US')} TPS | ${f.latencyMs} (avg) | — |`);
  for (const f of r.floor.pglite) lines.push(`| Fastify + PGlite primary-key read | ${f.clients} | ${f.rps.toLocaleString('en-US')} | ${f.p50} | ${f.p99} |`);
  if (r.heavy.length) {
    lines.push('', '| heavy request (one client) | runs | mean ms | max ms | result |', '|---|---:|---:|---:|---|');
    for (const h of r.heavy) lines.push(`| ${h.op} | ${h.runs} | ${h.meanMs} | ${h.maxMs} | ${h.note ?? ''} |`);
  }
  lines.push('', `Server peak RSS during the run: ${r.serverPeakRssMB} MB.`);
  const imp = r.import as { results?: { database: string; kind: string; rows: number; rowsPerSecond: number; peakRssMB: number }[] } | null;
  if (imp?.results?.length) {
    lines.push('', '| import (`hearth import`) | rows | rows/s | peak RSS MB |', '|---|---:|---:|---:|');
    for (const i of imp.results) lines.push(`| ${i.kind} (${i.database}) | ${i.rows.toLocaleString('en-US')} | ${i.rowsPerSecond.toLocaleString('en-US')} | ${i.peakRssMB} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
