/**
 * The personal-data registry (issue #18): every module that stores data about a person registers one hook, in its own
 * `privacy.ts`, exported through its index.ts and registered by the composition root (src/app.ts) — the privacy module
 * imports none of them. A hook names the tables it answers for (each table of its module with a `customer_id` column,
 * plus any other table it reads) and gives back a person's rows as JSON-ready records, grouped in named sections.
 * `privacy.registry.test.ts` reads the Drizzle schema: a module with a `customer_id` table no hook of its own names
 * fails it. Erasure goes through the same hooks (`erase`, required: erase.ts, docs/ARCHITECTURE.md): each module
 * anonymises the person in its own tables, in the erasure's one transaction.
 *
 * The privacy module also tells others when a request nears or passes its due date (`registerPrivacyDueHook`: the
 * notifications module tells the handler), inside the reminder's transaction.
 */
import type { DbOrTx } from '../../platform/db/client.js';
export { ERASED_MARK, ERASED_TEXT, holdsAny, scrubJson, scrubText, sqlHoldsAny } from '../../platform/erasure.js';
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
  /**
   * Anonymises the person in this module's tables, in place, inside the erasure's transaction (the caller's handle):
   * names, phones, ID numbers, addresses and free texts go; rows that law or accounting requires stay, pointing at the
   * pseudonymised customer. Returns the rows it changed or removed, per table (the erasure's audit entry holds only these
   * counts). Called once per customer record of the person (the record and its merged duplicates).
   */
  erase(db: DbOrTx, customerId: string, ctx: ErasureContext): Promise<Record<string, number>>;
  /**
   * The strings that identify the person in this module, collected from every hook before any erases: `everywhere`
   * (phone and ID numbers, full addresses, a name nobody else bears) is scrubbed wherever it is found, rows not linked
   * to the customer included; `linked` (a name a namesake shares) only in the person's own rows; `keys`: the phone
   * and ID numbers whose keyed hashes are kept, so that the same person entered again is told (erased-keys.ts).
   */
  identifiers?(db: DbOrTx, customerId: string): Promise<{ everywhere: string[]; linked?: string[]; keys?: { phones: string[]; idNumbers: string[] } }>;
  /** Other customer records that are the same person (merged duplicates), erased with it. */
  related?(db: DbOrTx, customerId: string): Promise<string[]>;
};

/** What an erasure tells each hook. */
export type ErasureContext = {
  now: Date;
  /** The text that stands for the person from now on (已删除用户 #1a2b3c4d). */
  pseudonym: string;
  /** Every identifying string of the person (each ≥ 2 characters), longest first: what to scrub in the person's own rows. */
  needles: readonly string[];
  /** Those that identify nobody else (not a shared name): what to scrub in rows not linked to the person (`sqlHoldsAny`). */
  everywhere: readonly string[];
  /** DATA_DIR (files such as ticket attachments are deleted from it). */
  dataDir?: string;
  /** Work to do once the erasure has committed (deleting files: a rolled-back erasure must find them still there). */
  afterCommit(fn: () => Promise<void>): void;
};


/** A file of the person's, as stored (`name` is its path inside the module's folder of the ZIP). */
export type PersonalDataFile = { name: string; bytes: Uint8Array };

const hooks = new Map<string, PersonalDataHook>();

/** Registers (or replaces) a module's hook: registering the same module twice keeps one. */
export function registerPersonalDataHook(hook: PersonalDataHook): void {
  // Erasure goes through every hook: one that cannot erase would leave the person's data behind unseen.
  if (typeof (hook as Partial<PersonalDataHook>).erase !== 'function') throw new Error(`personal-data hook ${hook.module}: no erase`);
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
