/**
 * Starting data for the loyalty programme: the heating template's starter rewards (积分商城), created once by their
 * seed keys, and what a back-fill needs to write history at its own moments — enrolment with each member's own join
 * time, and a redemption's or an adjustment's row dated when it happened (the services date the ledger entry by their
 * `now` but the row by the database clock). The demo load (demo/loyalty.ts) plays two heating seasons with them.
 */
import { sql } from 'drizzle-orm';
import type { Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { recordAudit } from '../audit/index.js';
import { earnFor } from './earn.js';
import { lockMembers } from './ledger.js';
import type { LocalText, Programme, RewardKind } from './loyalty.contract.js';
import { newReferralCode } from './members.js';

export type StarterReward = {
  key: string;
  name: LocalText;
  kind: RewardKind;
  pointsCost: number;
  valueFen: number;
  /** Units in stock; null: unlimited. */
  stock: number | null;
  minTier: string | null;
  description: LocalText;
};

/** The heating template's catalogue: service vouchers, heating-fee deductions and gifts (one point is one fen). */
export const HEATING_REWARDS: readonly StarterReward[] = [
  {
    key: 'heating.pipe-check',
    name: { zh: '管道检查券', en: 'Pipe check voucher' },
    kind: 'voucher',
    pointsCost: 1000,
    valueFen: 3000,
    stock: null,
    minTier: null,
    description: { zh: '上门检查户内供暖管道与阀门一次', en: 'One home visit to check the heating pipes and valves' },
  },
  {
    key: 'heating.radiator-flush',
    name: { zh: '暖气片清洗券', en: 'Radiator flushing voucher' },
    kind: 'voucher',
    pointsCost: 2000,
    valueFen: 6000,
    stock: 500,
    minTier: null,
    description: { zh: '暖气片除垢清洗一次（每户一组）', en: 'One descaling of a set of radiators' },
  },
  {
    key: 'heating.fee-20',
    name: { zh: '采暖费抵扣 ¥20', en: 'Heating fee −¥20' },
    kind: 'fee_deduction',
    pointsCost: 2000,
    valueFen: 2000,
    stock: null,
    minTier: null,
    description: { zh: '缴纳采暖费时抵扣 20 元', en: '¥20 off a heating fee payment' },
  },
  {
    key: 'heating.grain-oil',
    name: { zh: '米面油礼包', en: 'Rice, flour and oil gift pack' },
    kind: 'gift',
    pointsCost: 3000,
    valueFen: 6800,
    stock: 300,
    minTier: null,
    description: { zh: '大米 5 kg、面粉 5 kg、食用油 1.8 L，营业厅领取', en: 'Rice 5 kg, flour 5 kg, cooking oil 1.8 L, collected at the service hall' },
  },
  {
    key: 'heating.fee-50',
    name: { zh: '采暖费抵扣 ¥50', en: 'Heating fee −¥50' },
    kind: 'fee_deduction',
    pointsCost: 5000,
    valueFen: 5000,
    stock: null,
    minTier: 'silver',
    description: { zh: '缴纳采暖费时抵扣 50 元（银卡及以上）', en: '¥50 off a heating fee payment (Silver and above)' },
  },
  {
    key: 'heating.electric-heater',
    name: { zh: '电暖器', en: 'Electric heater' },
    kind: 'gift',
    pointsCost: 12000,
    valueFen: 29900,
    stock: 50,
    minTier: 'gold',
    description: { zh: '2000 W 油汀电暖器一台（金卡及以上）', en: 'A 2,000 W oil-filled heater (Gold and above)' },
  },
];

/**
 * Creates the starter rewards that are not there yet (by seed key; a tier the programme lacks is left open to all).
 * Answers every starter reward's id by its key, created now or before.
 */
export async function seedHeatingRewards(db: DbOrTx, actor: Actor, programme: Programme): Promise<Map<string, string>> {
  const tiers = new Set(programme.tiers.map((t) => t.key));
  const rows = HEATING_REWARDS.map((r) => ({
    seed_key: r.key,
    name: r.name,
    kind: r.kind,
    points_cost: r.pointsCost,
    value_fen: r.valueFen,
    stock: r.stock,
    min_tier: r.minTier && tiers.has(r.minTier) ? r.minTier : null,
    description: r.description,
  }));
  const created = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into loyalty_rewards (seed_key, name, kind, points_cost, value_fen, stock, min_tier, description)
      select seed_key, name, kind, points_cost, value_fen, stock, min_tier, description from json_populate_recordset(null::loyalty_rewards, ${JSON.stringify(rows)}::json)
      on conflict (seed_key) do nothing returning id`),
  );
  if (created.length) await recordAudit(db, actor, { action: 'seed', entityType: 'loyalty_reward', entityId: null, changes: { template: 'heating', rewards: created.length } });
  const all = rowsOf<{ id: string; seed_key: string }>(
    await db.execute(sql`select id, seed_key from loyalty_rewards where seed_key = any(${`{${HEATING_REWARDS.map((r) => r.key).join(',')}}`}::text[])`),
  );
  return new Map(all.map((r) => [r.seed_key, r.id]));
}

/**
 * Enrols customers (those not members yet) at the programme's lowest tier, each at its own join time: the member
 * row and its 'join' history row. A referral code that happens to be taken is drawn again. Answers how many joined.
 */
export async function enrolSince(db: DbOrTx, joins: readonly { customerId: string; joinedAt: Date }[], programme: Programme): Promise<number> {
  const tier = programme.tiers[0]!.key;
  let missing = [...new Map(joins.map((j) => [j.customerId, j])).values()];
  let joined = 0;
  for (let attempt = 0; missing.length && attempt < 5; attempt++) {
    const list = (f: (j: (typeof missing)[number]) => string) => `{${missing.map(f).join(',')}}`;
    const rows = rowsOf<{ customer_id: string }>(
      await db.execute(sql`
        with ins as (
          insert into loyalty_members (customer_id, tier, tier_since, joined_at, referral_code)
          select t.id, ${tier}, t.at, t.at, t.code
          from unnest(${list((j) => j.customerId)}::uuid[], ${list((j) => j.joinedAt.toISOString())}::timestamptz[], ${list(() => newReferralCode())}::text[]) as t(id, at, code)
          on conflict do nothing
          returning customer_id, joined_at
        ),
        h as (insert into loyalty_tier_changes (customer_id, from_tier, to_tier, reason, growth, at) select customer_id, null, ${tier}, 'join', 0, joined_at from ins)
        select customer_id from ins`),
    );
    joined += rows.length;
    if (rows.length === missing.length) return joined;
    // Still missing: members already (nothing to do), or a taken referral code (draw again).
    const present = new Set(
      rowsOf<{ customer_id: string }>(await db.execute(sql`select customer_id from loyalty_members where customer_id = any(${list((j) => j.customerId)}::uuid[])`)).map((r) => r.customer_id),
    );
    missing = missing.filter((j) => !present.has(j.customerId));
  }
  if (missing.length) throw new Error(`could not enrol ${missing.length} members`);
  return joined;
}

/** A purchase or payment as `transaction_ledger` has it (what earning reads). */
export type EarnableRow = {
  id: string;
  customer_id: string;
  type: 'purchase' | 'payment' | 'refund';
  amount_fen: string;
  occurred_at: Date | string;
  heating_season: string | null;
  refund_of_id: string | null;
  deleted_at: Date | string | null;
};

/**
 * A back-fill of earning for a set of customers (a customer-id range of a demo or a migration): enrols them at their
 * join times (`enrolSince`), locks them in id order and credits their purchases and payments set-based (`earnFor`:
 * each once, by its dedupe key, dated at the transaction; upgrades as of `now`). Answers the points credited.
 */
export async function backfillEarn(
  db: DbOrTx,
  programme: Programme,
  zone: string,
  input: { joins: readonly { customerId: string; joinedAt: Date }[]; rows: EarnableRow[]; now: Date },
): Promise<number> {
  if (!programme.enabled) return 0;
  await enrolSince(db, input.joins, programme);
  const locked = await lockMembers(db, [...input.joins.map((j) => j.customerId), ...input.rows.map((r) => r.customer_id)]);
  return earnFor(db, programme, zone, input.rows, null, input.now, locked);
}

/**
 * Fresh planner statistics for the ledger's tables. PGlite has no autovacuum: while a back-fill grows the ledger from
 * nothing, the reads by member (growth, balances) would be planned as scans of the whole ledger without them — a cost
 * that grows with every slice. Analysing now and then as it grows (the statistics scale with the table) keeps them
 * index reads. Allowed inside a transaction.
 */
export async function analyzeLedger(db: DbOrTx): Promise<void> {
  for (const table of ['loyalty_members', 'points_entries', 'points_lots', 'loyalty_tier_changes']) await db.execute(sql.raw(`analyze ${table}`));
}

export type MemberStanding = { balance: number; tier: string; status: 'active' | 'left'; referralCode: string; spendable: number };

/** Members' balances, tiers and codes; `spendable`: the balance less the points of lots due by `at` (a debit at `at` expires those first). */
export async function memberStandings(db: DbOrTx, customerIds: readonly string[], at: Date): Promise<Map<string, MemberStanding>> {
  if (!customerIds.length) return new Map();
  const rows = rowsOf<{ customer_id: string; balance: string; tier: string; status: 'active' | 'left'; referral_code: string; due: string }>(
    await db.execute(sql`
      select m.customer_id, m.balance, m.tier, m.status, m.referral_code,
             (select coalesce(sum(l.remaining), 0) from points_lots l where l.customer_id = m.customer_id and l.remaining > 0 and l.expires_at <= ${at.toISOString()}::timestamptz) as due
      from loyalty_members m where m.customer_id = any(${`{${[...new Set(customerIds)].join(',')}}`}::uuid[])`),
  );
  return new Map(
    rows.map((r) => [r.customer_id, { balance: Number(r.balance), tier: r.tier, status: r.status, referralCode: r.referral_code, spendable: Number(r.balance) - Number(r.due) }]),
  );
}

/** Dates a redemption's row (made by `redeemFor` at `at`) at that moment rather than the database clock's. */
export async function dateRedemption(db: DbOrTx, id: string, at: Date): Promise<void> {
  await db.execute(sql`update loyalty_redemptions set created_at = ${at.toISOString()}::timestamptz where id = ${id}`);
}

/** Dates an adjustment's request (made by `adjustPoints` at `at`) at that moment rather than the database clock's. */
export async function dateAdjustment(db: DbOrTx, id: string, at: Date): Promise<void> {
  await db.execute(sql`update loyalty_adjustments set created_at = ${at.toISOString()}::timestamptz where id = ${id}`);
}
