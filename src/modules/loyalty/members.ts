/**
 * Membership rows: enrolment (at the lowest tier, with a referral code) and tier changes with their history. Used by
 * earning (enrolment 'all' makes a customer a member on their first points), the desk's enrolment, referrals and the
 * yearly review.
 */
import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import type { Programme, TierChangeReason } from './loyalty.contract.js';

/** Referral codes: 10 symbols without 0/O/1/I (read aloud and typed on a phone), about 2^50 of them. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const REFERRAL_CODE = /^[2-9A-HJ-NP-Z]{10}$/;

export function newReferralCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

/**
 * Makes the customers members (those who are not yet), at the programme's lowest tier, joined `now`. A referral code
 * that happens to be taken is drawn again. Answers the ids that became members now.
 */
export async function ensureMembers(db: DbOrTx, customerIds: readonly string[], programme: Programme, now: Date, createdBy: string | null = null): Promise<string[]> {
  const asked = [...new Set(customerIds)];
  if (!asked.length) return [];
  // Most of an import's payers are members already: find them with one index read instead of drawing a referral code
  // and attempting an insert for each.
  const members = new Set(
    rowsOf<{ customer_id: string }>(await db.execute(sql`select customer_id from loyalty_members where customer_id = any(${`{${asked.join(',')}}`}::uuid[])`)).map((r) => r.customer_id),
  );
  let missing = asked.filter((id) => !members.has(id));
  const joined: string[] = [];
  const tier = programme.tiers[0]!.key;
  for (let attempt = 0; missing.length && attempt < 5; attempt++) {
    const codes = missing.map(() => newReferralCode());
    const rows = rowsOf<{ customer_id: string }>(
      await db.execute(sql`
        insert into loyalty_members (customer_id, tier, tier_since, joined_at, referral_code)
        select t.id, ${tier}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, t.code
        from unnest(${`{${missing.join(',')}}`}::uuid[], ${`{${codes.join(',')}}`}::text[]) as t(id, code)
        on conflict do nothing
        returning customer_id`),
    );
    joined.push(...rows.map((r) => r.customer_id));
    if (rows.length) {
      await db.execute(sql`
        insert into loyalty_tier_changes (customer_id, from_tier, to_tier, reason, growth, created_by, at)
        select id, null, ${tier}, 'join', 0, ${createdBy}, ${now.toISOString()}::timestamptz from unnest(${`{${rows.map((r) => r.customer_id).join(',')}}`}::uuid[]) as id`);
    }
    // Those still missing: members already (nothing to do), or a taken referral code (draw again). When the insert
    // took every one of them there is nobody to look for (an import's batches usually enrol a few each).
    if (rows.length === missing.length) {
      missing = [];
      break;
    }
    const present = new Set(
      rowsOf<{ customer_id: string }>(await db.execute(sql`select customer_id from loyalty_members where customer_id = any(${`{${missing.join(',')}}`}::uuid[])`)).map((r) => r.customer_id),
    );
    missing = missing.filter((id) => !present.has(id));
  }
  if (missing.length) throw new Error(`could not enrol ${missing.length} members`);
  return joined;
}

/** Moves members to a tier and records why, with the growth value that decided it. */
export async function changeTier(
  db: DbOrTx,
  changes: { customerId: string; from: string; to: string; growth: number }[],
  reason: TierChangeReason,
  now: Date,
  createdBy: string | null = null,
): Promise<void> {
  if (!changes.length) return;
  const col = <K extends keyof (typeof changes)[number]>(k: K) => `{${changes.map((c) => `"${String(c[k])}"`).join(',')}}`;
  await db.execute(sql`
    with t as (select * from unnest(${col('customerId')}::uuid[], ${col('from')}::text[], ${col('to')}::text[], ${col('growth')}::bigint[]) as t(id, from_tier, to_tier, growth)),
    h as (
      insert into loyalty_tier_changes (customer_id, from_tier, to_tier, reason, growth, created_by, at)
      select id, from_tier, to_tier, ${reason}, growth, ${createdBy}, ${now.toISOString()}::timestamptz from t
    )
    update loyalty_members m set tier = t.to_tier, tier_since = ${now.toISOString()}::timestamptz, version = m.version + 1, updated_at = now()
    from t where m.customer_id = t.id`);
}
