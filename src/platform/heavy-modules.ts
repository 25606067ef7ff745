/**
 * Large libraries loaded the first time they are needed, not at every process's start. Imported at the top of the
 * modules that use them, exceljs alone was a quarter of a `hearth` command's start and pdfkit (with fontkit and its
 * tables) another tenth (`hearth --help`: ~3.2 → ~2.3 CPU-s, profiled 2026-12-07), though most processes — the
 * server, a command, each process a test starts — never make a spreadsheet or a PDF.
 */
import type ExcelJS from 'exceljs';
import type PDFKitDocument from 'pdfkit';

/** The module's default export (or the module itself, as CommonJS packages come through `import()`), loaded once. */
function onFirstUse<T>(load: () => Promise<unknown>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => (loading ??= load().then((m) => (m as { default?: T }).default ?? (m as T)));
}

export const excel = onFirstUse<typeof ExcelJS>(() => import('exceljs'));
export const pdfkit = onFirstUse<typeof PDFKitDocument>(() => import('pdfkit'));
