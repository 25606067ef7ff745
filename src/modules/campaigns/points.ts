/**
 * Points multipliers (offer kind `points_multiplier`) for the loyalty module: a treated member of a campaign earns its
 * multiplier on what they buy or pay while the campaign runs (from its launch to its end). Of several campaigns the
 * highest multiplier counts, once.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';

/** For each (customer, time) asked, the multiplier ×100 that applies (absent: none). Keys are `${customerId}@${iso}`. */
export async function campaignPointsMultipliers(db: DbOrTx, asks: { customerId: string; at: Date }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!asks.length) return out;
  // Most of the time no campaign offers points: one cheap look before joining every ask.
  const [any] = rowsOf<{ one: number }>(
    await db.execute(sql`
      select 1 as one from campaign_offers o join campaigns c on c.id = o.campaign_id
      where o.kind = 'points_multiplier' and c.deleted_at is null and c.status in ('running', 'ended') limit 1`),
  );
  if (!any) return out;
  const ids = `{${asks.map((a) => a.customerId).join(',')}}`;
  const ats = `{${asks.map((a) => a.at.toISOString()).join(',')}}`;
  const rows = rowsOf<{ customer_id: string; at: string; m: number }>(
    await db.execute(sql`
      select a.customer_id, to_char(a.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, max(o.multiplier_x100)::int as m
      from unnest(${ids}::uuid[], ${ats}::timestamptz[]) as a(customer_id, at)
      join campaign_members cm on cm.customer_id = a.customer_id and cm.grp = 'treated'
      join campaigns c on c.id = cm.campaign_id and c.deleted_at is null and c.status in ('running', 'ended')
        and c.launched_at <= a.at and (c.ends_at is null or a.at < c.ends_at)
      join campaign_offers o on o.campaign_id = c.id and o.kind = 'points_multiplier' and o.multiplier_x100 > 100
      group by a.customer_id, a.at`),
  );
  for (const r of rows) out.set(`${r.customer_id}@${r.at}`, r.m);
  return out;
}
