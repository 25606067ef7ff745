/**
 * Business-calendar arithmetic (pure): working hours per weekday on a time zone's wall clock, public holidays,
 * make-up working days (调休) and a 24×7 option. Instants are UTC; days are the zone's calendar days, so the zone
 * may be any IANA zone Intl knows (Asia/Shanghai has no DST; a zone with DST still works, day by day).
 */
import { zoneOffsetMs } from '../../../platform/time.js';
import type { SlaCalendarDay, SlaCalendarSpec, SlaWorkingHours } from './sla.contract.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
/** How far the arithmetic looks ahead (ten years of days): a calendar without any working time ends here. */
const MAX_DAYS = 3_660;

export type CompiledCalendar = {
  zone: string;
  alwaysOpen: boolean;
  /** Index 1..7 (ISO weekday): sorted, non-overlapping [start, end) minutes of the day. */
  week: [number, number][][];
  holidays: Set<string>;
  workdays: Set<string>;
  /** Working ranges already computed, by local day (the same few hundred days recur for every ticket). */
  ranges: Map<number, [number, number][]>;
};

/** "08:30" → 510; "24:00" → 1440; anything else → null. */
export function parseClock(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

export function compileCalendar(spec: SlaCalendarSpec): CompiledCalendar {
  const week: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const h of spec.hours) {
    const s = parseClock(h.start);
    const e = parseClock(h.end);
    if (s === null || e === null || e <= s || h.weekday < 1 || h.weekday > 7) continue;
    week[h.weekday]!.push([s, e]);
  }
  for (const day of week) {
    day.sort((a, b) => a[0] - b[0]);
    // Overlapping ranges are merged, so no minute counts twice.
    for (let i = 1; i < day.length; ) {
      if (day[i]![0] <= day[i - 1]![1]) {
        day[i - 1]![1] = Math.max(day[i - 1]![1], day[i]![1]);
        day.splice(i, 1);
      } else i++;
    }
  }
  return {
    zone: spec.timeZone,
    alwaysOpen: spec.alwaysOpen,
    week,
    holidays: new Set(spec.holidays.map((d) => d.date)),
    workdays: new Set(spec.workdays.map((d) => d.date)),
    ranges: new Map(),
  };
}

// ---- zone offsets (cached per hour: Intl is the slow part) ----------------------------------------------------------

const offsets = new Map<string, number>();
function offsetAt(zone: string, t: number): number {
  const key = `${zone}|${Math.floor(t / 3_600_000)}`;
  let off = offsets.get(key);
  if (off === undefined) {
    if (offsets.size > 50_000) offsets.clear();
    off = zoneOffsetMs(zone, new Date(t));
    offsets.set(key, off);
  }
  return off;
}

/** The zone's calendar day of an instant, as days since 1970-01-01. */
function localDay(zone: string, t: number): number {
  return Math.floor((t + offsetAt(zone, t)) / DAY);
}

/** The instant of a wall-clock time (ms since the epoch as if the wall clock were UTC). */
function wallToInstant(zone: string, wall: number): number {
  const guess = wall - offsetAt(zone, wall);
  return wall - offsetAt(zone, guess);
}

export const dayKey = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/** The working ranges of one local day as UTC instants [start, end). */
export function workingRanges(cal: CompiledCalendar, day: number): [number, number][] {
  let ranges = cal.ranges.get(day);
  if (!ranges) {
    if (cal.ranges.size > 20_000) cal.ranges.clear();
    ranges = computeRanges(cal, day);
    cal.ranges.set(day, ranges);
  }
  return ranges;
}

function computeRanges(cal: CompiledCalendar, day: number): [number, number][] {
  if (cal.alwaysOpen) return [[wallToInstant(cal.zone, day * DAY), wallToInstant(cal.zone, (day + 1) * DAY)]];
  const key = dayKey(day);
  let ranges: [number, number][];
  if (cal.holidays.has(key)) return [];
  if (cal.workdays.has(key)) ranges = cal.week[1]!.length ? cal.week[1]! : (cal.week.find((d) => d.length) ?? []);
  else {
    const weekday = ((new Date(day * DAY).getUTCDay() + 6) % 7) + 1;
    ranges = cal.week[weekday]!;
  }
  return ranges.map(([s, e]) => [wallToInstant(cal.zone, day * DAY + s * MINUTE), wallToInstant(cal.zone, day * DAY + e * MINUTE)]);
}

/**
 * The instant `ms` business milliseconds after `start` (a target that ends exactly when a working range ends is due
 * then, e.g. 17:30, not at the next opening). ms ≤ 0 → start.
 */
export function addBusinessMs(cal: CompiledCalendar, start: Date, ms: number): Date {
  if (ms <= 0) return new Date(start.getTime());
  if (cal.alwaysOpen) return new Date(start.getTime() + ms);
  let remaining = ms;
  let cursor = start.getTime();
  const first = localDay(cal.zone, cursor);
  for (let day = first; day < first + MAX_DAYS; day++) {
    for (const [a, b] of workingRanges(cal, day)) {
      const s = Math.max(a, cursor);
      if (s >= b) continue;
      if (remaining <= b - s) return new Date(s + remaining);
      remaining -= b - s;
      cursor = b;
    }
  }
  // No working time within ten years: the target is as good as never due.
  return new Date(first * DAY + MAX_DAYS * DAY);
}

/**
 * The `days`-th working day after the local day of `start` (that day itself not counted, as legal time limits count)
 * and the instant its last working range ends: a deadline in working days, e.g. a personal-information request's 15.
 * A working day is a day with working time (a holiday has none; a 调休 day has Monday's). days ≤ 0 → start's day, start.
 */
export function addWorkingDays(cal: CompiledCalendar, start: Date, days: number): { day: string; end: Date } {
  const first = localDay(cal.zone, start.getTime());
  if (days <= 0) return { day: dayKey(first), end: new Date(start.getTime()) };
  let counted = 0;
  for (let day = first + 1; day <= first + MAX_DAYS; day++) {
    const ranges = workingRanges(cal, day);
    if (!ranges.length) continue;
    if (++counted === days) return { day: dayKey(day), end: new Date(ranges[ranges.length - 1]![1]) };
  }
  return { day: dayKey(first + MAX_DAYS), end: new Date((first + MAX_DAYS) * DAY) };
}

/** Business milliseconds from `a` to `b` (negative when b is before a). */
export function businessMsBetween(cal: CompiledCalendar, a: Date, b: Date): number {
  const x = a.getTime();
  const y = b.getTime();
  if (y < x) return -businessMsBetween(cal, b, a);
  if (cal.alwaysOpen) return y - x;
  let total = 0;
  const last = Math.min(localDay(cal.zone, y), localDay(cal.zone, x) + MAX_DAYS);
  for (let day = localDay(cal.zone, x); day <= last; day++) {
    for (const [s, e] of workingRanges(cal, day)) {
      const lo = Math.max(s, x);
      const hi = Math.min(e, y);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

// ---- the default calendar -----------------------------------------------------------------------------------------

/** 08:30–17:30, Monday to Friday (the office hours of a heating company's service hall). */
export const DEFAULT_HOURS: SlaWorkingHours[] = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:30', end: '17:30' }));

const range = (from: string, to: string, name: string): SlaCalendarDay[] => {
  const out: SlaCalendarDay[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY) out.push({ date: new Date(t).toISOString().slice(0, 10), name });
  return out;
};

/**
 * China's public holidays of 2026 as the State Council's General Office announced them (国务院办公厅关于2026年部分节假日
 * 安排的通知, 国办发明电〔2025〕7号, November 2025); a test compares them with lunar-javascript's HolidayUtil.
 */
export const CHINA_2026_HOLIDAYS: SlaCalendarDay[] = [
  ...range('2026-01-01', '2026-01-03', '元旦'),
  ...range('2026-02-15', '2026-02-23', '春节'),
  ...range('2026-04-04', '2026-04-06', '清明节'),
  ...range('2026-05-01', '2026-05-05', '劳动节'),
  ...range('2026-06-19', '2026-06-21', '端午节'),
  ...range('2026-09-25', '2026-09-27', '中秋节'),
  ...range('2026-10-01', '2026-10-07', '国庆节'),
];

/** The make-up working days (调休) of 2026: weekend days worked, from the same notice. */
export const CHINA_2026_WORKDAYS: SlaCalendarDay[] = [
  { date: '2026-01-04', name: '元旦调休' },
  { date: '2026-02-14', name: '春节调休' },
  { date: '2026-02-28', name: '春节调休' },
  { date: '2026-05-09', name: '劳动节调休' },
  { date: '2026-09-20', name: '国庆节调休' },
  { date: '2026-10-10', name: '国庆节调休' },
];

export const DEFAULT_CALENDAR: SlaCalendarSpec = {
  timeZone: 'Asia/Shanghai',
  alwaysOpen: false,
  hours: DEFAULT_HOURS,
  holidays: CHINA_2026_HOLIDAYS,
  workdays: CHINA_2026_WORKDAYS,
};

export const ALWAYS_OPEN_CALENDAR: SlaCalendarSpec = { timeZone: 'Asia/Shanghai', alwaysOpen: true, hours: [], holidays: [], workdays: [] };
