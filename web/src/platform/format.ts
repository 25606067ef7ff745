import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Money is shown with the installation's currency symbol (¥ unless the company settings say otherwise). */
const SYMBOLS: Record<string, string> = { CNY: '¥', USD: '$', EUR: '€', HKD: 'HK$', GBP: '£' };
let currencySymbol = '¥';

export function setDisplayCurrency(currency: string | null | undefined): void {
  currencySymbol = (currency && SYMBOLS[currency]) || '¥';
}

export function displayCurrencySymbol(): string {
  return currencySymbol;
}

/** Times are shown in the company's time zone (Asia/Shanghai unless the settings say otherwise), not the browser's. */
let displayZone = 'Asia/Shanghai';

export function setDisplayZone(zone: string | null | undefined): void {
  if (!zone) return;
  try {
    dayjs().tz(zone);
    displayZone = zone;
  } catch {
    // unknown zone: keep the default
  }
}

export function inZone(iso: string): Dayjs {
  return dayjs(iso).tz(displayZone);
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? inZone(iso).format('YYYY-MM-DD HH:mm') : '—';
}

export function formatDateTimeSeconds(iso: string | null | undefined): string {
  return iso ? inZone(iso).format('YYYY-MM-DD HH:mm:ss') : '—';
}

/** The start of a calendar day in the display zone, as an ISO timestamp with offset (for `from` filters). */
export function startOfDayIso(day: Dayjs): string {
  return dayjs.tz(day.format('YYYY-MM-DD'), displayZone).startOf('day').format('YYYY-MM-DDTHH:mm:ss.SSSZ');
}

/** The end of a calendar day in the display zone, as an ISO timestamp with offset (for `to` filters). */
export function endOfDayIso(day: Dayjs): string {
  return dayjs.tz(day.format('YYYY-MM-DD'), displayZone).endOf('day').format('YYYY-MM-DDTHH:mm:ss.SSSZ');
}

/** A wall-clock date and time picked on screen (its fields read in the display zone), as an ISO timestamp with offset. */
export function zonedIso(picked: Dayjs): string {
  return dayjs.tz(picked.format('YYYY-MM-DDTHH:mm:ss'), displayZone).format('YYYY-MM-DDTHH:mm:ss.SSSZ');
}

/** The display zone's name (Asia/Shanghai unless the company settings say otherwise). */
export function displayTimeZone(): string {
  return displayZone;
}
