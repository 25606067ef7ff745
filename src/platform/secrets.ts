/**
 * Secrets at rest (issue #18): channel credentials, inbound webhook keys, signing keys and TOTP secrets are stored
 * sealed with AES-256-GCM under the installation's secret key, never in plain text.
 *
 * - A sealed value is `hsec:v1:<key id>:<iv>:<ciphertext + tag>` (base64url). The key id is the first 8 hex digits of
 *   SHA-256 over the key, so a value names the key it needs and several keys can be held at once (rotation).
 * - Each value is bound to where it lives (AES-GCM's additional data is its `context`, e.g.
 *   `messages.settings:email.password`): a sealed value copied to another place does not open there.
 * - The key: `HEARTH_SECRET_KEY` (32 bytes as base64 or 64 hex digits). Without it, `DATA_DIR/secret.key`, made once
 *   with mode 0600 beside (not inside) the embedded database's directory; a copy of the database or a dump alone then
 *   holds no readable secret. `HEARTH_SECRET_KEY_PREVIOUS` (comma-separated) and the key file (when the environment
 *   names another key) are kept to open values sealed before a rotation.
 * - Modules that hold secrets register a `SecretStore`; `resealSecrets` walks them all (at start: plain text from
 *   before this change and values under an older key are sealed under the current key; `hearth secrets rotate`).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config.js';
import type { Db } from './db/client.js';

const PREFIX = 'hsec:v1:';
export const KEY_FILE = 'secret.key';
const NEXT_FILE = 'secret.key.next';
const PREVIOUS_FILE = 'secret.key.previous';

export type SecretKey = { id: string; key: Buffer };
export type Keyring = {
  current: SecretKey;
  /** Keys that open older values; never used to seal. */
  previous: SecretKey[];
  source: 'env' | 'file';
  /** Reads the key files again (file mode): a rotation by `hearth secrets rotate` is seen by a running server. */
  reload?: () => Keyring;
};

export type KeyConfig = { dataDir: string; secretKey?: string | undefined; secretKeyPrevious?: string | undefined };

/** A secret sealed under a key this process does not hold. */
export class SecretKeyMissing extends Error {
  constructor(readonly keyId: string) {
    super(`a secret is sealed under key ${keyId}, which is not configured (HEARTH_SECRET_KEY or HEARTH_SECRET_KEY_PREVIOUS)`);
  }
}

export const keyIdOf = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/** 32 bytes from base64 (44 characters, or 43 without padding, or base64url) or 64 hex digits. */
export function parseSecretKey(text: string, name = 'HEARTH_SECRET_KEY'): SecretKey {
  const t = text.trim();
  const hex = /^[0-9a-f]{64}$/i.test(t);
  const key = hex ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new Error(`${name} must be 32 random bytes as base64 (44 characters) or hex (64 digits); \`hearth secrets new-key\` prints one`);
  }
  return { id: keyIdOf(key), key };
}

export const newSecretKeyText = (): string => randomBytes(32).toString('base64');

function readKeyFile(file: string): SecretKey | null {
  if (!existsSync(file)) return null;
  return parseSecretKey(readFileSync(file, 'utf8'), file);
}

/** The key file of DATA_DIR, made (0600) when missing; two processes making it at once agree on the first. */
function keyFileKey(dataDir: string): SecretKey {
  const file = path.join(dataDir, KEY_FILE);
  const existing = readKeyFile(file);
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, `${newSecretKeyText()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKeyFile(file)!;
}

const unique = (keys: (SecretKey | null)[], except: string): SecretKey[] => {
  const seen = new Set([except]);
  return keys.filter((k): k is SecretKey => !!k && !seen.has(k.id) && !!seen.add(k.id));
};

/** The keyring the configuration names (see the file's comment). */
export function loadKeyring(config: KeyConfig): Keyring {
  const previousEnv = (config.secretKeyPrevious ?? '')
    .split(',')
    .filter((s) => s.trim())
    .map((s) => parseSecretKey(s, 'HEARTH_SECRET_KEY_PREVIOUS'));
  const files = [NEXT_FILE, KEY_FILE, PREVIOUS_FILE].map((f) => readKeyFile(path.join(config.dataDir, f)));
  if (config.secretKey) {
    const current = parseSecretKey(config.secretKey);
    return { current, previous: unique([...previousEnv, ...files], current.id), source: 'env' };
  }
  const current = keyFileKey(config.dataDir);
  const ring: Keyring = { current, previous: unique([...previousEnv, ...files], current.id), source: 'file' };
  ring.reload = () => loadKeyring(config);
  return ring;
}

let installed: Keyring | null = null;

/** `ring` holding, as previous keys, the keys of `before` too. */
const withKeysOf = (ring: Keyring, before: Keyring | null): Keyring =>
  before ? { ...ring, previous: unique([...ring.previous, before.current, ...before.previous], ring.current.id) } : ring;

/**
 * The process's keyring: the server (createServer) and the CLI (withDatabase) install theirs from their configuration. The
 * keys installed before stay held as previous keys (two apps in one process, as tests build them, keep opening what
 * either sealed), unless `replace`.
 */
export function installKeyring(ring: Keyring, opts: { replace?: boolean } = {}): void {
  installed = opts.replace ? ring : withKeysOf(ring, installed);
}
/** The installed keyring; without one, the environment's (as `hearth` and `npm start` read it). */
export function keyring(): Keyring {
  installed ??= loadKeyring(loadConfig());
  return installed;
}

const aad = (context: string) => Buffer.from(`hearth-secret:${context}`, 'utf8');

export const isSealed = (value: unknown): value is string => typeof value === 'string' && value.startsWith(PREFIX);

/** The id of the key a sealed value needs (null: not sealed). */
export const sealedKeyId = (value: string): string | null => (isSealed(value) ? value.slice(PREFIX.length, PREFIX.length + 8) : null);

export function sealSecret(plain: string, context: string, ring: Keyring = keyring()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  cipher.setAAD(aad(context));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${PREFIX}${ring.current.id}:${iv.toString('base64url')}:${body.toString('base64url')}`;
}

function keyFor(ring: Keyring, id: string): SecretKey | undefined {
  return ring.current.id === id ? ring.current : ring.previous.find((k) => k.id === id);
}

/**
 * The plain text of a stored secret. A value stored before secrets were sealed (plain text) is returned as it is, so
 * nothing stops working before the start-up pass has sealed it. Throws SecretKeyMissing for a key not held, and an
 * Error for a value that was tampered with or moved to another context.
 */
export function openSecret(value: string, context: string, ring: Keyring = keyring()): string {
  if (!isSealed(value)) return value;
  const [id, ivText, bodyText] = value.slice(PREFIX.length).split(':');
  let key = keyFor(ring, id ?? '');
  if (!key && ring === installed && ring.reload) {
    installed = withKeysOf(ring.reload(), installed);
    key = keyFor(installed, id ?? '');
  }
  if (!key) throw new SecretKeyMissing(id ?? '?');
  const body = Buffer.from(bodyText ?? '', 'base64url');
  if (body.length < 16) throw new Error(`a sealed secret (${context}) is damaged`);
  const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(ivText ?? '', 'base64url'));
  decipher.setAAD(aad(context));
  decipher.setAuthTag(body.subarray(body.length - 16));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error(`a sealed secret (${context}) does not open: damaged, or moved from another place`);
  }
}

/** openSecret, or null when it cannot be opened (a missing key): for checks that then simply refuse. */
export function tryOpenSecret(value: string | null | undefined, context: string): string | null {
  if (!value) return null;
  try {
    return openSecret(value, context);
  } catch {
    return null;
  }
}

// ---- stores and the re-sealing pass ----------------------------------------------------------------------------------

/**
 * What `change` answers for one stored value: the value to store instead (sealed under the current key), or null to
 * leave it (already under the current key, or under a key not held: counted as unreadable).
 */
export type Reseal = (value: string, context: string) => string | null;
export type SecretStore = {
  name: string;
  /** Walks the store's values in short transactions, storing what `change` answers; returns how many changed. */
  reseal(db: Db, change: Reseal): Promise<number>;
};

const stores = new Map<string, SecretStore>();

export function registerSecretStore(store: SecretStore): void {
  stores.set(store.name, store);
}
export const secretStores = (): SecretStore[] => [...stores.values()];

export type ResealReport = { store: string; resealed: number; unreadable: number }[];

/** Seals every plain-text value and re-seals every value under an older key, store by store. */
export async function resealSecrets(db: Db, ring: Keyring = keyring()): Promise<ResealReport> {
  const report: ResealReport = [];
  for (const store of secretStores()) {
    let unreadable = 0;
    const change: Reseal = (value, context) => {
      const id = sealedKeyId(value);
      if (id === ring.current.id) return null;
      if (id === null) return sealSecret(value, context, ring);
      try {
        return sealSecret(openSecret(value, context, ring), context, ring);
      } catch {
        unreadable++;
        return null;
      }
    };
    const resealed = await store.reseal(db, change);
    report.push({ store: store.name, resealed, unreadable });
  }
  return report;
}

// ---- the key file's rotation -----------------------------------------------------------------------------------------

/**
 * File mode's rotation, first half: a new key in `secret.key.next` (0600), held by every keyring loaded from now on as
 * a previous key, so a value sealed under it opens in any process while the pass runs. Returns the ring to reseal with.
 */
export function beginKeyFileRotation(config: KeyConfig): Keyring {
  const file = path.join(config.dataDir, NEXT_FILE);
  if (!existsSync(file)) writeFileSync(file, `${newSecretKeyText()}\n`, { flag: 'wx', mode: 0o600 });
  const next = readKeyFile(file)!;
  const old = loadKeyring(config);
  return { current: next, previous: unique([old.current, ...old.previous], next.id), source: 'file' };
}

/** Second half, once every value is sealed under the new key: it becomes `secret.key`, the old one `.previous`. */
export function finishKeyFileRotation(config: KeyConfig): void {
  const dir = config.dataDir;
  renameSync(path.join(dir, KEY_FILE), path.join(dir, PREVIOUS_FILE));
  renameSync(path.join(dir, NEXT_FILE), path.join(dir, KEY_FILE));
  chmodSync(path.join(dir, KEY_FILE), 0o600);
}
