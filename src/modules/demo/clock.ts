/**
 * The demo history's clock: time units, Beijing's offset and the heating seasons of Harbin, shared by the scripts
 * (activity.ts, content.ts, desk.ts, loyalty.ts, outreach.ts).
 */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Beijing time is UTC+8. */
export const LOCAL = 8 * HOUR;
/** The heating season of Harbin: 20 October to 20 April. */
export const SEASON_START = { month: 9, day: 20 };

/** Start (UTC) of the last two heating seasons that began before the horizon, oldest first. */
export function seasonStarts(horizon: number): [number, number] {
  const y = new Date(horizon + LOCAL).getUTCFullYear();
  const start = (year: number) => Date.UTC(year, SEASON_START.month, SEASON_START.day) - LOCAL;
  const last = start(y) < horizon ? y : y - 1;
  return [start(last - 1), start(last)];
}
