import type { DbOrTx } from '../../platform/db/client.js';
import { knownZone, zoneOffsetMs } from '../../platform/time.js';
import { readCompanySettings } from './settings.service.js';

/**
 * The company's clock: its time zone (company settings), and today's date and the hour on its wall clock at `now`.
 * What "today" means for nightly runs, analytics as-of dates and segment counts.
 */
export async function companyClock(db: DbOrTx, now = new Date()): Promise<{ zone: string; today: string; hour: number }> {
  const zone = knownZone((await readCompanySettings(db)).timezone);
  const wall = new Date(now.getTime() + zoneOffsetMs(zone, now));
  return { zone, today: wall.toISOString().slice(0, 10), hour: wall.getUTCHours() };
}
