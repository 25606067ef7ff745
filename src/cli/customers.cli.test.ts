/**
 * `hearth customers list | export --as <user>` (issue #18): the CLI prints customers through the same services as the
 * server, so a role with the ID number hidden gets it neither in full nor masked — in the list, the CSV or the XLSX.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createCustomerBody } from '../modules/customers/index.js';
import { CUSTOMER_GRANT_FIELDS } from '../platform/auth/field-catalog.js';
import { systemActor } from '../platform/auth/permissions.js';
import { openDatabase } from '../platform/db/client.js';
import { parseOrThrow } from '../platform/http/validation.js';
import { migratedCliDatabase } from '../test/cli-database.js';
import { killChildren, runHearth } from '../test/spawn.js';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function residentIdEndingX(region: string, birth: string): string {
  for (let seq = 100; seq < 1000; seq++) {
    const body = `${region}${birth}${seq}`;
    if ('10X98765432'[[...body].reduce((sum, d, i) => sum + Number(d) * W[i]!, 0) % 11] === 'X') return `${body}X`;
  }
  throw new Error('no sequence gives X');
}
const ID = residentIdEndingX('230102', '19850612');
const MASKED = `${ID.slice(0, 3)}${'*'.repeat(11)}${ID.slice(-4)}`;
const NEEDLES = [ID, MASKED, ID.slice(-4)];

describe('hearth customers with field grants', { timeout: 240_000 }, () => {
  const env: Record<string, string> = { LANG: 'zh_CN.UTF-8' };
  let dir = '';
  let cleanup = async () => {};
  const hearth = (...args: string[]) => runHearth(args, env);
  const open = () => openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 } : { kind: 'pglite', dataDir: env.DATA_DIR! });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hearth-cli-fields-'));
    // A migrated database (the run's template): `user create` below is the first run's setup, not initdb and migrations.
    ({ cleanup } = await migratedCliDatabase('hearth_cli_fields', env));
    expect((await hearth('user', 'create', '--username', 'boss', '--password', 'Secret123', '--template', 'heating')).code).toBe(0);
    expect((await hearth('user', 'create', '--username', 'mgr', '--password', 'Secret123', '--role', 'manager')).code).toBe(0);
    // A household with an ID number, and the manager role with it hidden (every other field editable).
    const database = await open();
    try {
      const input = parseOrThrow(createCustomerBody, { name: '命令行住户', phones: ['13912345678'], idNumber: ID }, 'body');
      await database.db.transaction((tx) => createCustomer(tx, systemActor('cli'), input));
      const grants = Object.fromEntries(CUSTOMER_GRANT_FIELDS.filter((f) => f !== 'idNumber').map((f) => [f, 'edit']));
      await database.db.execute(sql`update roles set field_grants = ${JSON.stringify(grants)}::jsonb where key = 'manager'`);
    } finally {
      await database.close();
    }
  }, 400_000); // three processes on a new embedded database, on a busy machine
  afterEach(killChildren);
  afterAll(async () => {
    killChildren();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists and exports without the hidden ID number for the manager; the system sees it masked', async () => {
    const list = await hearth('customers', 'list', '--as', 'mgr', '--format', 'json');
    expect(list.code, list.stderr).toBe(0);
    const page = JSON.parse(list.stdout.trim().split('\n').pop()!) as { items: { name: string; idNumber: string | null; hidden: string[] }[] };
    expect(page.items).toMatchObject([{ name: '命令行住户', idNumber: null, hidden: ['idNumber'] }]);
    const text = await hearth('customers', 'list', '--as', 'mgr');
    expect(text.stdout).toContain('命令行住户');
    const csv = await hearth('customers', 'export', '--as', 'mgr');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toContain('命令行住户');
    expect(csv.stdout).not.toContain('证件号码');
    const out = path.join(dir, 'mgr.xlsx');
    expect((await hearth('customers', 'export', '--as', 'mgr', '--format', 'xlsx', '--out', out)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((s) => s.eachRow((r) => r.eachCell((c) => cells.push(String(c.value ?? '')))));
    expect(cells).toContain('命令行住户');
    for (const output of [list.stdout, text.stdout, csv.stdout, cells.join('\n')]) expect(NEEDLES.filter((n) => output.includes(n))).toEqual([]);

    // Not vacuous: without --as the command is the system, which sees the ID number (masked in the list).
    const system = await hearth('customers', 'list');
    expect(system.stdout).toContain(MASKED);
    const unknown = await hearth('customers', 'list', '--as', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('找不到该用户');
  });
});
