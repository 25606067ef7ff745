/**
 * The personal-data registry against the Drizzle schema (issue #18): a module "stores personal data" when one of its
 * tables has a `customer_id` column (or is the customers table itself). Every such table must be named by a hook its
 * own module registers (src/app.ts): a module that adds such a table and no hook — or a hook that forgets the table —
 * fails here. A module is a folder of src/modules (tickets/sla belongs to tickets); its tables are the `pgTable`s its
 * schema files export.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { is } from 'drizzle-orm';
import { getTableConfig, PgTable, pgTable, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import '../../app.js'; // the composition root registers every module's hook at load
import { personalDataHooks, registerPersonalDataHook, type PersonalDataHook } from './index.js';

const MODULES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function schemaFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) schemaFiles(p, out);
    else if (name === 'schema.ts' || name.endsWith('.schema.ts')) out.push(p);
  }
  return out;
}

type PersonalTable = { module: string; table: string };

/** The tables of each module that hold a person's data: a `customer_id` column, or the customers table itself. */
function personalTables(tablesByModule: Map<string, unknown[]>): PersonalTable[] {
  const out: PersonalTable[] = [];
  for (const [module, values] of tablesByModule) {
    for (const v of values) {
      if (!is(v, PgTable)) continue;
      const cfg = getTableConfig(v);
      if (cfg.name === 'customers' || cfg.columns.some((c) => c.name === 'customer_id')) out.push({ module, table: cfg.name });
    }
  }
  return out.sort((a, b) => `${a.module}.${a.table}`.localeCompare(`${b.module}.${b.table}`));
}

/** The hooks that cannot erase (erasure goes through every registered hook: one without `erase` would leave its data). */
function withoutErase(hooks: readonly PersonalDataHook[]): string[] {
  return hooks.filter((h) => typeof (h as Partial<PersonalDataHook>).erase !== 'function').map((h) => h.module);
}

/** The personal tables no hook of their own module names. */
function uncovered(tables: PersonalTable[], hooks: readonly PersonalDataHook[]): string[] {
  const named = new Set(hooks.flatMap((h) => h.tables.map((t) => `${h.module}.${t}`)));
  return tables.filter((t) => !named.has(`${t.module}.${t.table}`)).map((t) => `${t.module}.${t.table}`);
}

async function schemaTables(): Promise<Map<string, unknown[]>> {
  const byModule = new Map<string, unknown[]>();
  for (const file of schemaFiles(MODULES)) {
    const module = path.relative(MODULES, file).split(path.sep)[0]!;
    const exported = Object.values((await import(pathToFileURL(file).href)) as Record<string, unknown>);
    byModule.set(module, [...(byModule.get(module) ?? []), ...exported]);
  }
  return byModule;
}

describe('the personal-data registry', () => {
  it('covers every table with a customer_id column by a hook of its own module', async () => {
    const tables = personalTables(await schemaTables());
    // The walk finds the tables it must (a schema reorganised out of sight would make this test vacuous).
    for (const t of ['customers.customers', 'customers.customer_contacts', 'transactions.transactions', 'tickets.tickets', 'messages.messages', 'loyalty.points_entries', 'privacy.privacy_requests'])
      expect(tables.map((x) => `${x.module}.${x.table}`)).toContain(t);
    expect(uncovered(tables, personalDataHooks())).toEqual([]);
    // Each module that stores personal data has exactly one hook, under its own name.
    const modules = new Set(tables.map((t) => t.module));
    expect([...modules].filter((m) => !personalDataHooks().some((h) => h.module === m))).toEqual([]);
  });

  it('fails a module that stores personal data and registers no hook, and a hook that forgets a table', async () => {
    const byModule = await schemaTables();
    // A new module with a customer_id table and no hook.
    const visits = pgTable('home_visits', { id: uuid('id').primaryKey(), customerId: uuid('customer_id') });
    byModule.set('visits', [visits]);
    expect(uncovered(personalTables(byModule), personalDataHooks())).toEqual(['visits.home_visits']);
    // A hook that leaves out one of its module's tables.
    const hooks = personalDataHooks().map((h) => (h.module === 'interactions' ? { ...h, tables: h.tables.filter((t) => t !== 'tasks') } : h));
    expect(uncovered(personalTables(await schemaTables()), hooks)).toEqual(['interactions.tasks']);
  });

  it('has every registered hook erase, and fails a hook without erase', () => {
    expect(withoutErase(personalDataHooks())).toEqual([]);
    const hooks = personalDataHooks().map((h) => (h.module === 'tickets' ? ({ ...h, erase: undefined } as unknown as PersonalDataHook) : h));
    expect(withoutErase(hooks)).toEqual(['tickets']);
    expect(() => registerPersonalDataHook(hooks.find((h) => h.module === 'tickets')!)).toThrow(/tickets: no erase/);
    expect(personalDataHooks().find((h) => h.module === 'tickets')!.erase).toBeTypeOf('function');
  });
});
