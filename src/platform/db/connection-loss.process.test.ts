/**
 * The real server (`src/main.ts`, a child process) on PostgreSQL under a write load while the database goes away:
 * (1) every server connection is terminated with pg_terminate_backend three times; (2) PostgreSQL is stopped and
 * started again. The process stays up, a request that loses the database is answered 503 problem+json with
 * Retry-After in the caller's language (never 500), the server recovers by itself within 5 s (writes succeed,
 * /api/health is 200 again, pg-boss runs jobs again) and every acknowledged write is in the database afterwards.
 *
 * The restart uses a PostgreSQL instance of the test's own (initdb into a temporary directory, a free port), never the
 * shared server other tests run on. It is skipped, with the reason printed, when initdb is not available.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migratedPostgresDatabase, TEST_DB_KIND } from '../../test/harness.js';
import { freePort, killChildren, signIn, startServer, type ServerProcess } from '../../test/server-process.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One write of the load: when it was sent and answered, and what came back. */
type Outcome = {
  loop: number;
  sent: number;
  answered: number;
  status: number; // 0: no HTTP answer at all (the server is gone)
  lang: 'zh-CN' | 'en';
  id?: string;
  contentType?: string | null;
  retryAfter?: string | null;
  body?: Record<string, unknown>;
  error?: string;
};

const TITLES = { 'zh-CN': '服务暂时不可用', en: 'Service temporarily unavailable' };

/** Concurrent loops creating customers over HTTP until stopped (bounded in count per loop). */
function writeLoad(url: string, headers: Record<string, string>, opts: { loops: number; maxPerLoop: number; tag: string }) {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const loop = async (n: number) => {
    const lang = n % 2 ? 'en' : 'zh-CN';
    for (let i = 0; i < opts.maxPerLoop && !stopped; i++) {
      const sent = Date.now();
      const phone = `139${opts.tag}${n}${String(i).padStart(6, '0')}`;
      try {
        const r = await fetch(`${url}/api/v1/customers`, {
          method: 'POST',
          headers: { ...headers, 'accept-language': lang },
          body: JSON.stringify({ name: `断线测试${opts.tag}-${n}-${i}`, phones: [phone] }),
          signal: AbortSignal.timeout(20_000),
        });
        const text = await r.text();
        let body: Record<string, unknown> | undefined;
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          body = { text };
        }
        outcomes.push({
          loop: n,
          sent,
          answered: Date.now(),
          status: r.status,
          lang,
          id: r.status === 201 ? String(body.id) : undefined,
          contentType: r.headers.get('content-type'),
          retryAfter: r.headers.get('retry-after'),
          body,
        });
        if (r.status !== 201) await sleep(50);
      } catch (err) {
        outcomes.push({ loop: n, sent, answered: Date.now(), status: 0, lang, error: String(err) });
        await sleep(50);
      }
    }
  };
  const done = Promise.all(Array.from({ length: opts.loops }, (_, n) => loop(n)));
  return {
    outcomes,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/** What every test asserts about the answers of the load. */
function checkOutcomes(outcomes: Outcome[]): void {
  const unexpected = outcomes.filter((o) => o.status !== 201 && o.status !== 503);
  expect(unexpected.slice(0, 5), `answers other than 201/503: ${unexpected.length}`).toEqual([]);
  for (const o of outcomes.filter((x) => x.status === 503)) {
    expect(o.contentType).toMatch(/^application\/problem\+json/);
    expect(Number(o.retryAfter)).toBeGreaterThan(0);
    expect(o.body).toMatchObject({ status: 503, code: 'unavailable', title: TITLES[o.lang] });
  }
}

/** Time from `from` until the first write sent after it succeeded. */
function recoveryMs(outcomes: Outcome[], from: number): number {
  const first = outcomes.filter((o) => o.sent >= from && o.status === 201).sort((a, b) => a.answered - b.answered)[0];
  return first ? first.answered - from : Infinity;
}

async function waitUntil<T>(what: string, fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function health(url: string): Promise<number> {
  const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) });
  await r.arrayBuffer();
  return r.status;
}

async function setUp(url: string): Promise<Record<string, string>> {
  const setup = await fetch(`${url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ companyName: '断线测试公司', template: 'heating', admin: { username: 'admin', displayName: '管理员', password: 'Admin1234' } }),
  });
  expect(setup.status).toBe(201);
  return signIn(url, 'admin', 'Admin1234');
}

/** Every acknowledged write is a row of customers. */
async function missingAcknowledged(url: string, outcomes: Outcome[]): Promise<string[]> {
  const ids = outcomes.filter((o) => o.status === 201).map((o) => o.id!);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query<{ id: string }>(`select id from customers where id = any($1::uuid[])`, [ids]);
    const have = new Set(found.rows.map((r) => r.id));
    return ids.filter((id) => !have.has(id));
  } finally {
    await client.end();
  }
}

/** Starts an analytics run (a pg-boss job) and waits until the job has run it. */
async function analyticsRunFinishes(url: string, headers: Record<string, string>, ms: number): Promise<string> {
  const run = await waitUntil(
    'an analytics run to be accepted',
    async () => {
      const r = await fetch(`${url}/api/v1/analytics/runs`, { method: 'POST', headers, body: '{}' });
      const body = (await r.json()) as { id?: string };
      return r.status === 202 ? body.id : undefined;
    },
    ms,
  );
  return waitUntil(
    'the analytics run to finish',
    async () => {
      const r = await fetch(`${url}/api/v1/analytics/runs/${run}`, { headers });
      const body = (await r.json()) as { status?: string };
      return body.status === 'done' || body.status === 'failed' ? body.status : undefined;
    },
    ms,
  );
}

async function stopServer(s: ServerProcess | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null || s.child.signalCode) return;
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  await s.exited;
  clearTimeout(t);
}

describe.skipIf(TEST_DB_KIND !== 'postgres')('the server survives losing PostgreSQL under a write load', () => {
  const servers: ServerProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const s of servers) await stopServer(s);
    killChildren();
    for (const c of cleanups.reverse()) await c().catch((err: Error) => console.warn(`cleanup: ${err.message}`));
  });

  it('every connection terminated three times: 503 for what was cut, recovery within 5 s, no acknowledged write lost', async () => {
    const scratch = await migratedPostgresDatabase('hearth_connloss');
    cleanups.push(scratch.drop);
    const server = await startServer({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' });
    servers.push(server);
    const headers = await setUp(server.url);
    // pg-boss is running (its workers poll through the terminations) and runs a job before.
    expect(await analyticsRunFinishes(server.url, headers, 20_000)).toMatch(/done|failed/);

    const dbName = new URL(scratch.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    cleanups.push(() => admin.end());
    const load = writeLoad(server.url, headers, { loops: 4, maxPerLoop: 400, tag: '1' });
    const terminatedAt: number[] = [];
    let terminated = 0;
    try {
      await sleep(700);
      for (let round = 0; round < 3; round++) {
        terminatedAt.push(Date.now());
        const r = await admin.query(
          `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
          [dbName],
        );
        terminated += r.rows[0].n as number;
        await sleep(1500);
      }
    } finally {
      await load.stop();
    }
    const outcomes = load.outcomes;
    const count = (s: number) => outcomes.filter((o) => o.status === s).length;
    console.log(`terminate ×3: ${terminated} connections ended; ${outcomes.length} writes: ${count(201)} × 201, ${count(503)} × 503`);

    expect(server.child.exitCode, server.output()).toBeNull();
    expect(terminated).toBeGreaterThan(0);
    checkOutcomes(outcomes);
    for (const at of terminatedAt) expect(recoveryMs(outcomes, at)).toBeLessThan(5000);
    expect(await health(server.url)).toBe(200);
    expect(await missingAcknowledged(scratch.url, outcomes)).toEqual([]);
    // pg-boss took its connection losses in its stride: a new job runs.
    expect(await analyticsRunFinishes(server.url, headers, 20_000)).toMatch(/done|failed/);
    expect(server.output()).not.toMatch(/Unhandled 'error' event|unhandled error/);
    if (process.env.HEARTH_TEST_VERBOSE) console.log(server.output());
  });

  const pgBin = findPostgresBin();
  const skipRestart = restartSkipReason(pgBin);
  if (skipRestart) console.log(`PostgreSQL restart test skipped: ${skipRestart}`);

  it.skipIf(!!skipRestart)('PostgreSQL stopped and started again: 503 while away, health 503, recovery within 5 s, nothing lost', async () => {
    const instance = await startOwnPostgres(pgBin!);
    cleanups.push(instance.remove);
    const server = await startServer({ DATABASE_URL: instance.url, LOG_LEVEL: 'warn' });
    servers.push(server);
    const headers = await setUp(server.url);
    expect(await analyticsRunFinishes(server.url, headers, 20_000)).toMatch(/done|failed/);

    const load = writeLoad(server.url, headers, { loops: 4, maxPerLoop: 400, tag: '2' });
    const healthWhileDown: number[] = [];
    let startedAt = 0;
    let healthBackMs = Infinity;
    try {
      await sleep(700);
      await instance.stop();
      const downUntil = Date.now() + 2000;
      while (Date.now() < downUntil) {
        healthWhileDown.push(await health(server.url).catch(() => 0));
        await sleep(250);
      }
      await instance.start();
      startedAt = Date.now();
      await waitUntil('health 200', async () => ((await health(server.url)) === 200 ? true : undefined), 10_000);
      healthBackMs = Date.now() - startedAt;
      await sleep(1000);
    } finally {
      await load.stop();
    }
    const outcomes = load.outcomes;
    const count = (s: number) => outcomes.filter((o) => o.status === s).length;
    console.log(
      `restart: ${outcomes.length} writes: ${count(201)} × 201, ${count(503)} × 503; health while down: ${healthWhileDown.join(' ')}; ` +
        `first write ${recoveryMs(outcomes, startedAt)} ms and health ${healthBackMs} ms after the start`,
    );

    expect(server.child.exitCode, server.output()).toBeNull();
    checkOutcomes(outcomes);
    expect(count(503)).toBeGreaterThan(0);
    expect(healthWhileDown.length).toBeGreaterThan(0);
    expect(healthWhileDown.every((s) => s === 503)).toBe(true);
    expect(recoveryMs(outcomes, startedAt)).toBeLessThan(5000);
    expect(healthBackMs).toBeLessThan(5000);
    expect(await missingAcknowledged(instance.url, outcomes)).toEqual([]);
    // pg-boss, started before the stop (its workers polled through it), runs a job again.
    expect(await analyticsRunFinishes(server.url, headers, 20_000)).toMatch(/done|failed/);
    expect(server.output()).not.toMatch(/Unhandled 'error' event|unhandled error/);
    if (process.env.HEARTH_TEST_VERBOSE) console.log(server.output());
  });
});

/** The newest PostgreSQL server installation's bin directory (Debian: /usr/lib/postgresql/<version>/bin), if any. */
function findPostgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

const asRoot = process.getuid?.() === 0;

function restartSkipReason(bin: string | null): string | null {
  if (TEST_DB_KIND !== 'postgres') return 'not the PostgreSQL suite';
  if (!bin) return 'no PostgreSQL server binaries (initdb) under /usr/lib/postgresql';
  if (asRoot && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser')) return 'running as root without runuser';
  return null;
}

/** initdb refuses to run as root: as root, PostgreSQL's programs run as the postgres user. */
async function pgRun(bin: string, program: string, args: string[]): Promise<void> {
  const exe = path.join(bin, program);
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', exe, ...args], { timeout: 60_000 });
  else await run(exe, args, { timeout: 60_000 });
}

/** A throwaway PostgreSQL instance: its own data directory and socket directory under tmp, a free TCP port. */
async function startOwnPostgres(bin: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearth-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=40`;
  const start = () => pgRun(bin, 'pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', '-o', options, 'start']);
  let running = false;
  await pgRun(bin, 'initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  await start();
  running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pgRun(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    start: async () => {
      await start();
      running = true;
    },
    remove: async () => {
      if (running) await pgRun(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
