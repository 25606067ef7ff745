/**
 * Secrets kept in a settings row (a channel's password, an inbound key, a signing key): sealed at the JSON paths the
 * owning module names (platform/secrets.ts). `''` names the row's value itself (a string).
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/client.js';
import type { SecretStore } from '../../platform/secrets.js';
import { openSecret, sealSecret } from '../../platform/secrets.js';
import { settings } from './schema.js';

/** The context a secret at `path` of settings row `key` is sealed for: the same value elsewhere does not open. */
export const settingSecretContext = (key: string, path: string): string => (path ? `${key}:${path}` : key);

export const sealSettingSecret = (key: string, path: string, plain: string): string => sealSecret(plain, settingSecretContext(key, path));
export const openSettingSecret = (key: string, path: string, stored: string): string => openSecret(stored, settingSecretContext(key, path));

type Json = Record<string, unknown>;

function getAt(value: unknown, path: string): unknown {
  if (!path) return value;
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), value);
}

function setAt(value: unknown, path: string, next: unknown): unknown {
  if (!path) return next;
  const parts = path.split('.');
  const root = structuredClone(value) as Json;
  let o = root;
  for (const k of parts.slice(0, -1)) o = o[k] as Json;
  o[parts.at(-1)!] = next;
  return root;
}

/** The secret store of one settings row: each string at `paths` re-sealed in one short transaction (the row locked). */
export function sealedSettingStore(key: string, paths: readonly string[]): SecretStore {
  return {
    name: `settings:${key}`,
    async reseal(db: Db, change) {
      return db.transaction(async (tx) => {
        const [row] = await tx.select().from(settings).where(eq(settings.key, key)).for('update');
        if (!row) return 0;
        let value: unknown = row.value;
        let changed = 0;
        for (const path of paths) {
          const current = getAt(value, path);
          if (typeof current !== 'string' || !current) continue;
          const next = change(current, settingSecretContext(key, path));
          if (next === null) continue;
          value = setAt(value, path, next);
          changed++;
        }
        if (changed) await tx.update(settings).set({ value, updatedAt: new Date() }).where(eq(settings.key, key));
        return changed;
      });
    },
  };
}
