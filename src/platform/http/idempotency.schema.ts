import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Idempotency keys of POST requests (`Idempotency-Key` header; src/platform/http/idempotency.ts). The row is the
 * lock: the first request inserts it (`response_status` null while it runs), a repeat finds it and waits or replays.
 * Neither the key nor the answer is stored in the clear: the row is found by SHA-256 of (caller, key), the answer is
 * AES-256-GCM encrypted with a key derived from the client's key, and the request fingerprint is an HMAC under it.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** Who may repeat the request: `user:<id>`, `token:<hash>` or `ip:<address>`. */
    scope: text('scope').notNull(),
    keyHash: text('key_hash').notNull(),
    method: text('method').notNull(),
    /** The route as declared (`/api/v1/customers/:id/interactions`), for diagnostics. */
    route: text('route').notNull(),
    fingerprint: text('fingerprint').notNull(),
    /** Null while the first request is in flight. */
    responseStatus: integer('response_status'),
    /** base64 of iv ‖ tag ‖ ciphertext of `{ headers, body }`. */
    response: text('response'),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.keyHash] }), index('idempotency_keys_expires_idx').on(t.expiresAt)],
);
