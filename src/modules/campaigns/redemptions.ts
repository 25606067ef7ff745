/**
 * Coupon redemptions: through `POST /campaigns/{id}/redemptions`, or a transaction that carries the code (the
 * transactions module's code hook: the form, the API and the import column). The code's row is locked and its use
 * count raised by one update that checks the limit, so concurrent redemptions of one code never exceed it; a shared
 * code's per-customer limit is counted under the same lock. Unknown, expired, not-yet-valid, used-up and cancelled
 * codes answer a 4xx naming the field, in the caller's language.
 */
import { sql } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { isUniqueViolation, rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/cursor.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerDirectory, customerInScope } from '../customers/index.js';
import { companyClock } from '../settings/index.js';
import type { TransactionCodeHandler } from '../transactions/index.js';
import type { CouponView, RedemptionPage, RedemptionSource, RedemptionView } from './campaigns.contract.js';
import type { RedeemInput } from './campaigns.types.js';
import { normalizeCode, validSharedCode } from './codes.js';
import { campaignOffers, campaigns, couponCodes, couponRedemptions } from './schema.js';

/** A shared code in use by another campaign's offer (or by any issued code). */
export async function sharedCodeTaken(db: DbOrTx, code: string, exceptCampaignId: string | null): Promise<boolean> {
  const rows = rowsOf<{ n: number }>(
    await db.execute(sql`
      select (select count(*) from ${couponCodes} where code = ${code} ${exceptCampaignId ? sql`and campaign_id <> ${exceptCampaignId}` : sql``})
           + (select count(*) from ${campaignOffers} o join ${campaigns} c on c.id = o.campaign_id
              where o.shared_code = ${code} and c.deleted_at is null ${exceptCampaignId ? sql`and o.campaign_id <> ${exceptCampaignId}` : sql``})
           as n`),
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

type CodeRow = {
  code_id: string;
  code: string;
  code_customer: string | null;
  max_uses: number | null;
  uses: number;
  offer_id: string;
  kind: string;
  threshold_fen: number | null;
  discount_fen: number | null;
  percent_off_bp: number | null;
  valid_from: string | null;
  valid_to: string | null;
  per_customer_limit: number;
  campaign_id: string;
  status: string;
};

/** Which request field each kind of problem names: the redemption API's own, or the transaction's `couponCode`. */
type Fields = { code: string; customer: string; order: string };
const API_FIELDS: Fields = { code: 'code', customer: 'customerId', order: 'orderFen' };
const TRANSACTION_FIELDS: Fields = { code: 'couponCode', customer: 'couponCode', order: 'couponCode' };

export type RedeemOptions = { source: RedemptionSource; campaignId?: string; transactionId?: string | null; fields?: Fields };

export async function redeem(db: DbOrTx, actor: Actor | null, input: RedeemInput, opts: RedeemOptions): Promise<RedemptionView> {
  requireAccess(actor, 'transaction:write');
  const f = opts.fields ?? API_FIELDS;
  const code = normalizeCode(input.code) ?? validSharedCode(input.code);
  if (!code) throw AppError.field(f.code, 'campaigns.code_unknown', { value: input.code.slice(0, 40) });
  // Locked until commit: every redemption of this code waits for the one before it.
  const [row] = rowsOf<CodeRow>(
    await db.execute(sql`
      select cc.id as code_id, cc.code, cc.customer_id as code_customer, cc.max_uses, cc.uses,
             o.id as offer_id, o.kind, o.threshold_fen, o.discount_fen, o.percent_off_bp, o.valid_from::text, o.valid_to::text, o.per_customer_limit,
             c.id as campaign_id, c.status
      from ${couponCodes} cc
      join ${campaignOffers} o on o.id = cc.offer_id
      join ${campaigns} c on c.id = cc.campaign_id
      where cc.code = ${code}
      for update of cc`),
  );
  if (!row || (opts.campaignId && row.campaign_id !== opts.campaignId)) throw AppError.field(f.code, 'campaigns.code_unknown', { value: code });
  if (row.status === 'cancelled') throw AppError.field(f.code, 'campaigns.code_inactive', { value: code });
  const at = input.redeemedAt ? new Date(input.redeemedAt) : new Date();
  const today = (await companyClock(db, at)).today;
  if (row.valid_from && today < row.valid_from) throw AppError.field(f.code, 'campaigns.code_not_yet_valid', { value: code, date: row.valid_from });
  if (row.valid_to && today > row.valid_to) throw AppError.field(f.code, 'campaigns.code_expired', { value: code, date: row.valid_to });

  let customerId: string;
  if (row.code_customer) {
    if (input.customerId && input.customerId !== row.code_customer) throw AppError.field(f.customer, 'campaigns.code_other_customer', { value: code });
    customerId = row.code_customer;
  } else {
    if (!input.customerId) throw AppError.field(f.customer, 'campaigns.customer_required');
    customerId = input.customerId;
  }
  await customerInScope(db, actor, customerId, { forWrite: true });
  if (!row.code_customer) {
    const [mine] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${couponRedemptions} where code_id = ${row.code_id} and customer_id = ${customerId}`));
    if ((mine?.n ?? 0) >= row.per_customer_limit) throw AppError.conflict('campaigns.code_used_up', { value: code, limit: row.per_customer_limit }, f.code);
  }
  if (row.kind === 'threshold' && input.orderFen !== undefined && input.orderFen < Number(row.threshold_fen)) {
    throw AppError.field(f.order, 'campaigns.below_threshold', { threshold: Number(row.threshold_fen) / 100 });
  }
  const used = rowsOf<{ uses: number }>(
    await db.execute(sql`update ${couponCodes} set uses = uses + 1 where id = ${row.code_id} and (max_uses is null or uses < max_uses) returning uses`),
  );
  if (!used.length) throw AppError.conflict('campaigns.code_used_up', { value: code, limit: row.max_uses ?? 0 }, f.code);

  const discountFen =
    row.kind === 'threshold' ? Number(row.discount_fen ?? 0) : row.kind === 'percent' && input.orderFen !== undefined ? Math.round((input.orderFen * (row.percent_off_bp ?? 0)) / 10000) : 0;
  let id: string;
  try {
    const [ins] = await db
      .insert(couponRedemptions)
      .values({
        codeId: row.code_id,
        campaignId: row.campaign_id,
        offerId: row.offer_id,
        customerId,
        transactionId: opts.transactionId ?? null,
        orderFen: input.orderFen ?? null,
        discountFen,
        source: opts.source,
        redeemedBy: actor.userId,
        redeemedAt: at,
      })
      .returning({ id: couponRedemptions.id });
    id = ins!.id;
  } catch (err) {
    if (isUniqueViolation(err, 'coupon_redemptions_transaction_unique')) throw AppError.conflict('campaigns.code_used_up', { value: code, limit: 1 }, f.code);
    throw err;
  }
  await recordAudit(db, actor, { action: 'coupon_redeem', entityType: 'customer', entityId: customerId, changes: { campaignId: row.campaign_id, code, source: opts.source, transactionId: opts.transactionId ?? null, discountFen } });
  const { sortAt: _s, ...view } = (await redemptionsWhere(db, sql`r.id = ${id}`, 1))[0]!;
  return view;
}

/** The transactions module's code hook: a purchase carrying a code redeems it in the purchase's own transaction. */
export const transactionCodeHandler: TransactionCodeHandler = async (tx, actor, ev) => {
  await redeem(
    tx,
    actor,
    { code: ev.code, customerId: ev.customerId, orderFen: ev.amountFen, redeemedAt: ev.occurredAt.toISOString() },
    { source: ev.source === 'import' ? 'import' : 'transaction', transactionId: ev.transactionId, fields: TRANSACTION_FIELDS },
  );
};

async function redemptionsWhere(db: DbOrTx, where: ReturnType<typeof sql>, limit: number): Promise<(RedemptionView & { sortAt: string })[]> {
  const rows = rowsOf<{
    id: string;
    campaign_id: string;
    offer_id: string;
    code: string;
    customer_id: string;
    customer_name: string;
    transaction_id: string | null;
    order_fen: string | number | null;
    discount_fen: string | number;
    source: RedemptionSource;
    redeemed_at: string | Date;
    sort_at: string;
  }>(
    await db.execute(sql`
      select r.id, r.campaign_id, r.offer_id, cc.code, r.customer_id, cu.name as customer_name, r.transaction_id, r.order_fen, r.discount_fen,
             r.source, r.redeemed_at, to_char(r.redeemed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_at
      from ${couponRedemptions} r
      join ${couponCodes} cc on cc.id = r.code_id
      join ${customerDirectory} cu on cu.id = r.customer_id
      where ${where}
      order by r.redeemed_at desc, r.id desc
      limit ${limit}`),
  );
  return rows.map((r) => ({
    id: r.id,
    campaignId: r.campaign_id,
    offerId: r.offer_id,
    code: r.code,
    customerId: r.customer_id,
    customerName: r.customer_name,
    transactionId: r.transaction_id,
    orderFen: r.order_fen === null ? null : Number(r.order_fen),
    discountFen: Number(r.discount_fen),
    source: r.source,
    redeemedAt: new Date(r.redeemed_at).toISOString(),
    sortAt: r.sort_at,
  }));
}

/** A campaign's redemptions, newest first, of customers within the caller's data scope. */
export async function listRedemptions(db: DbOrTx, actor: Actor | null, campaignId: string, q: { cursor?: string; limit: number }): Promise<RedemptionPage> {
  requireAccess(actor, 'campaign:read');
  const [campaign] = await db.select({ id: campaigns.id }).from(campaigns).where(sql`${campaigns.id} = ${campaignId} and ${campaigns.deletedAt} is null`);
  if (!campaign) throw AppError.notFound('campaigns.not_found');
  const after = q.cursor ? decodeCursor(q.cursor, 'timestamp') : undefined;
  const where = sql`r.campaign_id = ${campaignId} and ${customerAccess.where(actor, 'cu')}
    ${after ? sql`and (r.redeemed_at, r.id) < (${after.value}::timestamptz, ${after.id}::uuid)` : sql``}`;
  const rows = await redemptionsWhere(db, where, q.limit + 1);
  const shown = rows.slice(0, q.limit);
  const last = shown[shown.length - 1];
  return { items: shown.map(({ sortAt: _s, ...r }) => r), nextCursor: rows.length > q.limit && last ? encodeCursor(last.sortAt, last.id) : null };
}

/** The coupons a customer holds (unique codes issued to them), for the customer page. */
export async function customerCoupons(db: DbOrTx, actor: Actor | null, customerId: string): Promise<CouponView[]> {
  requireAccess(actor, 'customer:read');
  await customerInScope(db, actor, customerId);
  const rows = rowsOf<{ code: string; campaign_id: string; campaign_name: string; offer_name: string; valid_to: string | null; uses: number; max_uses: number | null }>(
    await db.execute(sql`
      select cc.code, c.id as campaign_id, c.name as campaign_name, o.name as offer_name, o.valid_to::text, cc.uses, cc.max_uses
      from ${couponCodes} cc join ${campaignOffers} o on o.id = cc.offer_id join ${campaigns} c on c.id = cc.campaign_id
      where cc.customer_id = ${customerId} and c.status in ('running', 'ended')
      order by cc.created_at desc limit 50`),
  );
  return rows.map((r) => ({ code: r.code, campaignId: r.campaign_id, campaignName: r.campaign_name, offerName: r.offer_name, validTo: r.valid_to, uses: r.uses, maxUses: r.max_uses ?? 0 }));
}
