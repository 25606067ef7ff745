/**
 * Calendar days in a zone (time.ts): the offset is remembered per quarter hour, so it must still change exactly at a
 * zone's transition — a daylight-saving change in New York, a half-hour change on Lord Howe Island — and answer the
 * same as the runtime's own formatting on every quarter hour around it.
 */
import { describe, expect, it } from 'vitest';
import { dayInZone, startOfDay, zoneOffsetMs } from './time.js';

const HOUR = 3_600_000;

/** The offset by formatting the instant itself (what zoneOffsetMs answered before it remembered anything). */
function formatted(zone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at.getTime() / 1000) * 1000;
}

describe('zone offsets', () => {
  it('changes at the transition instant and matches the formatted offset on every minute around it', () => {
    const cases: [string, string][] = [
      ['America/New_York', '2026-03-08T07:00:00Z'], // 02:00 EST → 03:00 EDT
      ['America/New_York', '2026-11-01T06:00:00Z'], // 02:00 EDT → 01:00 EST
      ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], // 02:00 +11 → 01:30 +10:30
      ['Asia/Kolkata', '2026-06-01T00:00:00Z'], // +05:30 all year
      ['Asia/Shanghai', '2026-12-06T16:00:00Z'], // +08:00 all year
    ];
    for (const [zone, iso] of cases) {
      const t = Date.parse(iso);
      for (let m = -90; m <= 90; m += 1) {
        const at = new Date(t + m * 60_000 + 17_000);
        expect(zoneOffsetMs(zone, at), `${zone} ${at.toISOString()}`).toBe(formatted(zone, at));
      }
    }
    expect(zoneOffsetMs('America/New_York', new Date(Date.parse('2026-03-08T07:00:00Z') - 1))).toBe(-5 * HOUR);
    expect(zoneOffsetMs('America/New_York', new Date('2026-03-08T07:00:00Z'))).toBe(-4 * HOUR);
  });

  it('gives the company day and the start of a day', () => {
    expect(dayInZone('Asia/Shanghai', new Date('2026-12-06T15:59:59Z'))).toBe('2026-12-06');
    expect(dayInZone('Asia/Shanghai', new Date('2026-12-06T16:00:00Z'))).toBe('2026-12-07');
    expect(startOfDay('Asia/Shanghai', 2027, 1, 1).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(startOfDay('America/New_York', 2026, 3, 8).toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });
});
