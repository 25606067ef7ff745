/**
 * The export walks the module registry (issue #18, must-show): after the demo's history — played through every
 * module: transactions, interactions and tasks, tickets and replies, messages, feedback, surveys, campaigns, loyalty,
 * care, segments, analytics runs, heating arrears — the export of the household with records in the most modules holds
 * each of them, and for every table a registered hook names, the export of a household with rows there holds exactly
 * that household's rows (counted in the database, compared with the ZIP's JSON).
 */
import { sql } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { loadDemo, todayInShanghai } from '../demo/index.js';
import { personalDataHooks } from './index.js';
import type { PrivacyRequestView } from './privacy.contract.js';

let ctx: TestContext;
type ModuleFile = { module: string; records: Record<string, Record<string, unknown>[]> };

/** Every table a hook names that has a customer_id column. */
async function customerTables(): Promise<string[]> {
  const named = [...new Set(personalDataHooks().flatMap((h) => h.tables))];
  const rows = rowsOf<{ table_name: string }>(
    await ctx.database.db.execute(sql`select table_name from information_schema.columns where table_schema = current_schema() and column_name = 'customer_id'`),
  );
  const withColumn = new Set(rows.map((r) => r.table_name));
  return named.filter((t) => withColumn.has(t)).sort();
}

/** Rows per customer in each table (customers with none left out). */
async function rowsByCustomer(tables: string[]): Promise<Map<string, Map<string, number>>> {
  const out = new Map<string, Map<string, number>>();
  for (const t of tables) {
    const rows = rowsOf<{ id: string; n: number }>(await ctx.database.db.execute(sql.raw(`select customer_id::text as id, count(*)::int as n from ${t} where customer_id is not null group by 1`)));
    out.set(t, new Map(rows.map((r) => [r.id, r.n])));
  }
  return out;
}

/** A copy request about the customer (made before counting: it is a row of privacy_requests too). */
async function requestFor(customerId: string): Promise<string> {
  return ok<PrivacyRequestView>(await ctx.admin.post('/api/v1/privacy/requests', { kind: 'copy', requesterName: '演示住户', customerId }), 201).id;
}

/** The export of a request, by module. */
async function exportOf(requestId: string): Promise<Map<string, ModuleFile>> {
  const res = await ctx.admin.get(`/api/v1/privacy/requests/${requestId}/export`);
  expect(res.statusCode, res.body).toBe(200);
  const files = unzipSync(new Uint8Array(res.rawPayload));
  const out = new Map<string, ModuleFile>();
  for (const [name, bytes] of Object.entries(files)) if (name.endsWith('.json') && name !== 'manifest.json') out.set(name.slice(0, -5), JSON.parse(strFromU8(bytes)) as ModuleFile);
  return out;
}

/** Which section of a module's file comes from which table (asked of each hook once). */
const sectionTables = new Map<string, string>();

/** The rows of `table` about this customer in the export (the sections of its module that come from that table). */
function exportedRows(files: Map<string, ModuleFile>, table: string, customerId: string): number {
  const hook = personalDataHooks().find((h) => h.tables.includes(table))!;
  let n = 0;
  for (const [name, rows] of Object.entries(files.get(hook.module)!.records))
    if (sectionTables.get(`${hook.module}.${name}`) === table) n += rows.filter((r) => r.customerId === customerId).length;
  return n;
}

/**
 * Tables no household of the demo has rows in, and why (each stays covered by the registry test; the module's own tests
 * make such rows). A table listed here that the demo does fill fails the test, so the list cannot go stale.
 */
const RARE: Record<string, string> = {
  points_debts: 'a debt arises only when points already spent are taken back by a refund of the payment that earned them (loyalty ledger tests)',
  privacy_erased_customers: 'only an executed erasure records the customer records it anonymised (privacy.erase.test.ts, retention.test.ts)',
};

/** What the demo's history does not make, through the API: an organisation's contact, the arrears read model, a coupon redemption. */
async function fillWhatTheDemoLeavesEmpty(): Promise<void> {
  const org = ok<{ id: string }>(await ctx.admin.post('/api/v1/customers', { kind: 'organization', name: '演示物业服务有限公司' }), 201);
  ok(await ctx.admin.post(`/api/v1/customers/${org.id}/contacts`, { name: '物业经理', phones: ['13700002222'] }), 201);
  const arrears = async () => rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from heating_arrears`))[0]!.n;
  ok(await ctx.admin.post('/api/v1/heating/arrears/rebuild', {}), 202);
  for (let i = 0; i < 600 && !(await arrears()); i++) await new Promise((r) => setTimeout(r, 200));
  // A code of the running campaign, redeemed the hour after its launch (inside its window; the demo's today may be past it).
  const [code] = rowsOf<{ code: string; customer_id: string; campaign_id: string; at: string }>(
    await ctx.database.db.execute(
      sql`select c.code, c.customer_id::text, c.campaign_id::text,
                 to_char((k.launched_at + interval '1 hour') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at
          from coupon_codes c join campaigns k on k.id = c.campaign_id
          where k.status = 'running' and c.customer_id is not null and c.uses = 0 order by c.code limit 1`,
    ),
  );
  expect(code, 'a running campaign with an unused code').toBeDefined();
  const body = { code: code!.code, customerId: code!.customer_id, orderFen: 50_000, redeemedAt: code!.at };
  ok(await ctx.admin.post(`/api/v1/campaigns/${code!.campaign_id}/redemptions`, body), 201);
}

describe('the export walks the module registry', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    const done = await loadDemo(ctx.database.db, systemActor('cli'), { seed: 18, size: 300, asOf: todayInShanghai() }, { activity: { log: () => undefined, fallbackUrl: 'http://localhost:3000' } });
    expect(done).toMatchObject({ status: 'done' });
  }, 600_000);
  afterAll(async () => ctx?.close());

  it("holds, for every table a hook names, exactly the household's rows; the household with the most modules has each of them", async () => {
    const tables = await customerTables();
    await fillWhatTheDemoLeavesEmpty();
    // The demo makes no personal-information request: one about the household that paid first.
    const [first] = rowsOf<{ id: string }>(await ctx.database.db.execute(sql`select customer_id::text as id from transactions order by occurred_at, id limit 1`));
    const anyone = first!.id;
    await requestFor(anyone);
    const counts = await rowsByCustomer(tables);
    // Which section comes from which table: asked of each hook once.
    for (const h of personalDataHooks()) for (const s of await h.export(ctx.database.db, anyone)) sectionTables.set(`${h.module}.${s.name}`, s.table);

    // The household with rows in the most tables, then one more for each table it has none in.
    const score = new Map<string, number>();
    for (const m of counts.values()) for (const id of m.keys()) score.set(id, (score.get(id) ?? 0) + 1);
    const best = [...score.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const witnesses = new Map<string, string>(); // table → customer
    for (const t of tables) {
      const m = counts.get(t)!;
      if (m.has(best)) witnesses.set(t, best);
      else if (m.size) witnesses.set(t, [...m.keys()].sort()[0]!);
    }
    expect(tables.filter((t) => !witnesses.has(t)), 'tables without rows').toEqual(Object.keys(RARE).sort());

    // A request about each witness first, then the counts again (privacy_requests grew), then the exports.
    const requests = new Map<string, string>();
    for (const id of new Set(witnesses.values())) requests.set(id, await requestFor(id));
    const final = await rowsByCustomer(tables);
    const about = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from audit_log where entity_type = 'customer' and entity_id = ${best}`))[0]!.n;
    const exports = new Map<string, Map<string, ModuleFile>>();
    for (const [id, requestId] of requests) exports.set(id, await exportOf(requestId));
    for (const [t, id] of witnesses) expect(exportedRows(exports.get(id)!, t, id), `${t} of ${id}`).toBe(final.get(t)!.get(id));

    // The best household: every module it has rows in is in its export with those rows, and its profile is there.
    const mine = exports.get(best)!;
    const modules = new Set(personalDataHooks().filter((h) => h.tables.some((t) => counts.get(t)?.has(best))).map((h) => h.module));
    expect(modules.size).toBeGreaterThanOrEqual(8);
    for (const m of modules) expect(Object.values(mine.get(m)!.records).some((rows) => rows.length > 0), m).toBe(true);
    expect(mine.get('customers')!.records.profile).toEqual([expect.objectContaining({ id: best })]);
    // Its audit entries: every one about it that the log held when it was exported (the best household need not have
    // any: which one is best depends on the day's history; CI once picked one with none).
    expect(mine.get('audit')!.records.entries!.length).toBe(about);
  });
});
