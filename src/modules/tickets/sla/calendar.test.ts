/**
 * SLA arithmetic on business calendars (pure, no database): overnight, weekend, a public holiday, a 调休 Saturday,
 * 24×7, another time zone, pause and resume, reopen, warnings; the 2026 holidays against lunar-javascript.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN_CALENDAR, addBusinessMs, businessMsBetween, CHINA_2026_HOLIDAYS, CHINA_2026_WORKDAYS, compileCalendar, DEFAULT_CALENDAR } from './calendar.js';
import { breachAt, clockView, firstResponse, pauseClock, reopenClock, resolveClock, resumeClock, startClock, type ClockTargets } from './clock.js';

const H = 3_600_000;
const M = 60_000;
const cal = compileCalendar(DEFAULT_CALENDAR);
const always = compileCalendar(ALWAYS_OPEN_CALENDAR);

/** A Beijing wall-clock time ("2026-11-23 16:00") as an instant. */
const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
/** An instant shown on the Beijing wall clock. */
const wall = (d: Date) => new Date(d.getTime() + 8 * H).toISOString().slice(0, 16).replace('T', ' ');

describe('business calendar 08:30–17:30 Mon–Fri with the 2026 holidays', () => {
  it('adds across the night: Monday 16:00 + 2 h is Tuesday 09:00', () => {
    expect(wall(addBusinessMs(cal, bj('2026-11-23 16:00'), 2 * H))).toBe('2026-11-24 09:00');
  });
  it('a target ending with the working day is due at 17:30, not at the next opening', () => {
    expect(wall(addBusinessMs(cal, bj('2026-11-23 08:30'), 9 * H))).toBe('2026-11-23 17:30');
  });
  it('starts counting at the opening when created at night', () => {
    expect(wall(addBusinessMs(cal, bj('2026-11-23 22:15'), 30 * M))).toBe('2026-11-24 09:00');
    expect(wall(addBusinessMs(cal, bj('2026-11-24 06:00'), 30 * M))).toBe('2026-11-24 09:00');
  });
  it('skips the weekend: Friday 17:00 + 1 h is Monday 09:00', () => {
    expect(wall(addBusinessMs(cal, bj('2026-11-27 17:00'), H))).toBe('2026-11-30 09:00');
    expect(businessMsBetween(cal, bj('2026-11-27 17:00'), bj('2026-11-30 09:00'))).toBe(H);
  });
  it('skips a public holiday: 30 September 17:00 + 1 h is 8 October 09:00 (国庆 1–7 October)', () => {
    expect(wall(addBusinessMs(cal, bj('2026-09-30 17:00'), H))).toBe('2026-10-08 09:00');
  });
  it('works a 调休 Saturday: Friday 9 October 17:00 + 1 h is Saturday 10 October 09:00', () => {
    expect(wall(addBusinessMs(cal, bj('2026-10-09 17:00'), H))).toBe('2026-10-10 09:00');
    // An ordinary Saturday is not worked.
    expect(wall(addBusinessMs(cal, bj('2026-10-16 17:00'), H))).toBe('2026-10-19 09:00');
  });
  it('24 business hours from Monday 10:00 end on Wednesday 16:00 (9 working hours a day)', () => {
    expect(wall(addBusinessMs(cal, bj('2026-11-23 10:00'), 24 * H))).toBe('2026-11-25 16:00');
    expect(businessMsBetween(cal, bj('2026-11-23 10:00'), bj('2026-11-25 16:00'))).toBe(24 * H);
  });
  it('business time between is signed and zero outside working hours', () => {
    expect(businessMsBetween(cal, bj('2026-11-25 16:00'), bj('2026-11-23 10:00'))).toBe(-24 * H);
    expect(businessMsBetween(cal, bj('2026-11-28 09:00'), bj('2026-11-29 18:00'))).toBe(0);
  });
  it('a 24×7 calendar counts every minute, holidays included', () => {
    expect(wall(addBusinessMs(always, bj('2026-10-01 10:00'), 24 * H))).toBe('2026-10-02 10:00');
    expect(businessMsBetween(always, bj('2026-10-01 10:00'), bj('2026-10-03 10:00'))).toBe(48 * H);
  });
  it('follows the calendar time zone on the wall clock (Europe/Berlin, across the DST change)', () => {
    const berlin = compileCalendar({ ...DEFAULT_CALENDAR, timeZone: 'Europe/Berlin', holidays: [], workdays: [] });
    // Friday 24 October 2026 17:00 CEST (UTC+2) + 1 h → Monday 26 October 09:00 CET (UTC+1), after the change.
    const due = addBusinessMs(berlin, new Date('2026-10-23T15:00:00Z'), H);
    expect(due.toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });
  it('types in the State Council 2026 schedule exactly as lunar-javascript has it', () => {
    const require = createRequire(import.meta.url);
    const { HolidayUtil } = require('lunar-javascript') as {
      HolidayUtil: { getHolidays(y: number): { getDay(): string; isWork(): boolean }[] };
    };
    const official = HolidayUtil.getHolidays(2026);
    expect(CHINA_2026_HOLIDAYS.map((d) => d.date).sort()).toEqual(official.filter((h) => !h.isWork()).map((h) => h.getDay()).sort());
    expect(CHINA_2026_WORKDAYS.map((d) => d.date).sort()).toEqual(official.filter((h) => h.isWork()).map((h) => h.getDay()).sort());
  });
});

describe('a ticket clock', () => {
  const targets: ClockTargets = { firstResponseMinutes: 4 * 60, resolutionMinutes: 24 * 60, warnAtPercent: 80 };
  const names = { policyName: 'p', calendarName: 'c' };

  it('pauses while waiting on the customer and moves the open due times by the paused business time', () => {
    let c = startClock(cal, targets, bj('2026-11-23 10:00'));
    expect(wall(c.firstResponseDueAt)).toBe('2026-11-23 14:00');
    expect(wall(c.resolutionDueAt)).toBe('2026-11-25 16:00');
    c = firstResponse(c, bj('2026-11-23 11:00'));
    c = pauseClock(c, bj('2026-11-23 15:00'));
    const paused = clockView(cal, c, targets, names, bj('2026-11-26 12:00'));
    expect(paused.state).toBe('paused');
    // Frozen: the time left is what was left when the pause began (Mon 15:00 → Wed 16:00 = 2.5 + 9 + 7.5 h).
    expect(paused.remainingMs).toBe(19 * H);
    // Resumed on Tuesday 10:00: paused 2.5 h (Mon) + 1.5 h (Tue) of business time.
    c = resumeClock(cal, c, bj('2026-11-24 10:00'));
    expect(c.pausedBusinessMs).toBe(4 * H);
    expect(wall(c.resolutionDueAt)).toBe('2026-11-26 11:00');
    // The first response was met: its due time stays.
    expect(wall(c.firstResponseDueAt)).toBe('2026-11-23 14:00');
    expect(clockView(cal, c, targets, names, bj('2026-11-24 10:00')).remainingMs).toBe(19 * H);
  });

  it('a pause spanning 国庆 counts only the working hours on either side of the holiday', () => {
    let c = startClock(cal, targets, bj('2026-09-30 09:00'));
    c = pauseClock(c, bj('2026-09-30 10:00'));
    // Wednesday 10:00–17:30 (7.5 h), 1–7 October off, Thursday 8 October 08:30–10:00 (1.5 h).
    c = resumeClock(cal, c, bj('2026-10-08 10:00'));
    expect(c.pausedBusinessMs).toBe(9 * H);
    // 4 h first response from Wednesday 09:00 was due 13:00; moved by 9 business hours → 8 October 13:00.
    expect(wall(c.firstResponseDueAt)).toBe('2026-10-08 13:00');
  });

  it('a pause over a weekend moves nothing that was not business time', () => {
    let c = startClock(cal, targets, bj('2026-11-27 17:00'));
    c = pauseClock(c, bj('2026-11-27 18:00'));
    c = resumeClock(cal, c, bj('2026-11-30 08:00'));
    expect(c.pausedBusinessMs).toBe(0);
    expect(wall(c.firstResponseDueAt)).toBe('2026-11-30 12:00');
  });

  it('warns in the last 20%, then is breached; met targets stop the clock', () => {
    const c = startClock(cal, targets, bj('2026-11-23 10:00'));
    expect(clockView(cal, c, targets, names, bj('2026-11-23 12:00')).state).toBe('on_track');
    // 48 minutes (20% of 4 h) before the first-response target.
    expect(clockView(cal, c, targets, names, bj('2026-11-23 13:12')).state).toBe('warning');
    const late = clockView(cal, c, targets, names, bj('2026-11-23 16:00'));
    expect(late.state).toBe('breached');
    expect(late.remainingMs).toBe(-2 * H);
    expect(breachAt(c)?.toISOString()).toBe(bj('2026-11-23 14:00').toISOString());
    const done = resolveClock(cal, firstResponse(c, bj('2026-11-23 11:00')), bj('2026-11-24 09:00'));
    expect(clockView(cal, done, targets, names, bj('2026-11-30 09:00'))).toMatchObject({ state: 'met', remainingMs: null });
  });

  it('reopen restarts the resolution target from the reopen time', () => {
    let c = startClock(cal, targets, bj('2026-11-23 10:00'));
    c = firstResponse(c, bj('2026-11-23 11:00'));
    c = resolveClock(cal, c, bj('2026-11-24 09:00'));
    c = reopenClock(cal, c, targets, bj('2026-11-27 15:00'));
    expect(c.resolvedAt).toBeNull();
    // Friday 15:00 + 24 business hours: 2.5 h Fri, 9 h Mon, 9 h Tue, 3.5 h Wed → Wednesday 12:00.
    expect(wall(c.resolutionDueAt)).toBe('2026-12-02 12:00');
    expect(wall(c.firstRespondedAt!)).toBe('2026-11-23 11:00');
    expect(clockView(cal, c, targets, names, bj('2026-11-30 09:00')).state).toBe('on_track');
  });
});
