import { eq, inArray } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { recordAudit } from '../audit/index.js';
import { settings } from './schema.js';

export const TEMPLATES = ['blank', 'heating'] as const;
export type Template = (typeof TEMPLATES)[number];

/**
 * The installation's currency: money is stored in its minor unit (fen, cents) and shown with its symbol. ¥ (CNY) by
 * default; set when foreign data is loaded (the CDNOW demo is in US dollars).
 */
export const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** `hotline`: the service hotline the public pages show (服务热线), or null. */
export type CompanySettings = { companyName: string; template: Template; timezone: string; currency: Currency; hotline: string | null };

const DEFAULTS: CompanySettings = { companyName: 'Hearth', template: 'blank', timezone: 'Asia/Shanghai', currency: 'CNY', hotline: null };
const KEYS = ['companyName', 'template', 'timezone', 'currency', 'hotline'] as const;

export async function readCompanySettings(db: DbOrTx): Promise<CompanySettings> {
  const rows = await db.select().from(settings).where(inArray(settings.key, [...KEYS]));
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const r of rows) out[r.key] = r.value;
  return out as CompanySettings;
}

export async function writeCompanySettings(db: DbOrTx, values: Partial<CompanySettings>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    await db
      .insert(settings)
      .values({ key, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
  }
}

export async function updateCompanySettings(
  db: DbOrTx,
  actor: Actor | null,
  values: Partial<Pick<CompanySettings, 'companyName' | 'timezone' | 'currency' | 'hotline'>>,
): Promise<CompanySettings> {
  requireAccess(actor, 'settings:manage');
  const before = await readCompanySettings(db);
  const { hotline, ...rest } = values;
  await writeCompanySettings(db, rest);
  // No hotline: the row goes (a stored value is never null).
  if (hotline) await writeSetting(db, 'hotline', hotline);
  else if (hotline !== undefined) await deleteSetting(db, 'hotline');
  const after = await readCompanySettings(db);
  const changes: Record<string, [unknown, unknown]> = {};
  for (const k of KEYS) if (before[k] !== after[k]) changes[k] = [before[k], after[k]];
  await recordAudit(db, actor, { action: 'update', entityType: 'settings', entityId: 'company', changes });
  return after;
}

/** One installation-wide value by key (modules keep their own state here, e.g. the demo-data load). */
export async function readSetting<T>(db: DbOrTx, key: string): Promise<T | null> {
  const [row] = await db.select().from(settings).where(eq(settings.key, key));
  return (row?.value as T | undefined) ?? null;
}

export async function writeSetting(db: DbOrTx, key: string, value: unknown): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } });
}

/**
 * Writes `value` under `key` unless a value is there already (insert … on conflict do nothing): the first writer
 * wins. True when this call wrote it. Two callers at once: the second waits on the first one's row until its
 * transaction ends and then writes nothing, so "seed once" needs no lock of its own.
 */
export async function writeSettingIfAbsent(db: DbOrTx, key: string, value: unknown): Promise<boolean> {
  const rows = await db.insert(settings).values({ key, value }).onConflictDoNothing({ target: settings.key }).returning({ key: settings.key });
  return rows.length > 0;
}

export async function deleteSetting(db: DbOrTx, key: string): Promise<void> {
  await db.delete(settings).where(eq(settings.key, key));
}
