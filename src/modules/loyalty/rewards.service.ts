/**
 * 积分商城: the rewards catalogue (gifts, service vouchers, fee deductions; stock, a minimum tier) and redemption — at
 * the desk (loyalty:write) or by the member on their own page (public.routes.ts, through `redeemFor`). A redemption takes the points (FIFO,
 * ledger.debit) and one unit of stock per item in the same transaction; the stock row is locked, so two redemptions
 * of the last unit cannot both succeed. A fee deduction may name the bill it was spent on: a refund of that bill gives
 * the points back (earn.ts). Cancelling a redemption gives its points back and returns the stock.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import type { Locale } from '../../platform/i18n/index.js';
import { dayRange } from '../../platform/time.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerInScope } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import { transactionRef } from '../transactions/index.js';
import { debit, lockMembers, settle } from './ledger.js';
import type { RedemptionChannel, RedemptionView, RewardView } from './loyalty.contract.js';
import type { RedeemInput, RedemptionListQuery, RewardInput } from './loyalty.types.js';
import { tierName } from './loyalty.service.js';
import { expiryOf, readProgramme, tierRank } from './programme.js';
import { iso, n } from './rows.js';


type RewardRow = {
  id: string;
  name: RewardView['name'];
  kind: RewardView['kind'];
  points_cost: string;
  value_fen: string;
  stock: number | null;
  min_tier: string | null;
  description: RewardView['description'];
  active: boolean;
  redeemed: string;
  created_at: Date | string;
};

const rewardView = (r: RewardRow): RewardView => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  pointsCost: n(r.points_cost),
  valueFen: n(r.value_fen),
  stock: r.stock,
  minTier: r.min_tier,
  description: r.description,
  active: r.active,
  redeemedCount: n(r.redeemed),
  createdAt: iso(r.created_at),
});

const rewardSelect = sql`
  select w.*, (select coalesce(sum(x.quantity), 0) from loyalty_redemptions x where x.reward_id = w.id and x.status = 'done') as redeemed
  from loyalty_rewards w`;

/** The catalogue: live rewards (`active` only for members), cheapest first. */
export async function rewardsCatalogue(db: DbOrTx, opts: { activeOnly: boolean }): Promise<RewardView[]> {
  const rows = rowsOf<RewardRow>(await db.execute(sql`${rewardSelect} where w.deleted_at is null ${opts.activeOnly ? sql`and w.active` : sql``} order by w.points_cost, w.created_at`));
  return rows.map(rewardView);
}

export async function listRewards(db: DbOrTx, actor: Actor | null): Promise<{ items: RewardView[] }> {
  requireAccess(actor, 'loyalty:read');
  return { items: await rewardsCatalogue(db, { activeOnly: false }) };
}

async function rewardById(db: DbOrTx, id: string, lock = false): Promise<RewardRow> {
  const [row] = rowsOf<RewardRow>(await db.execute(sql`${rewardSelect} where w.id = ${id} and w.deleted_at is null ${lock ? sql`for update of w` : sql``}`));
  if (!row) throw AppError.notFound('loyalty.reward_not_found');
  return row;
}

async function checkTier(db: DbOrTx, minTier: string | null): Promise<void> {
  if (minTier && !(await readProgramme(db)).tiers.some((t) => t.key === minTier)) throw AppError.field('minTier', 'loyalty.tier_unknown', { tier: minTier });
}

export async function createReward(db: DbOrTx, actor: Actor | null, input: RewardInput): Promise<RewardView> {
  requireAccess(actor, 'loyalty:manage');
  await checkTier(db, input.minTier ?? null);
  const [row] = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into loyalty_rewards (name, kind, points_cost, value_fen, stock, min_tier, description, active)
      values (${JSON.stringify(input.name)}::jsonb, ${input.kind}, ${input.pointsCost}, ${input.valueFen}, ${input.stock ?? null}, ${input.minTier ?? null}, ${JSON.stringify(input.description)}::jsonb, ${input.active})
      returning id`),
  );
  await recordAudit(db, actor, { action: 'loyalty_reward_create', entityType: 'loyalty_reward', entityId: row!.id, changes: { name: input.name.zh, pointsCost: input.pointsCost } });
  return rewardView(await rewardById(db, row!.id));
}

export async function updateReward(db: DbOrTx, actor: Actor | null, id: string, input: RewardInput): Promise<RewardView> {
  requireAccess(actor, 'loyalty:manage');
  await rewardById(db, id, true);
  await checkTier(db, input.minTier ?? null);
  await db.execute(sql`
    update loyalty_rewards set name = ${JSON.stringify(input.name)}::jsonb, kind = ${input.kind}, points_cost = ${input.pointsCost}, value_fen = ${input.valueFen},
      stock = ${input.stock ?? null}, min_tier = ${input.minTier ?? null}, description = ${JSON.stringify(input.description)}::jsonb, active = ${input.active}, updated_at = now()
    where id = ${id}`);
  await recordAudit(db, actor, { action: 'loyalty_reward_update', entityType: 'loyalty_reward', entityId: id, changes: { name: input.name.zh, pointsCost: input.pointsCost, stock: input.stock ?? null } });
  return rewardView(await rewardById(db, id));
}

export async function deleteReward(db: DbOrTx, actor: Actor | null, id: string): Promise<void> {
  requireAccess(actor, 'loyalty:manage');
  await rewardById(db, id, true);
  await db.execute(sql`update loyalty_rewards set deleted_at = now(), active = false where id = ${id}`);
  await recordAudit(db, actor, { action: 'delete', entityType: 'loyalty_reward', entityId: id });
}

// ---- redemption --------------------------------------------------------------------------------------------------

/**
 * Redeems `quantity` of a reward for a member: the reward must be active, in stock and open to the member's tier;
 * the points must be there (409 otherwise). One transaction: stock, the redeem entry, the redemption row.
 */
export async function redeemFor(
  db: DbOrTx,
  customerId: string,
  input: RedeemInput,
  by: { channel: RedemptionChannel; userId: string | null; locale: Locale },
  now: Date,
): Promise<RedemptionView> {
  const reward = await rewardById(db, input.rewardId, true);
  if (!reward.active) throw AppError.field('rewardId', 'loyalty.reward_inactive');
  if (reward.stock !== null && reward.stock < input.quantity) throw AppError.conflict('loyalty.reward_out_of_stock', { stock: reward.stock }, 'quantity');
  const locked = await lockMembers(db, [customerId]);
  if (!locked.size) throw AppError.notFound('loyalty.member_not_found');
  if (reward.min_tier) {
    const p = await readProgramme(db);
    const [m] = rowsOf<{ tier: string }>(await db.execute(sql`select tier from loyalty_members where customer_id = ${customerId}`));
    if (tierRank(p, m!.tier) < tierRank(p, reward.min_tier)) throw AppError.conflict('loyalty.reward_tier', { tier: tierName(p, reward.min_tier, by.locale) }, 'rewardId');
  }
  if (input.transactionId) {
    const ref = await transactionRef(db, input.transactionId);
    if (!ref || ref.deletedAt || ref.customerId !== customerId || reward.kind !== 'fee_deduction') throw AppError.field('transactionId', 'loyalty.redeem_transaction_invalid');
  }
  const points = n(reward.points_cost) * input.quantity;
  const redemptionId = randomUUID();
  const entryId = await debit(
    db,
    {
      customerId,
      kind: 'redeem',
      points,
      reason: 'loyalty.reason.redeem',
      reasonParams: { reward: reward.name.zh, rewardEn: reward.name.en, quantity: input.quantity },
      sourceKind: 'redemption',
      sourceId: redemptionId,
      createdBy: by.userId,
      occurredAt: now,
    },
    now,
    locked,
  );
  if (reward.stock !== null) await db.execute(sql`update loyalty_rewards set stock = stock - ${input.quantity}, updated_at = now() where id = ${reward.id}`);
  await db.execute(sql`
    insert into loyalty_redemptions (id, customer_id, reward_id, quantity, points, entry_id, channel, transaction_id, created_by)
    values (${redemptionId}, ${customerId}, ${reward.id}, ${input.quantity}, ${points}, ${entryId}, ${by.channel}, ${input.transactionId ?? null}, ${by.userId})`);
  return redemptionById(db, redemptionId, by.locale);
}

export async function redeemAtDesk(db: DbOrTx, actor: Actor | null, customerId: string, input: RedeemInput, now = new Date()): Promise<RedemptionView> {
  requireAccess(actor, 'loyalty:write');
  await customerInScope(db, actor, customerId, { forWrite: true });
  const made = await redeemFor(db, customerId, input, { channel: 'desk', userId: actor.userId, locale: actor.locale }, now);
  await recordAudit(db, actor, { action: 'loyalty_redeem', entityType: 'customer', entityId: customerId, changes: { redemptionId: made.id, rewardId: made.rewardId, points: made.points } });
  return made;
}

/** Cancels a redemption (the gift was not handed over): its points come back, its stock returns. Once. */
export async function cancelRedemption(db: DbOrTx, actor: Actor | null, id: string, now = new Date()): Promise<RedemptionView> {
  requireAccess(actor, 'loyalty:write');
  const [r] = rowsOf<{ customer_id: string; status: string; entry_id: string; reward_id: string; quantity: number }>(
    await db.execute(sql`select customer_id, status, entry_id, reward_id, quantity from loyalty_redemptions where id = ${id} for update`),
  );
  if (!r) throw AppError.notFound('loyalty.redemption_not_found');
  await customerInScope(db, actor, r.customer_id, { forWrite: true });
  if (r.status !== 'done') throw AppError.conflict('loyalty.redemption_cancelled');
  // The reward first, then the member: the order redeemFor takes them in (two writers never wait on each other crosswise).
  await db.execute(sql`select id from loyalty_rewards where id = ${r.reward_id} for update`);
  const p = await readProgramme(db);
  const { zone, today } = await companyClock(db, now);
  const locked = await lockMembers(db, [r.customer_id]);
  const why = { reason: 'loyalty.reason.redeem_cancelled', sourceKind: 'redemption' as const, sourceId: id, createdBy: actor.userId };
  await settle(db, { id: n(r.entry_id), customerId: r.customer_id, giveBackExpiresAt: expiryOf(p, zone, today) }, 0, why, now, locked);
  await db.execute(sql`update loyalty_redemptions set status = 'cancelled', cancelled_at = ${now.toISOString()}::timestamptz where id = ${id}`);
  await db.execute(sql`update loyalty_rewards set stock = stock + ${r.quantity} where id = ${r.reward_id} and stock is not null`);
  await recordAudit(db, actor, { action: 'loyalty_redeem_cancel', entityType: 'customer', entityId: r.customer_id, changes: { redemptionId: id } });
  return redemptionById(db, id, actor.locale);
}

type RedemptionRow = {
  id: string;
  customer_id: string;
  customer_name: string;
  reward_id: string;
  reward_name: RewardView['name'];
  quantity: number;
  points: string;
  channel: RedemptionChannel;
  transaction_id: string | null;
  status: 'done' | 'cancelled';
  created_at: Date | string;
  created_by_name: string | null;
};

const redemptionSelect = sql`
  select r.id, r.customer_id, c.name as customer_name, r.reward_id, w.name as reward_name, r.quantity, r.points, r.channel, r.transaction_id, r.status, r.created_at, u.display_name as created_by_name
  from loyalty_redemptions r join customer_directory c on c.id = r.customer_id join loyalty_rewards w on w.id = r.reward_id left join user_directory u on u.id = r.created_by`;

const redemptionView = (locale: Locale) => (r: RedemptionRow): RedemptionView => ({
  id: r.id,
  customerId: r.customer_id,
  customerName: r.customer_name,
  rewardId: r.reward_id,
  rewardName: locale === 'en' && r.reward_name.en ? r.reward_name.en : r.reward_name.zh,
  quantity: r.quantity,
  points: n(r.points),
  channel: r.channel,
  transactionId: r.transaction_id,
  status: r.status,
  createdAt: iso(r.created_at),
  createdByName: r.created_by_name,
});

async function redemptionById(db: DbOrTx, id: string, locale: Locale): Promise<RedemptionView> {
  const [row] = rowsOf<RedemptionRow>(await db.execute(sql`${redemptionSelect} where r.id = ${id}`));
  return redemptionView(locale)(row!);
}

/**
 * Redemptions, newest first (keyset), of one member or of everyone the user sees; `from`/`to`: redeemed on those
 * company days (both inclusive, the company's time zone).
 */
export async function listRedemptions(db: DbOrTx, actor: Actor | null, q: RedemptionListQuery): Promise<{ items: RedemptionView[]; nextCursor: string | null }> {
  requireAccess(actor, 'loyalty:read');
  if (q.from && q.to && q.to < q.from) throw AppError.field('to', 'validation.invalid', { field: 'to' });
  if (q.customerId) await customerInScope(db, actor, q.customerId);
  const days: { from?: Date; to?: Date } = q.from || q.to ? dayRange((await companyClock(db)).zone, q.from, q.to) : {};
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : null;
  const rows = rowsOf<RedemptionRow & { sort: string }>(
    await db.execute(sql`
      select * from (${redemptionSelect}) x, lateral (select x.created_at::text as sort) s
      where ${customerAccess.filter(actor, sql`x.customer_id`)} ${q.customerId ? sql`and x.customer_id = ${q.customerId}` : sql``}
      ${days.from ? sql`and x.created_at >= ${days.from.toISOString()}::timestamptz` : sql``}
      ${days.to ? sql`and x.created_at < ${days.to.toISOString()}::timestamptz` : sql``}
      ${after ? sql`and (x.created_at, x.id) < (${after.value}::timestamptz, ${after.id}::uuid)` : sql``}
      order by x.created_at desc, x.id desc limit ${q.limit + 1}`),
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(redemptionView(actor.locale)), nextCursor: rows.length > q.limit && last ? encodeCursor(last.sort, last.id) : null };
}
