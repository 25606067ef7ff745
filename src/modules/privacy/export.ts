/**
 * A person's data as one ZIP (issue #18, PIPL Art. 45): each registered module's records as `<module>.json`, the same
 * in one readable workbook (`personal-data.xlsx`, one sheet per module: a title row per kind of record, its columns,
 * its rows), and `manifest.json` (which request, which customer, when, what each module gave). Gathered through the
 * modules' hooks (hooks.ts) inside one transaction, so the files agree with one another.
 *
 * The ZIP is written with fflate (see docs/ARCHITECTURE.md, dependencies): in memory, since one person's records are
 * small next to the body limit of the rest of the API.
 */
import type ExcelJS from 'exceljs';
import { excel } from '../../platform/heavy-modules.js';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { DbOrTx } from '../../platform/db/client.js';
import { isMessageKey, t, type Locale } from '../../platform/i18n/index.js';
import { exportRows, personalDataHooks, type ExportedSection, type PersonalDataFile } from './hooks.js';

export type ModuleExport = { module: string; tables: readonly string[]; sections: ExportedSection[]; files: PersonalDataFile[] };

/** Every registered module's records about the customer (each module's sections in its own order). */
export async function gatherPersonalData(db: DbOrTx, customerId: string, dataDir?: string): Promise<ModuleExport[]> {
  const out: ModuleExport[] = [];
  for (const hook of personalDataHooks()) {
    const sections = await hook.export(db, customerId);
    const files = dataDir && hook.files ? await hook.files(db, customerId, dataDir) : [];
    out.push({ module: hook.module, tables: hook.tables, sections: sections.map((s) => ({ name: s.name, table: s.table, rows: exportRows(s.rows) })), files });
  }
  return out;
}

/** A JSON-ready value: dates as ISO text, bigints as text (JSON.stringify does the rest). */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;
}

/** Excel holds at most 32,767 characters in a cell; the JSON files keep the whole value. */
const CELL_MAX = 32_000;
const clipCell = (s: string) => (s.length > CELL_MAX ? `${s.slice(0, CELL_MAX)}…` : s);

/** A cell: text, number, boolean or date as it is; anything structured as its JSON text. */
function cell(value: unknown): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return clipCell(value);
  if (typeof value === 'bigint') return value.toString();
  return clipCell(JSON.stringify(value));
}

const moduleLabel = (locale: Locale, module: string) => {
  const key = `privacy.module.${module}`;
  return isMessageKey(key) ? t(locale, key) : module;
};

async function workbookOf(modules: ModuleExport[], locale: Locale, title: string): Promise<Uint8Array> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'Hearth';
  const used = new Set<string>();
  for (const m of modules) {
    let name = m.module.replace(/[[\]:*?/\\]/g, '_').slice(0, 31);
    while (used.has(name)) name = `${name.slice(0, 28)}_${used.size}`;
    used.add(name);
    const ws = wb.addWorksheet(name);
    ws.addRow([`${title} · ${moduleLabel(locale, m.module)}`]).font = { bold: true, size: 13 };
    for (const s of m.sections) {
      ws.addRow([]);
      ws.addRow([`${s.name} (${s.rows.length})`]).font = { bold: true };
      const columns = [...new Set(s.rows.flatMap((r) => Object.keys(r)))];
      if (!columns.length) {
        ws.addRow([t(locale, 'privacy.export.none')]);
        continue;
      }
      ws.addRow(columns).font = { italic: true };
      for (const r of s.rows) ws.addRow(columns.map((c) => cell(r[c])));
    }
    for (let i = 1; i <= Math.max(1, ws.actualColumnCount); i++) ws.getColumn(i).width = i === 1 ? 36 : 22;
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export type ExportManifest = {
  request: { id: string; number: number; kind: string };
  customerId: string;
  exportedAt: string;
  modules: { module: string; file: string; records: Record<string, number>; files: string[] }[];
};

/** The ZIP of one person's data, and what it holds. */
export async function personalDataZip(
  modules: ModuleExport[],
  opts: { customerId: string; request: { id: string; number: number; kind: string }; now: Date; locale: Locale },
): Promise<{ zip: Uint8Array; manifest: ExportManifest }> {
  const files: Zippable = {};
  const manifest: ExportManifest = { request: opts.request, customerId: opts.customerId, exportedAt: opts.now.toISOString(), modules: [] };
  for (const m of modules) {
    const records = Object.fromEntries(m.sections.map((s) => [s.name, plain(s.rows)]));
    const file = `${m.module}.json`;
    files[file] = strToU8(JSON.stringify({ module: m.module, customerId: opts.customerId, exportedAt: manifest.exportedAt, tables: m.tables, records }, null, 2));
    const stored = m.files.map((f) => `files/${m.module}/${f.name.replace(/[\\/:*?"<>|]/g, '_')}`);
    m.files.forEach((f, i) => (files[stored[i]!] = f.bytes));
    manifest.modules.push({ module: m.module, file, records: Object.fromEntries(m.sections.map((s) => [s.name, s.rows.length])), files: stored });
  }
  files['personal-data.xlsx'] = await workbookOf(modules, opts.locale, t(opts.locale, 'privacy.export.title'));
  files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 2));
  return { zip: zipSync(files, { level: 6, mtime: opts.now }), manifest };
}
