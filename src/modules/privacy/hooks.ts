/**
 * The personal-data registry (issue #18): every module that stores data about a person registers one hook, in its own
 * `privacy.ts`, exported through its index.ts and registered by the composition root (src/app.ts) — the privacy module
 * imports none of them. A hook names the tables it answers for (each table of its module with a `customer_id` column,
 * plus any other table it reads) and gives back a person's rows as JSON-ready records, grouped in named sections.
 * `privacy.registry.test.ts` reads the Drizzle schema: a module with a `customer_id` table no hook of its own names
 * fails it. Erasure will go through the same hooks (a later increment).
 *
 * The privacy module also tells others when a request nears or passes its due date (`registerPrivacyDueHook`: the
 * notifications module tells the handler), inside the reminder's transaction.
 */
import type { DbOrTx } from '../../platform/db/client.js';
import type { PrivacyRequestKind } from './privacy.contract.js';

/** One kind of record about the person: its name (a sheet section / JSON key), the table it comes from, the rows. */
export type PersonalDataSection = { name: string; table: string; rows: readonly object[] };
/** A section as the export writes it (exportRows applied). */
export type ExportedSection = { name: string; table: string; rows: Record<string, unknown>[] };

export type PersonalDataHook = {
  /** The owning module's folder name (`customers`, `tickets` …): the export's file and sheet name. */
  module: string;
  /** The tables this hook reads (its module's `customer_id` tables must all be here). */
  tables: readonly string[];
  /** Everything the module holds about this customer (live or soft-deleted). */
  export(db: DbOrTx, customerId: string): Promise<PersonalDataSection[]>;
  /** Files the module keeps about the person (ticket attachments), under `files/<module>/` in the ZIP. */
  files?(db: DbOrTx, customerId: string, dataDir: string): Promise<PersonalDataFile[]>;
};

/** A file of the person's, as stored (`name` is its path inside the module's folder of the ZIP). */
export type PersonalDataFile = { name: string; bytes: Uint8Array };

const hooks = new Map<string, PersonalDataHook>();

/** Registers (or replaces) a module's hook: registering the same module twice keeps one. */
export function registerPersonalDataHook(hook: PersonalDataHook): void {
  hooks.set(hook.module, hook);
}

/** The registered hooks, by module name. */
export function personalDataHooks(): PersonalDataHook[] {
  return [...hooks.values()].sort((a, b) => a.module.localeCompare(b.module));
}

export type PrivacyDueEvent = {
  requestId: string;
  number: number;
  kind: PrivacyRequestKind;
  stage: 'due_soon' | 'overdue';
  dueDay: string;
  handlerId: string | null;
  at: Date;
};
export type PrivacyDueHook = (db: DbOrTx, e: PrivacyDueEvent) => Promise<void>;

const dueHooks: PrivacyDueHook[] = [];

/** Told once per request and stage, in the reminder's transaction (registering the same function twice keeps one). */
export function registerPrivacyDueHook(fn: PrivacyDueHook): void {
  if (!dueHooks.includes(fn)) dueHooks.push(fn);
}

export async function emitPrivacyDue(db: DbOrTx, e: PrivacyDueEvent): Promise<void> {
  for (const fn of dueHooks) await fn(db, e);
}

/**
 * Rows as the export writes them: secrets a module keeps beside a person's data (token hashes, signed-link keys) are
 * left out — they are the company's, not the person's, and would open their links.
 */
const SECRET = /(hash|token|secret|password)/i;
export function exportRows(rows: readonly object[]): Record<string, unknown>[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !SECRET.test(k))));
}
