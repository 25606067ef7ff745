import { PassThrough, type Readable } from 'node:stream';
import { and, isNull, type SQL, type SQLWrapper } from 'drizzle-orm';
import { excel } from '../../platform/heavy-modules.js';
import { customGrantKey } from '../../platform/auth/field-access.js';
import { can, requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { yieldToEventLoop } from '../../platform/db/slice.js';
import { displayPhone, maskPhone, normalizePhone } from '../../platform/phone.js';
import type { Locale } from '../../platform/i18n/index.js';
import { recordAudit } from '../audit/index.js';
import { activeCustomFields, displayCustomValue, parseCustomFilter } from '../fields/index.js';
import * as repo from './customers.repository.js';
import { filterOf } from './customers.service.js';
import type { ExportQuery } from './customers.types.js';
import { maskIdNumber } from './id-number.js';
import { customers } from './schema.js';
import { customerAccess } from './access.js';
import { customerFields, GRANT_OF } from './field-access.js';

const COLUMNS = [
  ['id', 'ID', 'ID'],
  ['kind', '类型', 'Type'],
  ['name', '姓名/名称', 'Name'],
  ['phones', '电话', 'Phones'],
  ['email', '邮箱', 'Email'],
  ['gender', '性别', 'Gender'],
  ['birthday', '生日', 'Birthday'],
  ['idNumber', '证件号码', 'ID number'],
  ['province', '省', 'Province'],
  ['city', '市', 'City'],
  ['district', '区县', 'District'],
  ['street', '街道', 'Street'],
  ['compound', '小区', 'Compound'],
  ['building', '楼栋', 'Building'],
  ['unit', '单元', 'Unit'],
  ['room', '房号', 'Room'],
  ['tags', '标签', 'Tags'],
  ['source', '来源', 'Source'],
  ['stage', '阶段', 'Stage'],
  ['ownerName', '客户经理', 'Account manager'],
  ['createdAt', '创建时间', 'Created at'],
] as const;

/** RFC 4180 quoting, and a leading apostrophe where a spreadsheet would run the cell as a formula. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The search text as the audit log keeps it: a phone number, or any long run of digits (phone, ID number), masked. */
function maskedSearch(q: string): string {
  const phone = normalizePhone(q);
  if (phone) return maskPhone(phone);
  return q.replace(/\+?\d[\d\s\-()]{5,}[\dXx]/g, (run) => {
    const digits = run.replace(/[^\dXx]/g, '');
    return digits.length < 7 ? run : `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  });
}

export type ExportFormat = 'csv' | 'xlsx';

/**
 * A set of customers another module exports "like the customer list" (a segment's members): a condition on the
 * customer id (SQL over the given id column, naming only the caller's own tables), and what the audit entry says
 * about the set. The exporter's data scope, masking and audit are this module's, as for the list.
 */
export type CustomerSubset = { within: (customerId: SQLWrapper) => SQL; audit: Record<string, unknown> };

/** Live customers of a subset under a scope, in batches (keyset on id, constant memory). */
function streamSubset(db: DbOrTx, scope: repo.ScopeFilter, within: CustomerSubset['within'], batch = 1000): AsyncGenerator<repo.CustomerWithOwner[]> {
  return repo.streamCustomersWhere(db, and(repo.scopeCondition(scope), isNull(customers.deletedAt), within(customers.id)), batch);
}

/** What is exported: the customer list under its filters, or a subset another module names. */
type ExportSource = { query: ExportQuery } | { subset: CustomerSubset };

/**
 * The current list (filters applied, within the exporter's scope) or a subset: a header and batches of rows,
 * personal data in full only for the personal-data permission. The export itself is audited before the first row
 * leaves.
 */
async function exportRows(
  db: DbOrTx,
  actor: Actor | null,
  source: ExportSource,
  locale: Locale,
  format: ExportFormat,
  formatTime: (d: Date) => string,
): Promise<{ header: string[]; batches: AsyncGenerator<unknown[][]> }> {
  requireAccess(actor, 'customer:export');
  const reveal = can(actor, 'customer:pii');
  let stream: () => AsyncGenerator<repo.CustomerWithOwner[]>;
  if ('query' in source) {
    const query = source.query;
    const base = filterOf(actor, query); // a filter on a field the exporter does not see is refused before anything is logged
    const customConditions = await parseCustomFilter(db, query.custom); // a wrong filter is refused before anything is logged
    await recordAudit(db, actor, {
      action: 'export',
      entityType: 'customer',
      entityId: null,
      changes: { format, filters: query.q ? { ...query, q: maskedSearch(query.q) } : query, unmasked: reveal },
    });
    const full = { ...base, custom: customConditions };
    stream = () => repo.streamCustomers(db, full);
  } else {
    const { within, audit } = source.subset;
    await recordAudit(db, actor, { action: 'export', entityType: 'customer', entityId: null, changes: { format, ...audit, unmasked: reveal } });
    const scope = customerAccess.scope(actor);
    stream = () => streamSubset(db, scope, within);
  }
  // One column per active custom field after the standard ones, headed by its label; the fields the exporter's role
  // does not see (field grants) have no column at all.
  const fields = customerFields(actor);
  const columns = COLUMNS.filter(([k]) => {
    const grant = GRANT_OF[k];
    return !grant || fields.visible(grant);
  });
  const customDefs = (await activeCustomFields(db)).filter((d) => fields.visible(customGrantKey(d.key)));
  return {
    header: [...columns.map(([, zh, en]) => (locale === 'en' ? en : zh)), ...customDefs.map((d) => (locale === 'en' ? d.labelEn : d.labelZh))],
    batches: (async function* () {
      for await (const batch of stream()) {
        yield batch.map((r) => {
          const row: Record<string, unknown> = {
            ...r,
            phones: r.phones.map(reveal ? displayPhone : maskPhone).join(' '),
            idNumber: r.idNumber ? (reveal ? r.idNumber : maskIdNumber(r.idNumber)) : '',
            tags: r.tags.join(' '),
            createdAt: formatTime(r.createdAt),
          };
          const custom = (r.custom ?? {}) as Record<string, unknown>;
          return [...columns.map(([k]) => row[k] ?? null), ...customDefs.map((d) => displayCustomValue(d, custom[d.key], locale))];
        });
        // A turn of the event loop between batches: on the embedded database the export shares the one thread and
        // connection with every request, and neither a fast socket nor the workbook writer waits for anything.
        await yieldToEventLoop();
      }
    })(),
  };
}

/** CSV with a BOM (Excel opens it as UTF-8), streamed in batches. */
async function csvOf(db: DbOrTx, actor: Actor | null, source: ExportSource, locale: Locale): Promise<AsyncGenerator<string>> {
  const { header, batches } = await exportRows(db, actor, source, locale, 'csv', (d) => d.toISOString());
  return (async function* () {
    yield '\uFEFF' + header.map(csvCell).join(',') + '\r\n';
    for await (const rows of batches) yield rows.map((r) => r.map(csvCell).join(',') + '\r\n').join('');
  })();
}

/**
 * XLSX written row by row with exceljs's streaming writer (constant memory). Cells are plain strings, never
 * formulas; times are shown in the display time zone.
 */
async function xlsxOf(db: DbOrTx, actor: Actor | null, source: ExportSource, locale: Locale, timeZone: string): Promise<Readable> {
  const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'medium' });
  const { header, batches } = await exportRows(db, actor, source, locale, 'xlsx', (d) => fmt.format(d));
  const out = new PassThrough();
  const workbook = new (await excel()).stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(locale === 'en' ? 'Customers' : '客户', { views: [{ state: 'frozen', ySplit: 1 }] });
  void (async () => {
    const head = sheet.addRow(header);
    head.font = { bold: true };
    head.commit();
    for await (const rows of batches) for (const r of rows) sheet.addRow(r).commit();
    sheet.commit();
    await workbook.commit();
  })().catch((err: unknown) => out.destroy(err as Error));
  return out;
}

/** The filtered customer list as CSV (audited). */
export async function exportCustomersCsv(db: DbOrTx, actor: Actor | null, query: ExportQuery, locale: Locale): Promise<AsyncGenerator<string>> {
  return csvOf(db, actor, { query }, locale);
}

/** The filtered customer list as an XLSX workbook (audited). */
export async function exportCustomersXlsx(db: DbOrTx, actor: Actor | null, query: ExportQuery, locale: Locale, timeZone: string): Promise<Readable> {
  return xlsxOf(db, actor, { query }, locale, timeZone);
}

/**
 * A subset of customers (another module's set, e.g. a segment's members) with the list's columns, masking, scope and
 * audit, as CSV. Needs `customer:export`; only the customers the exporter sees are written.
 */
export async function exportCustomerSubsetCsv(db: DbOrTx, actor: Actor | null, subset: CustomerSubset, locale: Locale): Promise<AsyncGenerator<string>> {
  return csvOf(db, actor, { subset }, locale);
}

/** The same subset as an XLSX workbook. */
export async function exportCustomerSubsetXlsx(db: DbOrTx, actor: Actor | null, subset: CustomerSubset, locale: Locale, timeZone: string): Promise<Readable> {
  return xlsxOf(db, actor, { subset }, locale, timeZone);
}
