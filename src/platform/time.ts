/**
 * Calendar days in a time zone (the company's, Asia/Shanghai by default): storage is UTC, but "today" is the day on
 * the wall clock of the people using Hearth.
 */

const DEFAULT_ZONE = 'Asia/Shanghai';
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone if the runtime knows it, else Asia/Shanghai. */
export function knownZone(zone: string | null | undefined): string {
  if (!zone) return DEFAULT_ZONE;
  try {
    formatterFor(zone);
    return zone;
  } catch {
    return DEFAULT_ZONE;
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds (+8 h for Asia/Shanghai). */
export function zoneOffsetMs(zone: string, at: Date): number {
  // Remembered per quarter hour (zones change their offset on quarter-hour marks): formatting an instant's parts costs
  // microseconds, and an import asks for the day of every row.
  const key = `${zone}|${Math.floor(at.getTime() / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= 100_000) offsets.clear();
    offset = measuredOffset(zone, new Date(Math.floor(at.getTime() / QUARTER_HOUR) * QUARTER_HOUR));
    offsets.set(key, offset);
  }
  return offset;
}

const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

function measuredOffset(zone: string, at: Date): number {
  const parts = formatterFor(zone).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The zone's calendar day (YYYY-MM-DD) at an instant. */
export function dayInZone(zone: string, at: Date): string {
  return new Date(at.getTime() + zoneOffsetMs(zone, at)).toISOString().slice(0, 10);
}

/** The instant a wall-clock date (y, m 1-12, d) begins in the zone. */
export function startOfDay(zone: string, y: number, m: number, d: number): Date {
  const wall = Date.UTC(y, m - 1, d);
  let at = wall - zoneOffsetMs(zone, new Date(wall));
  // Near an offset change the first guess can be an hour out: correct it with the offset in force then.
  const corrected = wall - zoneOffsetMs(zone, new Date(at));
  if (corrected !== at) at = corrected;
  return new Date(at);
}

/** The start of `now`'s day in the zone. */
export function startOfToday(zone: string, now: Date): Date {
  const wall = new Date(now.getTime() + zoneOffsetMs(zone, now));
  return startOfDay(zone, wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate());
}

/** The start of the day after `now`'s day, in the zone ("end of today"). */
export function startOfTomorrow(zone: string, now: Date): Date {
  const wall = new Date(now.getTime() + zoneOffsetMs(zone, now));
  return startOfDay(zone, wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate() + 1);
}

/**
 * The instants a run of calendar days covers in the zone: from the first day's start to the start of the day after the
 * last (`last` inclusive; either may be left out for an open end). Days are `YYYY-MM-DD`.
 */
export function dayRange(zone: string, first: string | undefined, last: string | undefined): { from?: Date; to?: Date } {
  const at = (day: string, plus: number) => {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return startOfDay(zone, y, m, d + plus);
  };
  return { from: first ? at(first, 0) : undefined, to: last ? at(last, 1) : undefined };
}

/** The same for a closed run of days: both ends known. */
export function daysBetween(zone: string, first: string, last: string): { from: Date; to: Date } {
  return dayRange(zone, first, last) as { from: Date; to: Date };
}
