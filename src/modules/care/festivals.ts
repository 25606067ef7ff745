/**
 * Festival dates for any year. Lunar festivals come from lunar-javascript (6tail/lunar-javascript: the Chinese calendar
 * 1900–2100+ computed from astronomical algorithms, no data table): Node's ICU Chinese calendar was tried first and is
 * a day off in some years (春节 2027 and 2030 among them), so it is not used. A test compares 2020–2035 with
 * solarlunar (an independent, table-based package) and with official dates. Solar festivals are fixed days or the
 * n-th Sunday of a month (母亲节, 父亲节).
 */
import { createRequire } from 'node:module';
import type { Festival, LUNAR_FESTIVALS } from './care.contract.js';

type LunarFestival = (typeof LUNAR_FESTIVALS)[number];
type LunarJs = {
  Lunar: { fromYmd(y: number, m: number, d: number): { getSolar(): { toYmd(): string } } };
  Solar: { fromYmd(y: number, m: number, d: number): { getLunar(): { getYear(): number; getMonth(): number; getDay(): number } } };
};

const { Lunar, Solar } = createRequire(import.meta.url)('lunar-javascript') as LunarJs;

export const LUNAR_DAYS: Record<LunarFestival, [month: number, day: number]> = {
  spring: [1, 1],
  lantern: [1, 15],
  dragon_boat: [5, 5],
  qixi: [7, 7],
  mid_autumn: [8, 15],
  double_ninth: [9, 9],
};

const DAY = 86_400_000;

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const dayMs = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
export const addDays = (iso: string, n: number) => isoDay(dayMs(iso) + n * DAY);

const cache = new Map<string, string>();

/** The Gregorian date (YYYY-MM-DD) of a lunar month/day (not leap) in the lunar year that begins in `year`. */
export function lunarToSolar(year: number, month: number, day: number): string {
  const key = `${year}-${month}-${day}`;
  let date = cache.get(key);
  if (!date) {
    date = Lunar.fromYmd(year, month, day).getSolar().toYmd();
    cache.set(key, date);
  }
  return date;
}

/** The lunar date of a Gregorian day: lunar year, month (1–12), day, and whether the month is a leap month. */
export function lunarOf(iso: string): { year: number; month: number; day: number; leap: boolean } {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const l = Solar.fromYmd(y, m, d).getLunar();
  return { year: l.getYear(), month: Math.abs(l.getMonth()), day: l.getDay(), leap: l.getMonth() < 0 };
}

/**
 * The lunar birthdays greeted on a Gregorian day: month-day keys ("8-15") and the lunar year, or null on a day of a
 * leap month (闰月), which greets nobody — a 闰月 birth is kept in the ordinary month of the same number. A birthday on
 * the 30th falls on the month's last day, the 29th, in a year whose month has only 29 days (the common practice), so
 * the 29th of a short month greets both "m-29" and "m-30".
 */
export function lunarBirthdaysOn(iso: string): { year: number; keys: string[] } | null {
  const l = lunarOf(iso);
  if (l.leap) return null;
  const keys = [`${l.month}-${l.day}`];
  if (l.day === 29 && lunarOf(addDays(iso, 1)).day === 1) keys.push(`${l.month}-30`);
  return { year: l.year, keys };
}

/** The n-th Sunday of a month (1–12). */
function nthSunday(year: number, month: number, n: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return isoDay(Date.UTC(year, month - 1, 1 + ((7 - first) % 7) + (n - 1) * 7));
}

const pad = (n: number) => String(n).padStart(2, '0');

export function festivalDate(festival: Festival, year: number): string {
  switch (festival) {
    case 'new_year':
      return `${year}-01-01`;
    case 'womens_day':
      return `${year}-03-08`;
    case 'mothers_day':
      return nthSunday(year, 5, 2);
    case 'fathers_day':
      return nthSunday(year, 6, 3);
    case 'teachers_day':
      return `${year}-09-10`;
    case 'national_day':
      return `${year}-10-01`;
    default: {
      const [m, d] = LUNAR_DAYS[festival];
      return lunarToSolar(year, m, d);
    }
  }
}

/** A month-day (MM-DD) in a year; 02-29 falls on 02-28 in a common year. */
export function anniversaryIn(year: number, monthDay: string): string {
  const [m, d] = monthDay.split('-').map(Number) as [number, number];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return m === 2 && d === 29 && !leap ? `${year}-02-28` : `${year}-${pad(m)}-${pad(d)}`;
}
