/**
 * The erased-person keys (issue #18): when a person is erased, HMAC-SHA256 of each normalised phone number
 * (`phone:+8613812345678`) and ID number (`id_number:11010119900307123X`) is kept in `privacy_erased_keys`, so a later
 * import or create of the same person is told (the customers module asks through `erasedPersonLookup`, registered
 * by the composition root: customers never imports this module).
 *
 * The key. `HEARTH_PRIVACY_KEY` (≥ 32 characters; HKDF-SHA256 turns it into the 32-byte key), else a random 32-byte
 * key made once in `DATA_DIR/privacy.key` (mode 0600). Never in the database: a phone number has about 10⁹ possible
 * values, so with the key beside the hashes a dump would give the numbers back in minutes; without it the hashes say
 * nothing. Not derived from the secrets key (HEARTH_SECRET_KEY) either: that one is rotated, and these hashes can never
 * be recomputed — the numbers they were made from are gone. Several processes on one PostgreSQL must share the key
 * (set HEARTH_PRIVACY_KEY, or share DATA_DIR); a lost key only means erased people are no longer recognised.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import { loadConfig, type Config } from '../../platform/config.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { normalizePhone } from '../../platform/phone.js';
import { privacyErasedKeys } from './erase.schema.js';

type KeySource = { privacyKey?: string; dataDir: string };
let source: KeySource | undefined;
let cached: { source: KeySource | undefined; key: Promise<Buffer> } | undefined;

/** Where the key comes from (the server's and the CLI's configuration); without it, the environment's. */
export function configurePrivacyKey(config: Pick<Config, 'privacyKey' | 'dataDir'>): void {
  source = { privacyKey: config.privacyKey, dataDir: config.dataDir };
}

async function keyFile(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, 'privacy.key');
  const read = async () => Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  try {
    return await read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  // `wx`: two processes making it at once agree on the first one written.
  await writeFile(file, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return read();
}

async function loadKey(s: KeySource): Promise<Buffer> {
  if (s.privacyKey) return Buffer.from(hkdfSync('sha256', Buffer.from(s.privacyKey, 'utf8'), Buffer.alloc(0), 'hearth privacy erased-person v1', 32));
  const key = await keyFile(s.dataDir);
  if (key.length !== 32) throw new Error(`${path.join(s.dataDir, 'privacy.key')} does not hold a 32-byte key`);
  return key;
}

function privacyKey(): Promise<Buffer> {
  if (!cached || cached.source !== source) {
    const s = source ?? (() => {
      const c = loadConfig();
      return { privacyKey: c.privacyKey, dataDir: c.dataDir };
    })();
    const key = loadKey(s);
    cached = { source, key };
    void key.catch(() => (cached = undefined)); // a failed load (unreadable file) is tried again next time
  }
  return cached.key;
}

export type ErasedKeyKind = 'phone' | 'id_number';

/** A phone as E.164, an ID number without spaces in capitals; null when there is nothing to key. */
export function normaliseKey(kind: ErasedKeyKind, value: string): string | null {
  if (kind === 'phone') return normalizePhone(value);
  const id = value.replace(/\s/g, '').toUpperCase();
  return id.length >= 6 ? id : null;
}

async function hashOf(kind: ErasedKeyKind, normalised: string): Promise<string> {
  return createHmac('sha256', await privacyKey()).update(`${kind}:${normalised}`).digest('base64url');
}

/** Keeps the keyed hashes of an erased person's phones and ID numbers (a hash already kept stays as it was). */
export async function recordErasedKeys(db: DbOrTx, requestId: string, keys: { phones: string[]; idNumbers: string[] }, now: Date): Promise<number> {
  const values = new Map<string, ErasedKeyKind>();
  for (const [kind, list] of [['phone', keys.phones], ['id_number', keys.idNumbers]] as const)
    for (const v of list) {
      const n = normaliseKey(kind, v);
      if (n) values.set(await hashOf(kind, n), kind);
    }
  if (!values.size) return 0;
  const rows = [...values].map(([keyHash, kind]) => ({ keyHash, kind, requestId, erasedAt: now }));
  const inserted = await db.insert(privacyErasedKeys).values(rows).onConflictDoNothing().returning({ keyHash: privacyErasedKeys.keyHash });
  return inserted.length;
}

export type ErasedMatch = { kind: ErasedKeyKind; value: string; erasedAt: Date };

/**
 * Which of these phones and ID numbers (as typed or imported) belonged to a person erased before, and when. What the
 * customers module asks while a customer is entered (the form's warning) and imported (the row is refused).
 */
export async function erasedPersonLookup(db: DbOrTx, keys: { phones: readonly string[]; idNumbers: readonly string[] }): Promise<ErasedMatch[]> {
  if (!keys.phones.length && !keys.idNumbers.length) return [];
  // Nobody erased yet (most installations, most of the time): no key to load, no hashing.
  if (!(await db.select({ k: privacyErasedKeys.keyHash }).from(privacyErasedKeys).limit(1)).length) return [];
  const wanted = new Map<string, { kind: ErasedKeyKind; value: string }>();
  for (const [kind, list] of [['phone', keys.phones], ['id_number', keys.idNumbers]] as const)
    for (const v of list) {
      const n = normaliseKey(kind, v);
      if (n) wanted.set(await hashOf(kind, n), { kind, value: v });
    }
  if (!wanted.size) return [];
  const found = await db.select().from(privacyErasedKeys).where(inArray(privacyErasedKeys.keyHash, [...wanted.keys()]));
  return found.map((f) => ({ ...wanted.get(f.keyHash)!, erasedAt: f.erasedAt }));
}
