/**
 * exceljs, loaded the first time a spreadsheet is read or written. Imported at the top of the modules that use it,
 * it was a quarter of every process's start — the server's, each `hearth` command's (~0.6 of the ~3 CPU-s of
 * `hearth --help`, profiled 2026-12-07) — though most processes never touch a spreadsheet.
 */
import type ExcelJS from 'exceljs';

let loading: Promise<typeof ExcelJS> | null = null;

export function excel(): Promise<typeof ExcelJS> {
  loading ??= import('exceljs').then((m) => ((m as { default?: typeof ExcelJS }).default ?? (m as unknown as typeof ExcelJS)));
  return loading;
}
