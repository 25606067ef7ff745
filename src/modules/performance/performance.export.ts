/** The month's performance as a workbook for payroll: one row per agent, in rank order, with every KPI and the score. */
import { excel } from '../../platform/heavy-modules.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import type { PerformanceReport } from './performance.contract.js';

export async function performanceWorkbook(report: PerformanceReport, locale: Locale): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  const ws = wb.addWorksheet(`${t(locale, 'performance.sheet')} ${report.month}`);
  const cols = [
    ['performance.col.rank', (r) => r.rank],
    ['performance.col.user', (r) => r.user.name],
    ['performance.col.team', (r) => r.team?.name ?? ''],
    ['performance.col.tickets', (r) => r.tickets],
    ['performance.col.first_response', (r) => r.firstResponseMedianHours],
    ['performance.col.first_response_p90', (r) => r.firstResponseP90Hours],
    ['performance.col.resolution', (r) => r.resolutionMedianHours],
    ['performance.col.resolution_p90', (r) => r.resolutionP90Hours],
    ['performance.col.sla', (r) => r.slaCompliance],
    ['performance.col.reopen', (r) => r.reopenRate],
    ['performance.col.satisfaction', (r) => r.satisfactionAvg],
    ['performance.col.return_visits', (r) => r.returnVisitOnTimeRate],
    ['performance.col.score', (r) => r.score],
  ] as const satisfies readonly (readonly [Parameters<typeof t>[1], (r: PerformanceReport['rows'][number]) => string | number | null])[];
  ws.addRow(cols.map(([key]) => t(locale, key))).font = { bold: true };
  for (const r of report.rows) ws.addRow(cols.map(([, get]) => get(r) ?? ''));
  ws.columns.forEach((c) => (c.width = 16));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
