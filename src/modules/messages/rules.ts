import { startOfDay, zoneOffsetMs } from '../../platform/time.js';
import type { MessageCategory, MessageChannel } from './messages.contract.js';
import type { MessageSettings } from './settings.js';

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When the quiet hours (start–end on the company's wall clock, e.g. 21:00–08:00, possibly across midnight) that
 * `now` falls into end; null when `now` is outside them or the channel has none.
 */
export function quietUntil(now: Date, channel: MessageChannel, quiet: MessageSettings['quietHours'], zone: string): Date | null {
  if (!quiet.channels.includes(channel)) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const wall = new Date(now.getTime() + zoneOffsetMs(zone, now));
  const minute = wall.getUTCHours() * 60 + wall.getUTCMinutes();
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end;
  if (!inside) return null;
  // The window closes today at `end`, or tomorrow when it began this evening and runs past midnight.
  const day = start > end && minute >= start ? wall.getUTCDate() + 1 : wall.getUTCDate();
  const midnight = startOfDay(zone, wall.getUTCFullYear(), wall.getUTCMonth() + 1, day);
  return new Date(midnight.getTime() + end * 60_000);
}

/** Marketing and care messages count towards the weekly cap; transactional ones (ticket replies, receipts) do not. */
export const countsTowardsCap = (category: MessageCategory) => category !== 'transactional';

export const CAP_WINDOW_MS = 7 * 24 * 3600_000;

/** The wait before attempt `attempts + 1`, after `attempts` failed ones: base × factor^(attempts − 1) minutes. */
export function backoffMs(attempts: number, retry: MessageSettings['retry']): number {
  return Math.round(retry.baseMinutes * Math.pow(retry.factor, Math.max(0, attempts - 1)) * 60_000);
}
