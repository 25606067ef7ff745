/**
 * Loyalty on the customer timeline (interactions' registry) and in merges of duplicate customers.
 *
 * Timeline: tier changes (入会, 升级, 保级降级, 手动设置) and the points movements a person cares about — redemptions,
 * adjustments, bonuses, expiry, refunds' take-backs — but not every earn (the payment itself is on the timeline
 * already). Ids are the ledger's numbers, shown to the timeline as UUIDs of a fixed pattern (its cursor compares UUIDs).
 *
 * Merge: the merged customer's open lots move to the survivor lot by lot (an adjustment out, one in, each with its
 * original expiry), so the survivor's balance is the sum and FIFO keeps the original expiries; the merged member is
 * marked `left`. Undo takes back from the survivor what remains of those lots (the points: the survivor's FIFO decides
 * which of its lots give them) and gives them back to the merged one with the lots' expiries.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { t, type Locale, type MessageKey } from '../../platform/i18n/index.js';
import type { MergeHook } from '../customers/index.js';
import type { TimelineItem, TimelineQuery, TimelineSource } from '../interactions/index.js';
import { credit, debit, lockMembers } from './ledger.js';
import { newReferralCode } from './members.js';
import { readProgramme } from './programme.js';
import { reasonText, tierName } from './loyalty.service.js';

/** A bigint id as a UUID of a fixed pattern (and back): what the timeline's cursor compares. */
const asUuid = (prefix: string, idColumn: string) => sql.raw(`('${prefix}-0000-4000-8000-' || lpad(to_hex(${idColumn}), 12, '0'))::uuid`);
const sortAt = (col: string) => sql.raw(`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

type Row = { id: string; at: Date | string; sort_at: string };

/** One page of `select` (rows with id, at, sort_at), newest first, before the query's cursor. */
async function page<R extends Row>(db: DbOrTx, q: TimelineQuery, select: SQL): Promise<R[]> {
  return rowsOf<R>(
    await db.execute(sql`
      select * from (${select}) x
      where ${q.before ? sql`(x.at, x.id) < (${q.before.at}::timestamptz, ${q.before.id}::uuid)` : sql`true`}
      order by x.at desc, x.id desc limit ${q.limit}`),
  );
}

export const loyaltyTierTimelineSource: TimelineSource = {
  kind: 'loyalty_tier',
  async events(db: DbOrTx, q: TimelineQuery): Promise<TimelineItem[]> {
    const p = await readProgramme(db);
    const select = sql`select ${asUuid('00000001', 'c.id')} as id, c.at, ${sortAt('c.at')} as sort_at, c.from_tier, c.to_tier, c.reason, c.growth from loyalty_tier_changes c where c.customer_id = ${q.customerId}`;
    const rows = await page<Row & { from_tier: string | null; to_tier: string; reason: string; growth: string }>(db, q, select);
    return rows.map((r) => ({
      kind: 'loyalty_tier',
      id: r.id,
      at: new Date(r.at).toISOString(),
      sortAt: r.sort_at,
      title: t(q.locale, `loyalty.timeline.tier.${r.reason}` as MessageKey, { tier: tierName(p, r.to_tier, q.locale) }),
      summary: r.from_tier ? t(q.locale, 'loyalty.timeline.tier_summary', { from: tierName(p, r.from_tier, q.locale), to: tierName(p, r.to_tier, q.locale), growth: Number(r.growth) }) : '',
      actor: null,
      data: { fromTier: r.from_tier, toTier: r.to_tier, reason: r.reason, growth: Number(r.growth) },
    }));
  },
};

export const loyaltyPointsTimelineSource: TimelineSource = {
  kind: 'loyalty_points',
  async events(db: DbOrTx, q: TimelineQuery): Promise<TimelineItem[]> {
    const select = sql`
      select ${asUuid('00000002', 'e.id')} as id, e.occurred_at as at, ${sortAt('e.occurred_at')} as sort_at, e.kind, e.points, e.balance_after, e.reason, e.reason_params
      from points_entries e where e.customer_id = ${q.customerId} and e.kind <> 'earn'`;
    const rows = await page<Row & { kind: string; points: string; balance_after: string; reason: string; reason_params: Record<string, string | number> | null }>(db, q, select);
    return rows.map((r) => ({
      kind: 'loyalty_points',
      id: r.id,
      at: new Date(r.at).toISOString(),
      sortAt: r.sort_at,
      title: t(q.locale, `loyalty.timeline.points.${r.kind}` as MessageKey, { points: Math.abs(Number(r.points)) }),
      summary: `${reasonText(q.locale as Locale, r.reason, r.reason_params)} · ${t(q.locale, 'loyalty.timeline.balance', { balance: Number(r.balance_after) })}`,
      actor: null,
      data: { kind: r.kind, points: Number(r.points), balance: Number(r.balance_after) },
    }));
  },
};

/** Merging duplicate customers: the merged member's open points move to the survivor, lot by lot (see above). */
export const loyaltyMergeHook: MergeHook = {
  key: 'loyalty',
  async move(db, fromId, toId) {
    const locked = await lockMembers(db, [fromId, toId]);
    if (!locked.has(fromId)) return [];
    if (!locked.has(toId)) {
      await db.execute(sql`
        insert into loyalty_members (customer_id, tier, tier_since, joined_at, referral_code)
        select ${toId}, m.tier, m.tier_since, m.joined_at, ${newReferralCode()} from loyalty_members m where m.customer_id = ${fromId}`);
      for (const [k, v] of await lockMembers(db, [toId])) locked.set(k, v);
    }
    const moved = await transferLots(db, fromId, toId, locked, 'loyalty.reason.merged_out', 'loyalty.reason.merged_in');
    await db.execute(sql`update loyalty_members set status = 'left', updated_at = now() where customer_id = ${fromId}`);
    return moved.map(String);
  },
  async moveBack(db, ids, fromId, toId) {
    if (!ids.length) return;
    const locked = await lockMembers(db, [fromId, toId]);
    const lots = rowsOf<{ entry_id: string; remaining: string; expires_at: Date | string }>(
      await db.execute(sql`select entry_id, remaining, expires_at from points_lots where entry_id = any(${`{${ids.join(',')}}`}::bigint[]) and customer_id = ${fromId} and remaining > 0`),
    );
    const now = new Date();
    for (const l of lots) {
      const points = Number(l.remaining);
      const why = { sourceKind: 'manual' as const, sourceId: toId, createdBy: null, occurredAt: now };
      await debit(db, { ...why, customerId: fromId, kind: 'adjust', points, reason: 'loyalty.reason.unmerged_out' }, now, locked);
      await credit(db, { ...why, customerId: toId, kind: 'adjust', points, reason: 'loyalty.reason.unmerged_in', expiresAt: new Date(l.expires_at) }, now, locked);
    }
    await db.execute(sql`update loyalty_members set status = 'active', updated_at = now() where customer_id = ${toId}`);
  },
};

/** Moves every open lot of `fromId` to `toId` as a pair of adjustments with the lot's expiry; answers the new lots' ids. */
async function transferLots(db: DbOrTx, fromId: string, toId: string, locked: Awaited<ReturnType<typeof lockMembers>>, outReason: string, inReason: string): Promise<number[]> {
  const now = new Date();
  const lots = rowsOf<{ remaining: string; expires_at: Date | string }>(
    await db.execute(sql`select remaining, expires_at from points_lots where customer_id = ${fromId} and remaining > 0 and expires_at > ${now.toISOString()}::timestamptz order by expires_at, entry_id`),
  );
  const made: number[] = [];
  for (const l of lots) {
    const points = Number(l.remaining);
    const why = { sourceKind: 'manual' as const, sourceId: null, createdBy: null, occurredAt: now };
    await debit(db, { ...why, customerId: fromId, kind: 'adjust', points, reason: outReason, sourceId: toId }, now, locked);
    const id = await credit(db, { ...why, customerId: toId, kind: 'adjust', points, reason: inReason, sourceId: fromId, expiresAt: new Date(l.expires_at) }, now, locked);
    if (id !== null) made.push(id);
  }
  return made;
}

/** The composition root's one call: the two timeline sources and the merge hook. */
export function registerLoyaltyHooks(registries: { registerTimelineSource(source: TimelineSource): void; registerMergeHook(hook: MergeHook): void }): void {
  registries.registerTimelineSource(loyaltyTierTimelineSource);
  registries.registerTimelineSource(loyaltyPointsTimelineSource);
  registries.registerMergeHook(loyaltyMergeHook);
}
