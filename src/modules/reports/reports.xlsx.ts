/** A report as a workbook: one sheet, the figures (this period, the period before, the change) then each table. */
import { excel } from '../../platform/heavy-modules.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { changePercent } from './format.js';
import type { ReportDocument, ReportUnit } from './reports.contract.js';

/** Money goes into the workbook in yuan (a number), everything else as measured. */
const cell = (v: number | null, unit: ReportUnit | 'text') => (v === null ? '' : unit === 'fen' ? v / 100 : v);

export async function reportWorkbook(doc: ReportDocument, locale: Locale): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.created = new Date(doc.generatedAt);
  const ws = wb.addWorksheet(doc.period.label.replace(/[\\/?*[\]:]/g, '-').slice(0, 31));
  ws.addRow([doc.title]).font = { bold: true, size: 14 };
  ws.addRow([t(locale, 'reports.generated', { at: doc.generatedAt })]);
  for (const s of doc.sections) {
    ws.addRow([]);
    ws.addRow([s.title]).font = { bold: true, size: 12 };
    if (s.figures.length) {
      ws.addRow([
        t(locale, 'reports.figure'),
        `${t(locale, 'reports.this_period')} ${doc.period.label}`,
        `${t(locale, 'reports.previous_period')} ${doc.previous.label}`,
        `${t(locale, 'reports.change')} %`,
      ]).font = { bold: true };
      for (const f of s.figures) ws.addRow([`${f.label}${f.unit === 'fen' ? '（元）' : ''}`, cell(f.value, f.unit), cell(f.previous, f.unit), changePercent(f.value, f.previous) ?? '']);
    }
    for (const table of s.tables) {
      ws.addRow([]);
      ws.addRow([table.title]).font = { italic: true };
      ws.addRow(table.columns.map((c) => c.label)).font = { bold: true };
      for (const r of table.rows) ws.addRow(table.columns.map((c) => (c.unit === 'text' ? (r[c.key] ?? '') : cell(r[c.key] as number | null, c.unit))));
    }
  }
  ws.getColumn(1).width = 28;
  for (const i of [2, 3, 4, 5, 6]) ws.getColumn(i).width = 18;
  return Buffer.from(await wb.xlsx.writeBuffer());
}
