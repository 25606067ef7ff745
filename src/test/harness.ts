/**
 * Integration-test harness: a fresh database per test file (in-memory PGlite, or a new PostgreSQL database when
 * HEARTH_TEST_DB=postgres) copied from the run's migrated template (templates.ts), the real app, and helpers that
 * speak HTTP through app.inject.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, prepareDatabase } from '../app.js';
import { loadConfig, type Config } from '../platform/config.js';
import { openDatabase, type Database } from '../platform/db/client.js';
import type { App } from '../platform/http/server.js';
import { openPgliteFrom, readDump, templates } from './templates.js';
import { scratchPostgres } from './provided.js';

export const TEST_DB_KIND: 'pglite' | 'postgres' = process.env.HEARTH_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export const ADMIN = { username: 'admin', password: 'Admin1234', displayName: '系统管理员' };

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type Res = LightMyRequestResponse & { body_: unknown };

/** An HTTP client bound to one signed-in user (cookie + CSRF header), or anonymous. */
export class Client {
  constructor(
    readonly app: App,
    readonly cookie: string | null = null,
    readonly csrf: string | null = null,
    readonly userId: string | null = null,
    readonly extraHeaders: Record<string, string> = {},
  ) {}

  async request(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const h: Record<string, string> = { ...this.extraHeaders, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    const opts: InjectOptions = { method, url, headers: h };
    if (body !== undefined) {
      if (typeof body === 'string') opts.payload = body;
      else opts.payload = body as InjectOptions['payload'];
      h['content-type'] ??= 'application/json';
    }
    return this.app.inject(opts);
  }
  get = (url: string, headers?: Record<string, string>) => this.request('GET', url, undefined, headers);
  post = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('POST', url, body ?? {}, headers);
  patch = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('PATCH', url, body ?? {}, headers);
  put = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('PUT', url, body ?? {}, headers);
  delete = (url: string, body?: unknown, headers?: Record<string, string>) => this.request('DELETE', url, body, headers);

  /** The same client with an Accept-Language header. */
  lang(locale: string): Client {
    return new Client(this.app, this.cookie, this.csrf, this.userId, { ...this.extraHeaders, 'accept-language': locale });
  }
}

export type TestContext = {
  app: App;
  database: Database;
  config: Config;
  anon: Client;
  admin: Client;
  login(login: string, password: string): Promise<Client>;
  /** A new user with a role (and team), signed in. */
  newUser(opts: { role: string; teamId?: string | null; username?: string; mobile?: string }): Promise<Client>;
  newTeam(name: string, parentId?: string | null): Promise<string>;
  /** Creates a customer as `as` (default admin) and returns its body. */
  newCustomer(body: Record<string, unknown>, as?: Client): Promise<Record<string, any>>;
  close(): Promise<void>;
};

let seq = 0;

/**
 * A new PostgreSQL database on the TEST_DATABASE_URL server, empty or (`template`) a copy of a template database;
 * `drop` removes it.
 */
export async function scratchPostgresDatabase(prefix = 'hearth_t', template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('HEARTH_TEST_DB=postgres needs TEST_DATABASE_URL');
  return scratchPostgres(base, prefix, template);
}

/**
 * A new PostgreSQL database with every migration applied (and the built-in roles), not set up: a copy of the run's
 * template when there is one, else an empty database the caller's server migrates at start.
 */
export async function migratedPostgresDatabase(prefix = 'hearth_t'): Promise<{ url: string; drop: () => Promise<void> }> {
  const t = await templates();
  return scratchPostgresDatabase(prefix, t?.kind === 'postgres' ? t.migrated : undefined);
}

/** The file's database: a copy of the run's migrated template when the global setup made one, else a new one. */
async function openTestDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const t = await templates();
  if (TEST_DB_KIND === 'pglite') {
    if (t?.kind === 'pglite') return { database: (await openPgliteFrom(readDump(t.migrated))).database, drop: async () => {} };
    return { database: await openDatabase({ kind: 'pglite', dataDir: null }), drop: async () => {} };
  }
  const scratch = await migratedPostgresDatabase();
  const database = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 4 });
  return { database, drop: scratch.drop };
}

/** `template`: the company template of the first-run setup (heating unless told). */
export async function createTestContext(
  opts: { config?: Partial<Config>; setup?: boolean; clock?: () => Date; template?: 'blank' | 'heating' } = {},
): Promise<TestContext> {
  const { database, drop } = await openTestDatabase();
  await prepareDatabase(database);
  // Files the app keeps (import uploads) go to a scratch directory, never the project's ./data.
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-test-'));
  const config: Config = { ...loadConfig({}), dataDir, logLevel: 'silent', loginRatePerMinute: 100_000, ...opts.config };
  const app = await buildApp({ config, database, logger: false, clock: opts.clock });
  await app.ready();
  const anon = new Client(app);

  const login = async (loginName: string, password: string): Promise<Client> => {
    const res = await anon.post('/api/v1/auth/login', { login: loginName, password });
    if (res.statusCode !== 200) throw new Error(`login ${loginName} failed: ${res.statusCode} ${res.body}`);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    const body = res.json() as { csrfToken: string; user: { id: string } };
    return new Client(app, cookie, body.csrfToken, body.user.id);
  };

  let admin = anon;
  if (opts.setup !== false) {
    const res = await anon.post('/api/v1/setup', {
      companyName: '测试热力公司',
      template: opts.template ?? 'heating',
      admin: { username: ADMIN.username, displayName: ADMIN.displayName, password: ADMIN.password },
    });
    if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
    admin = await login(ADMIN.username, ADMIN.password);
  }

  const ctx: TestContext = {
    app,
    database,
    config,
    anon,
    admin,
    login,
    async newUser({ role, teamId = null, username, mobile }) {
      const name = username ?? `${role.replace(/_/g, '')}${++seq}`;
      const res = await ctx.admin.post('/api/v1/users', {
        username: name,
        displayName: `${role} ${seq}`,
        password: 'Passw0rd!',
        roleKey: role,
        teamId,
        ...(mobile ? { mobile } : {}),
      });
      if (res.statusCode !== 201) throw new Error(`newUser failed: ${res.statusCode} ${res.body}`);
      return login(name, 'Passw0rd!');
    },
    async newTeam(name, parentId = null) {
      const res = await ctx.admin.post('/api/v1/teams', { name, kind: 'group', parentId });
      if (res.statusCode !== 201) throw new Error(`newTeam failed: ${res.statusCode} ${res.body}`);
      return (res.json() as { id: string }).id;
    },
    async newCustomer(body, as) {
      const res = await (as ?? ctx.admin).post('/api/v1/customers', body);
      if (res.statusCode !== 201) throw new Error(`newCustomer failed: ${res.statusCode} ${res.body}`);
      return res.json() as Record<string, any>;
    },
    async close() {
      await app.close();
      await database.close();
      await drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ctx;
}

/** Counts rows of a table (for "wrote nothing" assertions). */
export async function countRows(database: Database, table: string): Promise<number> {
  const { sql } = await import('drizzle-orm');
  const res = (await database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] };
  return res.rows[0]!.n;
}
