/**
 * Reading cell text the way people type it in Chinese spreadsheets: dates as 2024/3/5, 2024年3月5日, 2024-03-05,
 * 20240305 or an Excel date; amounts as ¥1,234.50, 1,234.5元 or (12.00) for a negative; yes/no as 是/否.
 */

const FULLWIDTH = /[\uFF01-\uFF5E]/g;
/** Full-width ASCII (１２３，．) to half-width. */
export function halfWidth(s: string): string {
  return s.replace(FULLWIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ').replace(/\uFFE5/g, '¥');
}

function validYmd(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null; // 2月30日
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Excel's serial day number (1900 system) to a date. */
function fromExcelSerial(n: number): string | null {
  if (!(n > 1 && n < 200_000)) return null;
  const ms = Math.round((n - 25569) * 86_400_000);
  const d = new Date(ms);
  return validYmd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

export type ParsedDate = { date: string; time: string | null };

/**
 * A calendar date (and optional time of day) from the common Chinese forms; null when it is not one.
 * The time, when present, is local time in the display zone; the caller places it.
 */
export function parseDateCell(raw: string | Date | number): ParsedDate | null {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return null;
    // exceljs gives dates as UTC midnight of the day shown in the sheet.
    const date = validYmd(raw.getUTCFullYear(), raw.getUTCMonth() + 1, raw.getUTCDate());
    const hh = raw.getUTCHours(), mm = raw.getUTCMinutes(), ss = raw.getUTCSeconds();
    return date ? { date, time: hh || mm || ss ? `${pad(hh)}:${pad(mm)}:${pad(ss)}` : null } : null;
  }
  if (typeof raw === 'number') {
    const date = fromExcelSerial(raw);
    return date ? { date, time: null } : null;
  }
  const s = halfWidth(raw).trim();
  if (!s) return null;
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return wrap(validYmd(+m[1]!, +m[2]!, +m[3]!), null);
  m = /^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?(?:[\sT]+(\d{1,2})[:时點点](\d{1,2})(?:[:分](\d{1,2})秒?)?分?)?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (m) {
    const date = validYmd(+m[1]!, +m[2]!, +m[3]!);
    if (!date) return null;
    if (m[4] === undefined) return { date, time: null };
    const hh = +m[4], mi = +m[5]!, ss = m[6] ? +m[6] : 0;
    if (hh > 23 || mi > 59 || ss > 59) return null;
    return { date, time: `${pad(hh)}:${pad(mi)}:${pad(ss)}` };
  }
  if (/^\d{5}(\.\d+)?$/.test(s)) return wrap(fromExcelSerial(Number(s)), null);
  return null;
}

function wrap(date: string | null, time: string | null): ParsedDate | null {
  return date ? { date, time } : null;
}
function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The instant of a parsed date in a fixed-offset zone (Asia/Shanghai has no daylight saving: +08:00). */
export function instantOf(p: ParsedDate, offset = '+08:00'): Date {
  return new Date(`${p.date}T${p.time ?? '00:00:00'}${offset}`);
}

/**
 * An amount in yuan (or any currency unit with cents) to integer fen. Accepts ¥/￥/RMB/元/$ and thousands
 * separators; a leading minus or accounting parentheses make it negative. Null when it is not an amount.
 */
export function parseAmountFen(raw: string | number): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.round(raw * 100) : null;
  let s = halfWidth(raw).trim().replace(/\s+/g, '');
  if (!s) return null;
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  s = s.replace(/^(RMB|CNY|USD)/i, '').replace(/(RMB|CNY|USD|元|圆)$/i, '');
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  }
  s = s.replace(/^[¥$]/, '');
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  }
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/.test(s)) return null;
  const [int, frac = ''] = s.replace(/,/g, '').split('.');
  const fen = Number(int) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) return null;
  return negative ? -fen : fen;
}

/** A plain decimal number (area, quantity), thousands separators allowed. */
export function parseNumber(raw: string | number): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  const s = halfWidth(raw).trim().replace(/,/g, '').replace(/(㎡|m²|m2|平方米|平米)$/i, '');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

const TRUE = new Set(['是', '有', '对', 'y', 'yes', 'true', '1', '√', '✓']);
const FALSE = new Set(['否', '无', '不', 'n', 'no', 'false', '0', '×', '✗']);
export function parseBoolean(raw: string): boolean | null {
  const s = halfWidth(raw).trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return null;
}

/** A list in one cell: 张三,李四 / 张三；李四 / 张三、李四 / 张三|李四. */
export function splitList(raw: string): string[] {
  return halfWidth(raw)
    .split(/[,;、|/\n]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A header as compared with field names: lower case, no spaces, underscores, dashes or brackets, and no unit or note
 * in brackets after the name (「供暖面积（㎡）」, 「金额(元)」 and 「供暖面积」 are the same column), unless the brackets
 * are all there is.
 */
export function normalizeHeader(h: string): string {
  const lower = halfWidth(h).toLowerCase();
  const withoutNote = lower.replace(/[(（[【][^)）\]】]*[)）\]】]/g, '');
  return (withoutNote.trim() ? withoutNote : lower).replace(/[\s_\-.()（）[\]【】:：*]/g, '');
}
