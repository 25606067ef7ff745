/**
 * The messages module's home-page tile (issue #17): 消息发送 on the administrator's and the manager's boards — of the
 * messages put in the outbox in the last 7 days (created_at, as the outbox page's dates filter them): how many were
 * sent, how many failed, and how many the rules held back, by the outbox's own reasons: no consent to the channel
 * (suppressed, no_consent), quiet hours (queued, waiting for them to end: quiet_hours) and the weekly cap (suppressed,
 * frequency_cap). Within the actor's data scope, as the outbox lists them (customerAccess on the message's customer).
 *
 * Every figure drills to the outbox page (/admin/outbox), which takes no filter from the address yet.
 */
import { sql } from 'drizzle-orm';
import { rowsOf } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { customerAccess } from '../customers/index.js';
import type { DashboardTileDef, TileContext, TileStat } from '../dashboards/index.js';
import { messages } from './schema.js';

/** The window of the figures, in days. */
export const DELIVERY_DAYS = 7;
const LINK = '/admin/outbox';

type Counts = { sent: number; failed: number; no_consent: number; quiet_hours: number; frequency_cap: number };

async function loadDelivery(ctx: TileContext) {
  const { db, actor, locale } = ctx;
  const since = new Date(ctx.now.getTime() - DELIVERY_DAYS * 24 * 3600_000);
  const [row] = rowsOf<Counts>(
    await db.execute(sql`
      select count(*) filter (where m.status = 'sent')::int as sent,
             count(*) filter (where m.status = 'failed')::int as failed,
             count(*) filter (where m.status = 'suppressed' and m.reason = 'no_consent')::int as no_consent,
             count(*) filter (where m.status = 'queued' and m.reason = 'quiet_hours')::int as quiet_hours,
             count(*) filter (where m.status = 'suppressed' and m.reason = 'frequency_cap')::int as frequency_cap
        from ${messages} m
       where m.created_at >= ${since.toISOString()}::timestamptz and ${customerAccess.filter(actor, sql`m.customer_id`)}`),
  );
  const n = (k: keyof Counts) => Number(row?.[k] ?? 0);
  const stat = (label: string, value: number, tone: TileStat['tone'] = 'default'): TileStat => ({ label, value, unit: 'count', tone, link: LINK });
  return {
    title: t(locale, 'messages.tile.title'),
    description: t(locale, 'messages.tile.description', { days: DELIVERY_DAYS }),
    stats: [
      stat(t(locale, 'messages.tile.sent'), n('sent')),
      stat(t(locale, 'messages.tile.failed'), n('failed'), n('failed') > 0 ? 'danger' : 'default'),
      stat(t(locale, 'messages.tile.no_consent'), n('no_consent')),
      stat(t(locale, 'messages.tile.quiet_hours'), n('quiet_hours')),
      stat(t(locale, 'messages.tile.frequency_cap'), n('frequency_cap')),
    ],
    rows: [],
    chart: null,
    link: LINK,
  };
}

export const messageDashboardTiles: DashboardTileDef[] = [
  { key: 'messages.delivery', boards: ['admin', 'manager'], order: 40, permissions: ['message:manage'], load: loadDelivery },
];
