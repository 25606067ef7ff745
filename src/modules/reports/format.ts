/** How a report writes a figure as text (the workbook keeps numbers as numbers; the PDF and goal rows use this). */
import type { Locale } from '../../platform/i18n/index.js';
import type { ReportUnit } from './reports.contract.js';

export function formatFigure(value: number | null, unit: ReportUnit, locale: Locale): string {
  if (value === null) return '—';
  const tag = locale === 'en' ? 'en-US' : 'zh-CN';
  const num = (x: number, digits: number) => x.toLocaleString(tag, { maximumFractionDigits: digits });
  switch (unit) {
    case 'fen':
      return `¥${num(value / 100, 2)}`;
    case 'percent':
      return `${num(value, 1)}%`;
    case 'hours':
      return locale === 'en' ? `${num(value, 1)} h` : `${num(value, 1)} 小时`;
    default:
      return num(value, 2);
  }
}

/** The change from `previous` to `value` in percent (null when either is missing or the base is zero). */
export function changePercent(value: number | null, previous: number | null): number | null {
  if (value === null || previous === null || previous === 0) return null;
  return Math.round(((value - previous) / Math.abs(previous)) * 1000) / 10;
}
