/**
 * Verification of the home dashboards at the demo's scale (issue #17, must show 1: "every dashboard tile and KPI equals
 * an independent SQL computation on the 200,000-household demo, and drill-down rows add up to the tile's figure").
 * The per-tile tests check the same on small fixtures in CI; this is the check at scale, run by hand like a benchmark.
 *
 * 1. The dataset: a scratch database `hearth_bench_dashv_N` on BENCH_DATABASE_URL's server gets the heating demo of N
 *    households through `hearth demo load` (as bench/run.ts builds its datasets: the CLI's exclusive load, with the two
 *    seasons of service history — tickets, feedback, care), then one analytics run (`hearth analytics run`). With
 *    --reuse an existing database of that name is used as it is.
 * 2. The real server (src/main.ts) on it. Users: the demo's administrator (admin board), its account manager with
 *    the most customers (account board, and the agent board as `?board=agent`: the demo has no agents, and an account
 *    manager holds every agent-board permission), plus a manager and an agent created through the API (manager board,
 *    and the account board at scope `all`; the agent's own board).
 * 3. Each board is read through GET /api/v1/dashboards/home; every figure (stat, chart point) is recomputed by SQL
 *    written here — from the tables, by the definitions in the tiles' descriptions and issue #17, not by the modules'
 *    code — for the same instant (the response's `asOf`). A board whose figures disagree is read again (up to 3 times:
 *    the server's own jobs — the outbox sender, SLA clocks — keep changing the data under a live read).
 * 4. Each figure with a drill-down link is followed: the web link is mapped to the list endpoint it opens (tickets,
 *    customers, tasks, feedback, loyalty members / redemptions / referrals, segments, campaigns, goals, users), whose
 *    `total` — or, for lists without one (or an estimated one), the rows paged through — must equal the figure (a share
 *    or a rate: its numerator). A drill-down that disagrees is read again with its figure once (a long list pages for a
 *    minute at this scale). Before reading, the script waits for the analytics run a server queues on a new day.
 *
 *   node --import tsx bench/dashboards-verify.ts --scale 200000 [--keep] [--reuse] [--seed 1] [--as-of YYYY-MM-DD]
 *   (npm run bench -- --dashboards-verify [--scale N] …)
 *
 * Output: the table on stdout (tile, figure, API value, SQL value, drill total, equal?) and
 * bench/results/<time>-dashboards-verify-postgres-<N>.json. The database is dropped at the end unless --keep. Exit code
 * 1 when any checked figure disagrees.
 *
 * Figures this script does not recompute (listed as `—` in the SQL column, with the reason): those needing the SLA
 * business calendar (tickets.mine's warning, tickets.service's median first response), goal progress, the performance
 * score and rank, care occasions beyond the demo's rules (audiences, anniversaries, lunar birthdays), and the hot-topic rule.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { admin, arg, flag, log, PG_BASE, ROOT, round } from './pg-bench.js';
import { freePort, startProcess, type Server } from './run.js';
import { lit, skip, SQL_TILES, type Ctx, type Expected, type Home, type Who } from './dashboards-verify.sql.js';

const SCALE = Number(arg('scale', '200000'));
const SEED = Number(arg('seed', '1'));
/** The demo's last day: today by default, so the "this month / today / last 7 days" figures have data. */
const AS_OF = arg('as-of', new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10))!;
const ADMIN_PASSWORD = 'Bench-admin-2026';
const MANAGER_PASSWORD = 'Bench-manager-2026';
const NAME = `hearth_bench_dashv_${SCALE}`;
const BIN = path.join(ROOT, 'bin', 'hearth.mjs');

const dbUrl = (() => {
  const u = new URL(PG_BASE);
  u.pathname = `/${NAME}`;
  return u.toString();
})();

// ---------------------------------------------------------------------------------------------------- dataset

function hearth(args: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, [BIN, ...args, '--format', 'json'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`hearth ${args.join(' ')} failed (${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

async function dataset(): Promise<{ loadSeconds: number | null; analyticsSeconds: number | null; reused: boolean }> {
  const exists = (await admin(`select 1 from pg_database where datname = '${NAME}'`)).length > 0;
  if (exists && flag('reuse')) {
    log(`reusing ${NAME}`);
    return { loadSeconds: null, analyticsSeconds: null, reused: true };
  }
  await admin(`drop database if exists ${NAME} with (force)`);
  await admin(`create database ${NAME}`);
  log(`demo load: ${SCALE} households as of ${AS_OF} into ${NAME} …`);
  let t = performance.now();
  hearth(['demo', 'load', '--size', String(SCALE), '--seed', String(SEED), '--as-of', AS_OF, '--admin-password', ADMIN_PASSWORD, '--password', MANAGER_PASSWORD, '--accept-older-version']);
  const loadSeconds = round((performance.now() - t) / 1000);
  log(`demo load: ${loadSeconds} s; analytics run …`);
  t = performance.now();
  hearth(['analytics', 'run', '--as-of', AS_OF]);
  const analyticsSeconds = round((performance.now() - t) / 1000);
  log(`analytics run: ${analyticsSeconds} s`);
  return { loadSeconds, analyticsSeconds, reused: false };
}

// ---------------------------------------------------------------------------------------------------- the server

/** The real server on the scratch database (run.ts's process starter: health-polled, stopped with SIGTERM). */
async function startServer(): Promise<Server> {
  const env = { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn', LOGIN_RATE_PER_MINUTE: '1000000', LOGIN_MAX_FAILURES: '1000000' };
  return startProcess(['--max-old-space-size=1024', '--import', 'tsx', 'src/main.ts'], env, await freePort(), '/api/health');
}

type Session = { cookie: string; csrf: string };

class Api {
  constructor(
    readonly base: string,
    readonly session: Session,
  ) {}
  static async signIn(base: string, login: string, password: string): Promise<Api> {
    const res = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
    if (!res.ok) throw new Error(`sign-in ${login}: ${res.status} ${await res.text()}`);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return new Api(base, { cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), csrf: csrfToken });
  }
  async get<T>(url: string): Promise<T> {
    const res = await fetch(this.base + url, { headers: { cookie: this.session.cookie, 'accept-language': 'zh-CN' } });
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  }
  async post<T>(url: string, body: unknown): Promise<T> {
    const res = await fetch(this.base + url, {
      method: 'POST',
      headers: { cookie: this.session.cookie, 'x-csrf-token': this.session.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  }
  /** Every item of a keyset-paged list (`items`, `nextCursor`). */
  async all<T>(url: string, limit: number): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const page: { items: T[]; nextCursor: string | null } = await this.get(`${url}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
}


// ---------------------------------------------------------------------------------------------------- drill-downs

type Drill = { total: number | null; via: string } | { skip: string };

const UNFILTERED: Record<string, string> = {
  '/analytics': 'the analytics page keeps its filters out of the URL',
  '/admin/outbox': 'the outbox page takes no filter from the URL',
  '/imports': 'the imports page takes no filter from the URL',
  '/surveys': 'the surveys page (no figure-level filter)',
  '/feedback/analysis': 'the analysis page (no figure-level filter)',
  '/tickets/reports': 'the ticket reports page',
  '/loyalty?tab=reports': 'the loyalty reports page',
};

async function drill(api: Api, link: string, tileKey: string, statIndex: string): Promise<Drill> {
  if (UNFILTERED[link]) return { skip: UNFILTERED[link]! };
  const u = new URL(link, 'http://x');
  const p = u.searchParams;
  const pass = (keys: string[]) => {
    const out = new URLSearchParams();
    for (const k of keys) if (p.get(k)) out.set(k, p.get(k)!);
    return out;
  };
  switch (u.pathname) {
    case '/tickets': {
      const q = pass(['type', 'sla', 'createdFrom', 'createdTo', 'merged', 'categoryId', 'assigneeId', 'tag']);
      const status = p.get('status');
      if (status !== 'all') q.set('status', status ?? 'open');
      if (p.get('mine') === '1' || p.get('mine') === 'true') q.set('mine', 'true');
      const url = `/api/v1/tickets?${q}&limit=1`;
      return { total: (await api.get<{ total: number }>(url)).total, via: url };
    }
    case '/customers': {
      const q = pass(['valueTier', 'churnLevel', 'segment', 'tag', 'stage']);
      const url = `/api/v1/customers?${q}&withTotal=true&limit=1`;
      const page = await api.get<{ total: number | null; totalExact: boolean }>(url);
      if (page.totalExact) return { total: page.total, via: url };
      // Above 10,000 matches the total is an estimate: count the rows themselves.
      const rows = await api.all<{ id: string }>(`/api/v1/customers?${q}`, 200);
      return { total: rows.length, via: `${url} (estimate ${page.total}; rows paged)` };
    }
    case '/tasks': {
      const tab = p.get('tab');
      if (!tab) return { skip: 'the tasks page' };
      const url = `/api/v1/tasks/mine?bucket=${tab}`;
      const items = await api.all<{ completedAt: string | null }>(url, 100);
      // 今天已完成 leads to the done_today tab: its list is exactly the figure's tasks.
      return { total: items.length, via: url };
    }
    case '/feedback': {
      if (p.get('item')) return { skip: 'one item' };
      const q = pass(['status', 'sentiment', 'categoryId', 'keyword', 'compound', 'from', 'to', 'q']);
      const url = `/api/v1/feedback?${q}`;
      return { total: (await api.all(url, 200)).length, via: url };
    }
    case '/loyalty': {
      const tab = p.get('tab');
      if (tab === 'redemptions') {
        const url = `/api/v1/loyalty/redemptions?${pass(['from', 'to'])}`;
        const rows = await api.all<{ points: number; status?: string }>(url, 200);
        return { total: rows.reduce((s, r) => s + Math.abs(r.points), 0), via: `${url} (Σ points of ${rows.length} rows)` };
      }
      if (tab === 'referrals') {
        const url = `/api/v1/loyalty/referrals?${pass(['status', 'from', 'to'])}`;
        return { total: (await api.all(url, 200)).length, via: url };
      }
      if (tab) return { skip: `the loyalty ${tab} tab` };
      const url = `/api/v1/loyalty/members${p.get('tier') ? `?tier=${encodeURIComponent(p.get('tier')!)}` : ''}`;
      return { total: (await api.all(url, 200)).length, via: url };
    }
    case '/segments': {
      if (tileKey === 'segments.sizes' && statIndex === 's1') {
        const url = '/api/v1/segments?kind=dynamic';
        return { total: (await api.all(url, 100)).length, via: url };
      }
      const url = '/api/v1/segments';
      return { total: (await api.all(url, 100)).length, via: url };
    }
    case '/campaigns': {
      const status = { s0: 'running', s1: 'scheduled' }[statIndex];
      if (!status) return { skip: 'the campaigns page has no "awaiting approval" filter' };
      const url = `/api/v1/campaigns?status=${status}&limit=1`;
      return { total: (await api.get<{ total: number }>(url)).total, via: url };
    }
    case '/goals': {
      const status = { s0: 'on_track', s1: 'at_risk' }[statIndex];
      if (!status) return { skip: 'the goals page' };
      const { items } = await api.get<{ items: { progress: { status: string } }[] }>('/api/v1/goals?when=current');
      return { total: items.filter((g) => g.progress.status === status).length, via: `/api/v1/goals?when=current (status ${status})` };
    }
    case '/admin/users': {
      const { items } = await api.get<{ items: { active: boolean; lastLoginAt: string | null }[] }>('/api/v1/users');
      if (statIndex === 's0') return { total: items.filter((x) => x.active).length, via: '/api/v1/users (active)' };
      if (statIndex === 's2') return { total: items.filter((x) => !x.active).length, via: '/api/v1/users (disabled)' };
      return { skip: 'the users page has no "signed in within 7 days" filter' };
    }
    default:
      return { skip: `no list mapped for ${u.pathname}` };
  }
}

// ---------------------------------------------------------------------------------------------------- the check

type Row = {
  reader: string;
  board: string;
  tile: string;
  figure: string;
  label: string;
  api: number | null;
  sql: number | null | string;
  drill: number | null | string;
  drillVia: string | null;
  equal: boolean | null;
  drillEqual: boolean | null;
  /** What the drill-down must add up to when it is not the figure itself (a share's or a rate's numerator). */
  drillTarget: number | null;
  attempts: number;
};

const same = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)));

const drillCache = new Map<string, Drill>();

async function checkBoard(api: Api, who: Who, board: string, q: Ctx['q'], zone: string): Promise<Row[]> {
  let rows: Row[] = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const home = await api.get<Home>(`/api/v1/dashboards/home?board=${board}`);
    const ctx: Ctx = { q, who, now: home.asOf, zone, api };
    rows = [];
    for (const tile of home.tiles) {
      const compute = SQL_TILES[tile.key];
      const expected: Expected = compute ? await compute(ctx, tile) : {};
      const figures: { id: string; label: string; value: number | null; link: string | null }[] = [
        ...tile.stats.map((s, i) => ({ id: `s${i}`, label: s.label, value: s.value, link: s.link })),
        ...(tile.chart?.series[0]?.values ?? []).map((v, i) => ({ id: `c${i}`, label: `${tile.chart!.series[0]!.name} · ${tile.chart!.x[i]}`, value: v, link: tile.chart!.series[0]!.links[i] ?? null })),
      ];
      for (const f of figures) {
        const e = compute ? expected[f.id] : skip('no SQL written for this tile');
        const sqlValue = e === undefined ? 'not computed' : e !== null && typeof e === 'object' ? `— ${e.skip}` : e;
        rows.push({
          reader: who.label,
          board,
          tile: tile.key,
          figure: f.id,
          label: f.label,
          api: f.value,
          sql: sqlValue,
          drill: null,
          drillVia: f.link,
          equal: typeof sqlValue === 'string' ? null : same(f.value, sqlValue),
          drillEqual: null,
          drillTarget: typeof expected[`d:${f.id}`] === 'number' ? (expected[`d:${f.id}`] as number) : null,
          attempts: attempt,
        });
      }
    }
    const bad = rows.filter((r) => r.equal === false);
    if (!bad.length) break;
    log(`${who.label} ${board}: ${bad.length} figure(s) differ on attempt ${attempt}: ${bad.map((r) => `${r.tile}.${r.figure} api=${r.api} sql=${String(r.sql)}`).join('; ')}`);
    if (attempt < 3) await new Promise((r) => setTimeout(r, 2000));
  }
  // The drill-downs, once, after the figures agree (or after the last attempt).
  for (const r of rows) {
    if (!r.drillVia) continue;
    const link = r.drillVia;
    // The same list for the same reader is paged once (the manager's two boards share tiles).
    const key = `${who.id} ${r.tile} ${r.figure} ${r.drillVia}`;
    const d = drillCache.get(key) ?? (await drill(api, r.drillVia, r.tile, r.figure));
    drillCache.set(key, d);
    if ('skip' in d) {
      r.drill = `— ${d.skip}`;
      continue;
    }
    r.drill = d.total;
    r.drillVia = `${r.drillVia} → ${d.via}`;
    // A share or a rate drills to the items it counts: its numerator (the SQL's), else the figure itself.
    r.drillEqual = same(r.drillTarget ?? r.api, d.total);
    if (!r.drillEqual) {
      // Once more, figure and list read afresh: the server's own jobs (a nightly analytics run) may have moved the data
      // while a long list was paged.
      const again = (await api.get<Home>(`/api/v1/dashboards/home?board=${board}`)).tiles.find((t) => t.key === r.tile);
      const i = Number(r.figure.slice(1));
      const value = r.figure.startsWith('s') ? again?.stats[i]?.value : again?.chart?.series[0]?.values[i];
      const d2 = await drill(api, link, r.tile, r.figure);
      drillCache.set(key, d2);
      if (!('skip' in d2) && value !== undefined && r.drillTarget === null && same(value, d2.total)) {
        r.drillEqual = true;
        r.drillVia += ` (read again: the figure moved ${String(r.api)} → ${String(value)} and the list ${String(d.total)} → ${String(d2.total)})`;
        r.drill = d2.total;
      }
    }
  }
  return rows;
}

function printTable(rows: Row[]): void {
  const fmt = (v: number | string | null) => (v === null ? 'null' : typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : v.length > 48 ? `${v.slice(0, 47)}…` : v);
  const mark = (x: boolean | null) => (x === null ? '·' : x ? 'yes' : 'NO');
  const lines = [['reader/board', 'tile.figure', 'label', 'API', 'SQL', 'drill', '=SQL', '=drill']];
  for (const r of rows) lines.push([`${r.reader}/${r.board}`, `${r.tile}.${r.figure}`, r.label, fmt(r.api), fmt(r.sql), fmt(r.drill), mark(r.equal), mark(r.drillEqual)]);
  const widths = lines[0]!.map((_, i) => Math.min(60, Math.max(...lines.map((l) => [...l[i]!].length))));
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(widths[i]!)).join(' | '));
}

async function main() {
  const started = new Date();
  const data = await dataset();
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const q = async (text: string) => (await pool.query(text)).rows as Record<string, unknown>[];
  const [{ households, transactions }] = (await q(`select (select count(*) from customers where deleted_at is null)::int as households, (select count(*) from transactions)::int as transactions`)) as [
    { households: number; transactions: number },
  ];
  // The demo's own date (a reused database keeps the one it was loaded with).
  const demoAsOf = String((await q(`select as_of::text as d from demo_loads order by 1 desc limit 1`))[0]?.d ?? AS_OF);
  const zone = String((await q(`select value #>> '{}' as zone from settings where key = 'timezone'`))[0]?.zone ?? 'Asia/Shanghai');
  log(`${households} households, ${transactions} transactions; zone ${zone}; starting the server …`);
  const server = await startServer();
  const rows: Row[] = [];
  let checkSeconds = 0;
  try {
    // A server started on a new company day queues the nightly analytics run: let it finish before reading, so the
    // value figures do not move under the check (it takes about a minute at 200,000 households).
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    while ((await q(`select 1 from analytics_runs where status in ('queued', 'running') limit 1`)).length && performance.now() - w0 < 900_000) {
      await new Promise((r) => setTimeout(r, 3000));
    }
    log(`server's start-up analytics: waited ${round((performance.now() - w0) / 1000)} s`);
    const adminApi = await Api.signIn(server.base, 'admin', ADMIN_PASSWORD);
    // The readers: created once (a reused database keeps them).
    const readers: { username: string; roleKey: string; displayName: string }[] = [
      { username: 'verify.manager', roleKey: 'manager', displayName: '核对·经理' },
      { username: 'verify.agent', roleKey: 'agent', displayName: '核对·坐席' },
    ];
    const PASSWORD = 'Verify-pass-2026';
    for (const r of readers) {
      if ((await q(`select 1 from users where username = ${lit(r.username)}`)).length) continue;
      await adminApi.post('/api/v1/users', { ...r, password: PASSWORD });
    }
    // The account manager with the most live customers (the demo's busiest book).
    const [am] = await q(`select u.username from users u join customers c on c.owner_id = u.id and c.deleted_at is null
                           where u.role_key = 'account_manager' and u.active group by u.username order by count(*) desc, u.username limit 1`);
    if (!am) throw new Error('no account manager in the demo');
    // Every reader signs in before any board is read (the users tile counts sign-ins of the last 7 days).
    const apis = {
      admin: adminApi,
      manager: await Api.signIn(server.base, 'verify.manager', PASSWORD),
      agent: await Api.signIn(server.base, 'verify.agent', PASSWORD),
      am: await Api.signIn(server.base, String(am.username), MANAGER_PASSWORD),
    };
    const idOf = async (username: string) => String((await q(`select id from users where username = ${lit(username)}`))[0]!.id);
    const who = {
      admin: { id: await idOf('admin'), all: true, feedbackManage: true, label: 'admin' },
      manager: { id: await idOf('verify.manager'), all: true, feedbackManage: true, label: 'verify.manager' },
      agent: { id: await idOf('verify.agent'), all: false, feedbackManage: true, label: 'verify.agent' },
      am: { id: await idOf(String(am.username)), all: false, feedbackManage: false, label: String(am.username) },
    };
    const plan: [keyof typeof apis, string][] = [
      ['admin', 'admin'],
      ['manager', 'manager'],
      ['manager', 'account'],
      ['am', 'account'],
      ['am', 'agent'],
      ['agent', 'agent'],
    ];
    const t0 = performance.now();
    for (const [reader, board] of plan) {
      const t = performance.now();
      const got = await checkBoard(apis[reader], who[reader], board, q, zone);
      rows.push(...got);
      log(`${who[reader].label} / ${board}: ${got.length} figures in ${round((performance.now() - t) / 1000)} s`);
    }
    checkSeconds = round((performance.now() - t0) / 1000);
  } finally {
    await server.stop();
    await pool.end();
    if (!flag('keep')) await admin(`drop database if exists ${NAME} with (force)`);
  }
  printTable(rows);
  const compared = rows.filter((r) => r.equal !== null);
  const drilled = rows.filter((r) => r.drillEqual !== null);
  const summary = {
    figures: rows.length,
    tiles: new Set(rows.map((r) => r.tile)).size,
    tileBoards: new Set(rows.map((r) => `${r.reader}/${r.board}/${r.tile}`)).size,
    comparedWithSql: compared.length,
    equalToSql: compared.filter((r) => r.equal).length,
    drilled: drilled.length,
    drillEqual: drilled.filter((r) => r.drillEqual).length,
    disagreements: rows.filter((r) => r.equal === false || r.drillEqual === false).map((r) => ({ reader: r.reader, board: r.board, tile: r.tile, figure: r.figure, label: r.label, api: r.api, sql: r.sql, drill: r.drill, via: r.drillVia })),
  };
  console.log(JSON.stringify({ ...summary, disagreements: summary.disagreements.length }));
  const result = {
    kind: 'dashboards-verify',
    startedAt: started.toISOString(),
    database: 'postgres',
    scale: SCALE,
    seed: SEED,
    asOf: demoAsOf,
    households,
    transactions,
    dataset: data,
    checkSeconds,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGB: round(os.totalmem() / 2 ** 30), loadAverage: os.loadavg().map((x) => round(x, 2)), node: process.version },
    summary,
    rows,
  };
  mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
  const file = path.join(ROOT, 'bench', 'results', `${started.toISOString().replace(/[:.]/g, '-')}-dashboards-verify-postgres-${SCALE}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${path.relative(ROOT, file)}`);
  if (summary.disagreements.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
