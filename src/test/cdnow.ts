/**
 * The CDNOW purchase log (../shared/data/cdnow/CDNOW_master.txt, read in place, never copied) imported as
 * transactions through the ordinary import, and what the file says checked against what was imported. Used by
 * imports/cdnow.pglite.test.ts (PGlite, as `hearth demo cdnow` loads it) and analytics/cdnow.postgres.test.ts
 * (PostgreSQL, through HTTP and the background job, before its runs): one import of 70,000 rows per database kind.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { customers } from '../modules/customers/schema.js';
import { CDNOW_MAPPING } from '../modules/demo/index.js';
import { importOutcome, prepareFileImport, runImport } from '../modules/imports/index.js';
import { systemActor } from '../platform/auth/permissions.js';
import { ROOT_DIR } from '../platform/version.js';
import type { TestContext } from './harness.js';
import { upload, waitFor } from './imports.js';

export const CDNOW_FILE = path.resolve(ROOT_DIR, '..', 'shared', 'data', 'cdnow', 'CDNOW_master.txt');

/** Whether the file is here; under CI its absence is an error (the reference data is required there). */
export function haveCdnow(): boolean {
  const ci = ['1', 'true', 'yes'].includes(String(process.env.CI ?? '').toLowerCase());
  if (existsSync(CDNOW_FILE)) return true;
  if (ci) throw new Error(`CI needs the reference data at ${CDNOW_FILE}`);
  console.warn(`SKIPPED the CDNOW tests: ${CDNOW_FILE} not found`);
  return false;
}

/**
 * Imports the file and checks it: every line created, none rejected, 23,570 customers, and customers 00001, 00002 and
 * 23570's count, dollar sum and first and last dates as the file says them (computed here independently of the
 * importer). `via: 'http'` uploads and starts it as the web does and waits for the background job (sliced on the
 * embedded database); `via: 'exclusive'` runs the same import engine as `hearth demo cdnow` does, owning the
 * database (full batches, no slices).
 */
export async function importCdnowChecked(ctx: TestContext, opts: { via: 'http' | 'exclusive'; timeoutMs: number }): Promise<void> {
  const content = readFileSync(CDNOW_FILE);
  const lines = content.toString('utf8').trim().split(/\r?\n/).slice(1);
  const expected = new Map<string, { n: number; cents: number; first: string; last: string }>();
  for (const l of lines) {
    const [id, date, , dollars] = l.trim().split(/\s+/) as [string, string, string, string];
    const e = expected.get(id) ?? { n: 0, cents: 0, first: date, last: date };
    e.n++;
    e.cents += Math.round(Number(dollars) * 100);
    if (date < e.first) e.first = date;
    if (date > e.last) e.last = date;
    expected.set(id, e);
  }
  if (opts.via === 'http') {
    const preview = await upload(ctx.admin, 'transactions', 'CDNOW_master.txt', content);
    expect(preview.job).toMatchObject({ format: 'whitespace', headers: ['customer_id', 'date', 'number_of_cds', 'dollar_value'] });
    const started = await ctx.admin.post(`/api/v1/imports/${preview.job.id}/start`, { mapping: CDNOW_MAPPING.mapping, options: CDNOW_MAPPING.options });
    expect(started.statusCode, started.body).toBe(200);
    const job = await waitFor(ctx.admin, preview.job.id, opts.timeoutMs);
    expect(job).toMatchObject({ status: 'done', created: lines.length, rejected: 0, processedRows: 69_659 });
    expect(((await ctx.admin.get(`/api/v1/imports/${preview.job.id}/rejects?limit=10`)).json() as { items: unknown[] }).items).toEqual([]);
  } else {
    const actor = systemActor('cli');
    const { id } = await prepareFileImport(ctx.database.db, ctx.config, actor, { kind: 'transactions', filePath: CDNOW_FILE, mapping: { ...CDNOW_MAPPING.mapping }, options: { ...CDNOW_MAPPING.options } });
    await runImport(ctx.database.db, id, { fallbackActor: actor, exclusive: true });
    expect(await importOutcome(ctx.database.db, id, 'zh-CN')).toEqual({ created: lines.length, updated: 0, skipped: 0, rejected: [] });
  }
  expect(expected.size).toBe(23_570);
  expect(await ctx.database.db.$count(customers)).toBe(23_570);
  for (const id of ['00001', '00002', '23570']) {
    const [c] = await ctx.database.db.select().from(customers).where(eq(customers.externalId, id));
    const s = (await ctx.admin.get(`/api/v1/customers/${c!.id}/transactions/summary`)).json();
    const e = expected.get(id)!;
    const day = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    expect(s, id).toMatchObject({ count: e.n, lifetimeSpendFen: e.cents });
    expect(new Date(s.firstAt).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })).toBe(day(e.first));
    expect(new Date(s.lastAt).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' })).toBe(day(e.last));
  }
  // Customer 1: one purchase of $11.77 on 1997-01-01.
  expect(expected.get('00001')).toEqual({ n: 1, cents: 1177, first: '19970101', last: '19970101' });
}
