/**
 * Festival dates: the lunar ones (lunar-javascript, computed) against solarlunar (an independent, table-based package)
 * for every year 2020–2035, and against official dates typed in; the solar ones by rule.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { LUNAR_FESTIVALS } from './care.contract.js';
import { anniversaryIn, festivalDate, LUNAR_DAYS, lunarBirthdaysOn } from './festivals.js';

type SolarLunar = { lunar2solar(y: number, m: number, d: number): { cYear: number; cMonth: number; cDay: number } };
const loaded = createRequire(import.meta.url)('solarlunar') as SolarLunar & { default?: SolarLunar };
const solarlunar = loaded.default ?? loaded;
type LunarJs = {
  Lunar: { fromYmd(y: number, m: number, d: number): { getSolar(): { toYmd(): string } } };
  LunarYear: { fromYear(y: number): { getLeapMonth(): number; getMonths(): { getYear(): number; getMonth(): number; getDayCount(): number }[] } };
};
const { Lunar, LunarYear } = createRequire(import.meta.url)('lunar-javascript') as LunarJs;
/** Days in a lunar month of a lunar year (negative month = the leap month). */
const daysIn = (y: number, m: number) => LunarYear.fromYear(y).getMonths().find((x) => x.getYear() === y && x.getMonth() === m)!.getDayCount();

const pad = (n: number) => String(n).padStart(2, '0');
const reference = (y: number, m: number, d: number) => {
  const r = solarlunar.lunar2solar(y, m, d);
  return `${r.cYear}-${pad(r.cMonth)}-${pad(r.cDay)}`;
};

describe('festival dates', () => {
  it('lunar festivals 2020–2035 match solarlunar', () => {
    for (let year = 2020; year <= 2035; year++) {
      for (const f of LUNAR_FESTIVALS) {
        const [m, d] = LUNAR_DAYS[f];
        expect(festivalDate(f, year), `${f} ${year}`).toBe(reference(year, m, d));
      }
    }
  });

  it('lunar festivals match the official dates', () => {
    const official: Record<string, string[]> = {
      spring: ['2020-01-25', '2021-02-12', '2022-02-01', '2023-01-22', '2024-02-10', '2025-01-29'],
      mid_autumn: ['2020-10-01', '2021-09-21', '2022-09-10', '2023-09-29', '2024-09-17', '2025-10-06'],
      dragon_boat: ['2020-06-25', '2021-06-14', '2022-06-03', '2023-06-22', '2024-06-10', '2025-05-31'],
    };
    for (const [f, dates] of Object.entries(official)) {
      dates.forEach((date, i) => expect(festivalDate(f as 'spring', 2020 + i), `${f} ${2020 + i}`).toBe(date));
    }
    // 春节 2027 and 2030, where Node's ICU Chinese calendar is a day off.
    expect(festivalDate('spring', 2027)).toBe('2027-02-06');
    expect(festivalDate('spring', 2030)).toBe('2030-02-03');
    // A leap fourth month (2020) and a leap second month (2023) do not move 端午 or 元宵.
    expect(festivalDate('lantern', 2023)).toBe('2023-02-05');
    expect(festivalDate('qixi', 2026)).toBe('2026-08-19');
    expect(festivalDate('double_ninth', 2026)).toBe('2026-10-18');
  });

  it('solar festivals: fixed days and n-th Sundays', () => {
    expect(festivalDate('mothers_day', 2026)).toBe('2026-05-10');
    expect(festivalDate('fathers_day', 2026)).toBe('2026-06-21');
    expect(festivalDate('mothers_day', 2025)).toBe('2025-05-11');
    expect(festivalDate('fathers_day', 2025)).toBe('2025-06-15');
    expect(festivalDate('national_day', 2030)).toBe('2030-10-01');
    expect(festivalDate('teachers_day', 2030)).toBe('2030-09-10');
    expect(anniversaryIn(2027, '02-29')).toBe('2027-02-28');
    expect(anniversaryIn(2028, '02-29')).toBe('2028-02-29');
  });

  it('lunar birthdays: the 30th falls on the 29th of a 29-day month; days of a leap month greet nobody', () => {
    // 2026: the eighth month has 29 days, the sixth 30; the twelfth has 29 and ends in 2027 (still lunar year 2026).
    expect([daysIn(2026, 6), daysIn(2026, 8), daysIn(2026, 12)]).toEqual([30, 29, 29]);
    const on = (m: number, d: number) => lunarBirthdaysOn(Lunar.fromYmd(2026, m, d).getSolar().toYmd());
    expect(on(8, 28)).toEqual({ year: 2026, keys: ['8-28'] });
    expect(on(8, 29)).toEqual({ year: 2026, keys: ['8-29', '8-30'] });
    expect(on(6, 29)).toEqual({ year: 2026, keys: ['6-29'] });
    expect(on(6, 30)).toEqual({ year: 2026, keys: ['6-30'] });
    expect(Lunar.fromYmd(2026, 12, 29).getSolar().toYmd()).toMatch(/^2027-/);
    expect(on(12, 29)).toEqual({ year: 2026, keys: ['12-29', '12-30'] });
    // 2025 has a leap sixth month (闰六月, 29 days) after an ordinary sixth month of 30 days.
    expect(LunarYear.fromYear(2025).getLeapMonth()).toBe(6);
    expect([daysIn(2025, 6), daysIn(2025, -6)]).toEqual([30, 29]);
    const leapDay = (d: number) => Lunar.fromYmd(2025, -6, d).getSolar().toYmd();
    expect(lunarBirthdaysOn(leapDay(1))).toBeNull();
    expect(lunarBirthdaysOn(leapDay(29))).toBeNull();
    // The ordinary sixth month's 30th is the day before 闰六月初一.
    expect(lunarBirthdaysOn(Lunar.fromYmd(2025, 6, 30).getSolar().toYmd())).toEqual({ year: 2025, keys: ['6-30'] });
  });
});
