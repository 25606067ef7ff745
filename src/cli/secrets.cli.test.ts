/**
 * `hearth secrets rotate` as an operator runs it (a real process, no HTTP): a secret an older version left in plain
 * text is sealed under HEARTH_SECRET_KEY; a new key without the old one given reports the value it cannot open and
 * fails; with HEARTH_SECRET_KEY_PREVIOUS every value is sealed anew under the new key. `hearth secrets new-key`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf, type Database } from '../platform/db/client.js';
import { loadKeyring, newSecretKeyText, openSecret, parseSecretKey, sealedKeyId } from '../platform/secrets.js';
import { migratedCliDatabase } from '../test/cli-database.js';
import { killChildren, runHearth } from '../test/spawn.js';

describe('hearth secrets', { timeout: 240_000 }, () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hearth-secrets-cli-'));
  const env: Record<string, string | undefined> = { LANG: 'en_US.UTF-8', DATA_DIR: dataDir, HEARTH_SECRET_KEY: undefined, HEARTH_SECRET_KEY_PREVIOUS: undefined };
  let dropPostgres = async () => {};

  // A migrated database to start from (a copy of the run's template): the commands skip the migrations.
  beforeAll(async () => {
    ({ cleanup: dropPostgres } = await migratedCliDatabase('hearth_secrets', env));
  });
  afterEach(killChildren);
  afterAll(async () => {
    killChildren();
    await dropPostgres();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The database, opened in this process between two commands (the embedded one takes one process at a time). */
  async function withDb<T>(fn: (database: Database) => Promise<T>): Promise<T> {
    const database = await openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir });
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  }
  const storedKey = () =>
    withDb(async (d) => rowsOf<{ v: string }>(await d.db.execute(sql`select value->'sms'->>'inboundKey' as v from settings where key = 'messages.settings'`))[0]!.v);
  const rotate = (vars: Record<string, string>) => runHearth(['secrets', 'rotate', '--format', 'json'], { ...env, ...vars });
  const outcome = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!) as { keyId: string; unreadable: number; report: { store: string; resealed: number; unreadable: number }[] };

  it('seals plain text under the key, refuses to lose a value it cannot open, re-seals under a new key with the old one given', async () => {
    // What an older version stored: the SMS inbound key in plain text.
    await withDb((d) => d.db.execute(sql`insert into settings (key, value) values ('messages.settings', ${JSON.stringify({ sms: { inboundKey: 'Plain-Inbound-Key-1' } })}::jsonb)`));

    const k1 = newSecretKeyText();
    const first = await rotate({ HEARTH_SECRET_KEY: k1 });
    expect(first.code, first.stderr).toBe(0);
    expect(outcome(first.stdout).report.find((r) => r.store === 'settings:messages.settings')).toEqual({ store: 'settings:messages.settings', resealed: 1, unreadable: 0 });
    const sealed = await storedKey();
    expect(sealedKeyId(sealed)).toBe(parseSecretKey(k1).id);
    expect(sealed).not.toContain('Plain-Inbound-Key-1');

    const k2 = newSecretKeyText();
    const lost = await rotate({ HEARTH_SECRET_KEY: k2 });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/1 secret\(s\) are sealed under a key that is not configured/);
    expect(await storedKey()).toBe(sealed); // left as it was

    const second = await rotate({ HEARTH_SECRET_KEY: k2, HEARTH_SECRET_KEY_PREVIOUS: k1 });
    expect(second.code, second.stderr).toBe(0);
    expect(outcome(second.stdout)).toMatchObject({ keyId: parseSecretKey(k2).id, unreadable: 0 });
    const resealed = await storedKey();
    expect(sealedKeyId(resealed)).toBe(parseSecretKey(k2).id);
    const ring = loadKeyring({ dataDir, secretKey: k2 });
    expect(openSecret(resealed, 'messages.settings:sms.inboundKey', ring)).toBe('Plain-Inbound-Key-1');

    const key = await runHearth(['secrets', 'new-key'], env);
    expect(key.code).toBe(0);
    expect(parseSecretKey(key.stdout.trim()).key).toHaveLength(32);
  });
});
