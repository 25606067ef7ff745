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

export function registerIdempotency(app: App, opts: IdempotencyOptions): void {
  const { db } = opts;
  const now = opts.now ?? (() => new Date());
  const ttlMs = opts.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const waitMs = opts.waitMs ?? 30_000;
  const staleMs = opts.staleMs ?? 60_000;
  const purgeEveryMs = opts.purgeEveryMs ?? 10 * 60_000;
  const claims = new WeakMap<FastifyRequest, Claim>();
  const rawBodies = new WeakMap<FastifyRequest, unknown>();
  /** Claims this process is running, by scope + key hash: a local repeat waits on them without polling. */
  const inflight = new Map<string, { claim: Claim; finished: Promise<void>; finish: () => void }>();
  let lastPurge = 0;
  let heartbeat: NodeJS.Timeout | null = null;
  let starting: Promise<unknown> | null = null;

  // On the embedded database this process is the only one: a claim left in flight was orphaned by a crash.
  if (opts.databaseKind === 'pglite') {
    starting = db
      .delete(idempotencyKeys)
      .where(isNull(idempotencyKeys.responseStatus))
      .catch(() => undefined);
  }

  app.addHook('onRoute', (route) => {
    if (!applies(route.method, route.url, route.config) || OPTED_OUT.has(route.url)) return;
    const schema = (route.schema ??= {}) as { headers?: unknown; hide?: boolean };
    if (schema.headers === undefined) schema.headers = headerSchema;
  });

  // The body as sent (before zod's defaults and transforms), for the fingerprint.
  app.addHook('preValidation', async (request) => {
    if (request.method === 'POST' && request.headers[IDEMPOTENCY_HEADER] !== undefined) rawBodies.set(request, request.body);
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined) return;
    const route = request.routeOptions.url;
    if (!applies(request.method, route, request.routeOptions.config) || OPTED_OUT.has(route!)) return;
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      throw AppError.field(IDEMPOTENCY_HEADER, 'validation.invalid_format', { field: IDEMPOTENCY_HEADER });
    }
    if (starting) await starting;
    starting = null;

    const scope = scopeOf(request);
    const material = Buffer.from(hkdfSync('sha256', Buffer.from(key, 'utf8'), Buffer.from(scope, 'utf8'), 'hearth idempotency v1', 64));
    const encKey = material.subarray(0, 32);
    const keyHash = createHash('sha256').update(`${scope}\n${key}`).digest('base64url');
    const fingerprint = createHmac('sha256', material.subarray(32)).update(requestDigest(request, route!, rawBodies.get(request))).digest('base64url');
    const id = `${scope}\n${keyHash}`;
    const deadline = Date.now() + waitMs;
    maybePurge();

    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && Date.now() > deadline) {
        reply.header('retry-after', '1');
        return problem(request, reply, 409, 'idempotency_in_progress');
      }
      const at = now();
      const inserted = await db
        .insert(idempotencyKeys)
        .values({ scope, keyHash, method: 'POST', route: route!, fingerprint, lockedAt: at, expiresAt: new Date(at.getTime() + ttlMs) })
        .onConflictDoNothing()
        .returning({ scope: idempotencyKeys.scope });
      if (inserted.length) return own(request, { scope, keyHash, id, encKey, done: false });

      const [row] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.keyHash, keyHash)));
      if (!row) continue; // released in between: claim it
      if (row.expiresAt.getTime() <= now().getTime()) {
        await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.keyHash, keyHash), lt(idempotencyKeys.expiresAt, now())));
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
      if (!inflight.has(id) && at.getTime() - row.lockedAt.getTime() > staleMs) {
        const taken = await db
          .update(idempotencyKeys)
          .set({ lockedAt: at })
          // Still stale when updated: of two processes taking over at once, the second finds it fresh (the row lock
          // orders them) and waits instead. Timestamps are compared by range: the database keeps microseconds.
          .where(
            and(
              eq(idempotencyKeys.scope, scope),
              eq(idempotencyKeys.keyHash, keyHash),
              isNull(idempotencyKeys.responseStatus),
              lt(idempotencyKeys.lockedAt, new Date(at.getTime() - staleMs)),
            ),
          )
          .returning({ scope: idempotencyKeys.scope });
        if (taken.length) return own(request, { scope, keyHash, id, encKey, done: false });
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        reply.header('retry-after', '1');
        return problem(request, reply, 409, 'idempotency_in_progress');
      }
      const local = inflight.get(id);
      if (local) await Promise.race([local.finished, sleep(left)]);
      else await sleep(Math.min(left, Math.min(500, 25 * 2 ** Math.min(attempt, 5))));
    }
  });

  // The answer is stored before it leaves: once a client has seen it, a repeat gets it back.
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = claims.get(request);
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
        await db
          .update(idempotencyKeys)
          .set({ responseStatus: status, response: encrypt(claim.encKey, JSON.stringify({ headers, ...body })) })
          .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.keyHash, claim.keyHash), isNull(idempotencyKeys.responseStatus)));
      } else {
        await release(claim);
      }
    } catch (err) {
      request.log.warn({ err }, 'idempotency: the answer could not be stored');
    } finally {
      settle(claim);
    }
    return payload;
  });

  // Whatever ended the request without onSend (an aborted connection): the key is released.
  app.addHook('onResponse', async (request) => {
    const claim = claims.get(request);
    if (!claim || claim.done) return;
    claim.done = true;
    await release(claim).catch(() => undefined);
    settle(claim);
  });

  app.addHook('onClose', async () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
  });

  function own(request: FastifyRequest, claim: Claim): void {
    claims.set(request, claim);
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    inflight.set(claim.id, { claim, finished, finish });
    // Claims in flight are refreshed, so another process never mistakes a slow request for a dead one.
    heartbeat ??= setInterval(() => void refresh(), Math.max(1000, Math.floor(staleMs / 3)));
    heartbeat.unref();
  }

  function settle(claim: Claim): void {
    const entry = inflight.get(claim.id);
    if (entry?.claim === claim) {
      inflight.delete(claim.id);
      entry.finish();
    }
    if (!inflight.size && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = null;
    }
  }

  async function refresh(): Promise<void> {
    const at = now();
    for (const { claim } of [...inflight.values()]) {
      await db
        .update(idempotencyKeys)
        .set({ lockedAt: at })
        .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.keyHash, claim.keyHash), isNull(idempotencyKeys.responseStatus)))
        .catch(() => undefined);
    }
  }

  function release(claim: Claim): Promise<unknown> {
    return db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.keyHash, claim.keyHash), isNull(idempotencyKeys.responseStatus)));
  }

  function maybePurge(): void {
    const at = now().getTime();
    if (at - lastPurge < purgeEveryMs) return;
    lastPurge = at;
    void purgeExpiredIdempotencyKeys(db, new Date(at)).catch((err: Error) => app.log.warn(`idempotency purge: ${err.message}`));
  }
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
