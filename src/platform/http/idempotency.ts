/**
 * Idempotent POSTs (issue #12). A client that may send a request twice — a double click, a retry after a lost
 * answer, a second process — names the attempt with an `Idempotency-Key` header (any 1–255 visible ASCII
 * characters; a UUID is best). The first request with a key claims it (a row of `idempotency_keys`, inserted
 * before the handler runs: the unique row is the lock, across processes on one PostgreSQL too); its answer, when it
 * succeeded (2xx), is stored with the key for 24 hours. A repeat from the same caller (the user, the API token, or —
 * on public routes — the client address):
 * - after the first finished: gets the stored answer (status, body, content type, location), marked
 *   `Idempotent-Replayed: true`, and nothing runs again;
 * - while the first is in flight: waits for it (up to 30 s, then 409 `idempotency_in_progress` with Retry-After);
 * - with another body, path or query: 422 `idempotency_key_reused`.
 * A first attempt that failed (4xx, 5xx) wrote nothing (every write is one transaction), so its key is released
 * and a repeat runs again. Keys are found by a SHA-256 of (caller, key); answers are encrypted with AES-256-GCM under
 * a key derived from the client's key, and the request fingerprint is an HMAC under it, so the table holds neither
 * the created secrets (an API token is shown once) nor readable personal data.
 *
 * One set of hooks for every POST under /api/ (`registerIdempotency`, called before any route is added); a route
 * opts out with `config: { idempotency: false }` (sign-in and sign-out: they create sessions, not records).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import { yieldToEventLoop } from '../db/slice.js';
import { AppError } from '../errors.js';
import { t, type MessageKey } from '../i18n/index.js';
import { idempotencyKeys } from './idempotency.schema.js';
import { toProblem } from './problem.js';
import type { App } from './server.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: this POST ignores `Idempotency-Key` (sign-in, sign-out). Every other POST under /api/ honours it. */
    idempotency?: boolean;
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** Headers of the first answer that a replay repeats (never cookies). */
const REPLAYED_HEADERS = ['content-type', 'location', 'content-disposition', 'cache-control', 'content-language'];
/** Larger answers are not kept (creates answer with one record); a repeat then runs again. */
const MAX_STORED_BYTES = 1024 * 1024;

export type IdempotencyOptions = {
  db: Db;
  databaseKind: 'pglite' | 'postgres';
  now?: () => Date;
  ttlMs?: number;
  /** How long a repeat waits for the first request before answering 409. */
  waitMs?: number;
  /** A claim not refreshed for this long belongs to a process that died: a repeat takes it over. */
  staleMs?: number;
  /** Expired keys are deleted at most this often (piggybacked on a claim; no timer of its own). */
  purgeEveryMs?: number;
};

type Claim = { scope: string; keyHash: string; id: string; encKey: Buffer; done: boolean };

/** The `headers` schema added to every idempotent route: documents the header in OpenAPI and checks its form. */
const headerSchema = z.looseObject({
  [IDEMPOTENCY_HEADER]: z
    .string()
    .max(255)
    .regex(/^[\x21-\x7e]+$/)
    .optional()
    .meta({ description: 'Any 1–255 visible ASCII characters (a UUID): a repeat of a successful request with the same key returns its first answer (24 h).' }),
});

/** Whether a route honours the header (POST under /api/, not opted out). */
function applies(method: RouteOptions['method'] | string, url: string | undefined, config: { idempotency?: boolean } | undefined): boolean {
  const isPost = Array.isArray(method) ? method.includes('POST') : method === 'POST';
  return isPost && !!url && url.startsWith('/api/') && config?.idempotency !== false;
}

/** Sign-in and sign-out make sessions, not records; their answers carry cookies that must never be replayed. */
const OPTED_OUT = new Set(['/api/v1/auth/login', '/api/v1/auth/logout']);

/** What a key stands for: its row (scope + hash), the answer's encryption key and the request's fingerprint. */
type KeyMaterial = { scope: string; keyHash: string; id: string; encKey: Buffer; fingerprint: string };
type InFlight = { claim: Claim; finished: Promise<void>; finish: () => void };

export function registerIdempotency(app: App, opts: IdempotencyOptions): void {
  const keys = new IdempotencyKeys(app, opts);
  app.addHook('onRoute', documentHeader);
  // The body as sent (before zod's defaults and transforms), for the fingerprint.
  app.addHook('preValidation', async (request) => keys.keepRawBody(request));
  app.addHook('preHandler', async (request, reply) => keys.claimOrReplay(request, reply));
  // The answer is stored before it leaves: once a client has seen it, a repeat gets it back.
  app.addHook('onSend', async (request, reply, payload) => keys.storeAnswer(request, reply, payload));
  // Whatever ended the request without onSend (an aborted connection): the key is released.
  app.addHook('onResponse', async (request) => keys.releaseUnanswered(request));
  app.addHook('onClose', async () => keys.stopHeartbeat());
}

/** Every idempotent route documents the header in OpenAPI and checks its form. */
function documentHeader(route: RouteOptions): void {
  if (!applies(route.method, route.url, route.config) || OPTED_OUT.has(route.url)) return;
  const schema = (route.schema ??= {}) as { headers?: unknown; hide?: boolean };
  if (schema.headers === undefined) schema.headers = headerSchema;
}

/**
 * The request's `Idempotency-Key`, when it has one and its route honours it (undefined otherwise); a key of the
 * wrong form is a 400 on the header.
 */
function idempotencyKeyOf(request: FastifyRequest): { key: string; route: string } | undefined {
  if (request.method !== 'POST') return undefined;
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (key === undefined) return undefined;
  const route = request.routeOptions.url;
  if (!applies(request.method, route, request.routeOptions.config) || OPTED_OUT.has(route!)) return undefined;
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw AppError.field(IDEMPOTENCY_HEADER, 'validation.invalid_format', { field: IDEMPOTENCY_HEADER });
  }
  return { key, route: route! };
}

/** The row's scope and key hash, the answer's encryption key and the request's HMAC fingerprint, all from the key. */
function keyMaterial(request: FastifyRequest, key: string, route: string, rawBody: unknown): KeyMaterial {
  const scope = scopeOf(request);
  const material = Buffer.from(hkdfSync('sha256', Buffer.from(key, 'utf8'), Buffer.from(scope, 'utf8'), 'hearth idempotency v1', 64));
  const encKey = material.subarray(0, 32);
  const keyHash = createHash('sha256').update(`${scope}\n${key}`).digest('base64url');
  const fingerprint = createHmac('sha256', material.subarray(32)).update(requestDigest(request, route, rawBody)).digest('base64url');
  return { scope, keyHash, id: `${scope}\n${keyHash}`, encKey, fingerprint };
}

/** The keys of one app: claims, replays, stored answers, the heartbeat of claims in flight and the purge. */
class IdempotencyKeys {
  private readonly app: App;
  private readonly db: Db;
  private readonly now: () => Date;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  private readonly staleMs: number;
  private readonly purgeEveryMs: number;
  private readonly claims = new WeakMap<FastifyRequest, Claim>();
  private readonly rawBodies = new WeakMap<FastifyRequest, unknown>();
  /** Claims this process is running, by scope + key hash: a local repeat waits on them without polling. */
  private readonly inflight = new Map<string, InFlight>();
  private lastPurge = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private starting: Promise<unknown> | null = null;

  constructor(app: App, opts: IdempotencyOptions) {
    this.app = app;
    this.db = opts.db;
    this.now = opts.now ?? (() => new Date());
    this.ttlMs = opts.ttlMs ?? IDEMPOTENCY_TTL_MS;
    this.waitMs = opts.waitMs ?? 30_000;
    this.staleMs = opts.staleMs ?? 60_000;
    this.purgeEveryMs = opts.purgeEveryMs ?? 10 * 60_000;
    // On the embedded database this process is the only one: a claim left in flight was orphaned by a crash.
    if (opts.databaseKind === 'pglite') {
      this.starting = this.db
        .delete(idempotencyKeys)
        .where(isNull(idempotencyKeys.responseStatus))
        .catch(() => undefined);
    }
  }

  /** preValidation: keeps the body as sent when the request carries a key. */
  keepRawBody(request: FastifyRequest): void {
    if (request.method === 'POST' && request.headers[IDEMPOTENCY_HEADER] !== undefined) this.rawBodies.set(request, request.body);
  }

  /** preHandler: a keyed request claims its key (and runs), replays the stored answer, waits, or is refused. */
  async claimOrReplay(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const keyed = idempotencyKeyOf(request);
    if (!keyed) return undefined;
    if (this.starting) await this.starting;
    this.starting = null;
    const k = keyMaterial(request, keyed.key, keyed.route, this.rawBodies.get(request));
    const deadline = Date.now() + this.waitMs;
    this.maybePurge();
    return this.claim(request, reply, keyed.route, k, deadline);
  }

  /** Claims the key, or answers from its row: replay, 422 for another request, 409 after waiting for the first. */
  private async claim(request: FastifyRequest, reply: FastifyReply, route: string, k: KeyMaterial, deadline: number): Promise<FastifyReply | undefined> {
    const { db } = this;
    const { scope, keyHash, id, encKey, fingerprint } = k;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && Date.now() > deadline) return inProgress(request, reply);
      const at = this.now();
      const inserted = await db
        .insert(idempotencyKeys)
        .values({ scope, keyHash, method: 'POST', route, fingerprint, lockedAt: at, expiresAt: new Date(at.getTime() + this.ttlMs) })
        .onConflictDoNothing()
        .returning({ scope: idempotencyKeys.scope });
      if (inserted.length) return this.own(request, { scope, keyHash, id, encKey, done: false });

      const [row] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.keyHash, keyHash)));
      if (!row) continue; // released in between: claim it
      if (row.expiresAt.getTime() <= this.now().getTime()) {
        await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.keyHash, keyHash), lt(idempotencyKeys.expiresAt, this.now())));
        continue;
      }
      if (row.fingerprint !== fingerprint) return problem(request, reply, 422, 'idempotency_key_reused');
      if (row.responseStatus !== null) {
        const stored = row.response ? decrypt(encKey, row.response) : null;
        if (stored) return replay(reply, row.responseStatus, stored);
        await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.keyHash, keyHash)));
        continue;
      }
      // In flight elsewhere. A claim nobody has refreshed for `staleMs` belongs to a process that died: take it over.
      if (!this.inflight.has(id) && at.getTime() - row.lockedAt.getTime() > this.staleMs) {
        if (await this.takeOver(k, at)) return this.own(request, { scope, keyHash, id, encKey, done: false });
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) return inProgress(request, reply);
      const local = this.inflight.get(id);
      if (local) await Promise.race([local.finished, sleep(left)]);
      else await sleep(Math.min(left, Math.min(500, 25 * 2 ** Math.min(attempt, 5))));
    }
  }

  /** Takes over a stale claim; false when another process refreshed or took it first. */
  private async takeOver(k: KeyMaterial, at: Date): Promise<boolean> {
    const taken = await this.db
      .update(idempotencyKeys)
      .set({ lockedAt: at })
      // Still stale when updated: of two processes taking over at once, the second finds it fresh (the row lock
      // orders them) and waits instead. Timestamps are compared by range: the database keeps microseconds.
      .where(
        and(
          eq(idempotencyKeys.scope, k.scope),
          eq(idempotencyKeys.keyHash, k.keyHash),
          isNull(idempotencyKeys.responseStatus),
          lt(idempotencyKeys.lockedAt, new Date(at.getTime() - this.staleMs)),
        ),
      )
      .returning({ scope: idempotencyKeys.scope });
    return taken.length > 0;
  }

  /** onSend: a successful, storable answer is kept (encrypted) with its key; any other releases the key. */
  async storeAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const claim = this.claims.get(request);
    if (!claim || claim.done) return payload;
    claim.done = true;
    try {
      const status = reply.statusCode;
      const body = storable(payload);
      if (status >= 200 && status < 300 && body !== false) {
        const headers: Record<string, string> = {};
        for (const name of REPLAYED_HEADERS) {
          const v = reply.getHeader(name);
          if (v !== undefined) headers[name] = String(v);
        }
        await this.db
          .update(idempotencyKeys)
          .set({ responseStatus: status, response: encrypt(claim.encKey, JSON.stringify({ headers, ...body })) })
          .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.keyHash, claim.keyHash), isNull(idempotencyKeys.responseStatus)));
      } else {
        await this.release(claim);
      }
    } catch (err) {
      request.log.warn({ err }, 'idempotency: the answer could not be stored');
    } finally {
      this.settle(claim);
    }
    return payload;
  }

  /** onResponse: a claim whose answer was never sent (an aborted connection) is released. */
  async releaseUnanswered(request: FastifyRequest): Promise<void> {
    const claim = this.claims.get(request);
    if (!claim || claim.done) return;
    claim.done = true;
    await this.release(claim).catch(() => undefined);
    this.settle(claim);
  }

  stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private own(request: FastifyRequest, claim: Claim): undefined {
    this.claims.set(request, claim);
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    this.inflight.set(claim.id, { claim, finished, finish });
    // Claims in flight are refreshed, so another process never mistakes a slow request for a dead one.
    this.heartbeat ??= setInterval(() => void this.refresh(), Math.max(1000, Math.floor(this.staleMs / 3)));
    this.heartbeat.unref();
    return undefined;
  }

  private settle(claim: Claim): void {
    const entry = this.inflight.get(claim.id);
    if (entry?.claim === claim) {
      this.inflight.delete(claim.id);
      entry.finish();
    }
    if (!this.inflight.size) this.stopHeartbeat();
  }

  private async refresh(): Promise<void> {
    const at = this.now();
    for (const { claim } of [...this.inflight.values()]) {
      await this.db
        .update(idempotencyKeys)
        .set({ lockedAt: at })
        .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.keyHash, claim.keyHash), isNull(idempotencyKeys.responseStatus)))
        .catch(() => undefined);
    }
  }

  private release(claim: Claim): Promise<unknown> {
    return this.db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.keyHash, claim.keyHash), isNull(idempotencyKeys.responseStatus)));
  }

  private maybePurge(): void {
    const at = this.now().getTime();
    if (at - this.lastPurge < this.purgeEveryMs) return;
    this.lastPurge = at;
    void purgeExpiredIdempotencyKeys(this.db, new Date(at)).catch((err: Error) => this.app.log.warn(`idempotency purge: ${err.message}`));
  }
}

/** 409 with Retry-After: the first request with the key is still running. */
function inProgress(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('retry-after', '1');
  return problem(request, reply, 409, 'idempotency_in_progress');
}

/** Deletes expired keys in batches; returns how many went. */
export async function purgeExpiredIdempotencyKeys(db: Db, at: Date, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await db.execute(
      sql`delete from idempotency_keys where ctid in (select ctid from idempotency_keys where expires_at <= ${at.toISOString()}::timestamptz limit ${batch})`,
    );
    const n = (res as unknown as { rowCount?: number; affectedRows?: number }).rowCount ?? (res as unknown as { affectedRows?: number }).affectedRows ?? 0;
    total += n;
    if (n < batch) return total;
    await yieldToEventLoop(); // on the embedded database the requests share its one thread and connection
  }
}

/** Who may repeat a request: the signed-in user, the API token (each its own), or the client address. */
function scopeOf(request: FastifyRequest): string {
  const actor = request.actor;
  if (actor?.via === 'token') {
    const auth = request.headers.authorization ?? '';
    return `token:${createHash('sha256').update(auth.slice(7).trim()).digest('base64url').slice(0, 32)}`;
  }
  if (actor?.userId) return `user:${actor.userId}`;
  return `ip:${request.ip}`;
}

/** What makes two requests "the same": route, path parameters, query and body as sent (keys sorted). */
function requestDigest(request: FastifyRequest, route: string, rawBody: unknown): string {
  const body =
    rawBody === undefined
      ? // A streamed upload (imports, attachments) is read by its handler: its length and type stand for it.
        { length: request.headers['content-length'] ?? null, type: request.headers['content-type'] ?? null }
      : rawBody;
  return canonical([route, request.url, body]);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return typeof v === 'bigint' ? v.toString() : v;
  });
}

/** The payload as something to keep: text, bytes (base64), nothing — or false when it cannot be kept. */
function storable(payload: unknown): { text?: string; base64?: string } | false {
  if (payload === undefined || payload === null || payload === '') return {};
  if (typeof payload === 'string') return Buffer.byteLength(payload) <= MAX_STORED_BYTES ? { text: payload } : false;
  if (Buffer.isBuffer(payload)) return payload.length <= MAX_STORED_BYTES ? { base64: payload.toString('base64') } : false;
  return false; // a stream
}

type Stored = { headers: Record<string, string>; text?: string; base64?: string };

function encrypt(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

function decrypt(key: Buffer, stored: string): Stored | null {
  try {
    const buf = Buffer.from(stored, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
    decipher.setAuthTag(buf.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8')) as Stored;
  } catch {
    return null;
  }
}

function replay(reply: FastifyReply, status: number, stored: Stored): FastifyReply {
  reply.code(status).header(REPLAYED_HEADER, 'true');
  for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value);
  if (stored.text !== undefined) return reply.send(stored.text);
  if (stored.base64 !== undefined) return reply.send(Buffer.from(stored.base64, 'base64'));
  return reply.send();
}

/** 409 (the first is still running) and 422 (the key was used for another request) as problem+json. */
function problem(request: FastifyRequest, reply: FastifyReply, status: 409 | 422, code: 'idempotency_in_progress' | 'idempotency_key_reused'): FastifyReply {
  const title: MessageKey = `problem.${code}`;
  const detail: MessageKey = `problem.${code}.detail`;
  const base = toProblem(new AppError('conflict', detail), request.locale, request.url.split('?')[0]!);
  const message = t(request.locale, detail);
  const body = { ...base, type: `urn:hearth:problem:${code}`, title: t(request.locale, title), status, code, detail: message, errors: [{ field: IDEMPOTENCY_HEADER, message }] };
  return reply.code(status).type('application/problem+json; charset=utf-8').send(body);
}

/** A wait that never keeps the process alive (a repeat racing its first request must not delay a shutdown). */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
