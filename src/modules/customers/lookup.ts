/**
 * Finding the household behind a phone number or a written address (exported through index.ts): the public report
 * form's match (tickets) and the candidates an agent is offered for an unlinked ticket. No access check here: the
 * caller decides what it may show (a ticket's candidates keep to the agent's data scope).
 *
 * - By phone: the live customers holding the number, normalised to E.164 as every stored phone is (platform/phone.ts),
 *   through the GIN index on `phones`.
 * - By address: the compound (小区) is found as a part of the text (every substring of the text's first 60 characters
 *   compared with `compound`, an index lookup), then the numbers written after it are read in order as building,
 *   unit and room (「幸福小区3号楼2单元501」, 「幸福小区 3-2-501」, 「幸福小区3栋2门501室」); the building must match,
 *   and households whose unit and room match too come first — when the flat itself is found (its room matches), only
 *   the households matching as well as it does. Without a compound and a building there are no candidates (a compound
 *   alone is hundreds of households).
 */
import { and, arrayContains, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { normalizePhone } from '../../platform/phone.js';
import type { Address } from './customers.contract.js';
import { customerContacts, customers } from './schema.js';

export type CustomerMatch = {
  id: string;
  name: string;
  phones: string[];
  ownerId: string | null;
  teamId: string | null;
  address: Address;
};

const columns = {
  id: customers.id,
  name: customers.name,
  phones: customers.phones,
  ownerId: customers.ownerId,
  teamId: customers.teamId,
  province: customers.province,
  city: customers.city,
  district: customers.district,
  street: customers.street,
  compound: customers.compound,
  building: customers.building,
  unit: customers.unit,
  room: customers.room,
};

type Row = { id: string; name: string; phones: string[]; ownerId: string | null; teamId: string | null } & Address;

function matchOf({ id, name, phones, ownerId, teamId, ...address }: Row): CustomerMatch {
  return { id, name, phones, ownerId, teamId, address };
}

/** The live customers holding this phone number (any written form; none when it is not a valid number), oldest first. */
export async function customersByPhone(db: DbOrTx, phone: string, limit = 10): Promise<CustomerMatch[]> {
  const e164 = normalizePhone(phone);
  if (!e164) return [];
  const rows = await db
    .select(columns)
    .from(customers)
    .where(and(arrayContains(customers.phones, [e164]), isNull(customers.deletedAt)))
    .orderBy(customers.createdAt, customers.id)
    .limit(limit);
  return rows.map(matchOf);
}

/**
 * The phones of each customer's live contacts (联系人 of an organisation), E.164 as stored, by customer id; a
 * customer without any is absent. The referral fraud rules compare them with the main phones.
 */
export async function contactPhonesOf(db: DbOrTx, customerIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!customerIds.length) return out;
  const rows = await db
    .select({ customerId: customerContacts.customerId, phones: customerContacts.phones })
    .from(customerContacts)
    .where(and(sql`${customerContacts.customerId} = any(${`{${[...new Set(customerIds)].join(',')}}`}::uuid[])`, isNull(customerContacts.deletedAt)));
  for (const r of rows) if (r.phones.length) out.set(r.customerId, [...(out.get(r.customerId) ?? []), ...r.phones]);
  return out;
}

const MAX_TEXT = 60;

/** Every substring of 2–30 characters (the compound names a text may contain). */
function pieces(text: string): string[] {
  const chars = Array.from(text.slice(0, MAX_TEXT));
  const out = new Set<string>();
  for (let i = 0; i < chars.length; i++) for (let n = 2; n <= 30 && i + n <= chars.length; n++) out.add(chars.slice(i, i + n).join(''));
  return [...out];
}

/** The numbers written after the compound, in order (building, unit, room). */
function numbersAfter(text: string, compound: string): string[] {
  const rest = text.slice(text.indexOf(compound) + compound.length);
  return (rest.match(/\d+/g) ?? []).map((n) => n.replace(/^0+/, '')).filter(Boolean);
}

/** The digits of a building, unit or room without leading zeros (3号楼 → 3, 0501 → 501), null when none. */
const digitsOf = (column: typeof customers.building | typeof customers.unit | typeof customers.room) =>
  sql`nullif(ltrim(regexp_replace(coalesce(${column}, ''), '\\D', '', 'g'), '0'), '')`;

/** The households a written address most likely names (see the file comment), best first. */
export async function customersByAddress(db: DbOrTx, text: string, limit = 5): Promise<CustomerMatch[]> {
  const compact = text.replace(/\s+/g, '');
  if (Array.from(compact).length < 3) return [];
  const found = await db
    .selectDistinct({ compound: customers.compound })
    .from(customers)
    .where(and(sql`${customers.compound} = any(${sql.param(pieces(compact))}::text[])`, isNull(customers.deletedAt)));
  // The longest name first: 「幸福小区二期」 before 「幸福小区」.
  const compounds = found.map((r) => r.compound!).sort((a, b) => b.length - a.length);
  const compound = compounds[0];
  if (!compound) return [];
  const [building, unit, room] = numbersAfter(compact, compound);
  if (!building) return [];
  const unitMatch = sql<boolean>`coalesce(${digitsOf(customers.unit)} = ${unit ?? null}::text, false)`;
  const roomMatch = sql<boolean>`coalesce(${digitsOf(customers.room)} = any(${sql.param([unit, room].filter((x): x is string => !!x))}::text[]), false)`;
  const candidates = await db
    .select({ ...columns, score: sql<number>`((${unitMatch})::int + 2 * (${roomMatch})::int)` })
    .from(customers)
    .where(and(sql`${customers.compound} = ${compound}`, isNull(customers.deletedAt), sql`${digitsOf(customers.building)} = ${building}`))
    .orderBy(sql`5 - ((${unitMatch})::int + 2 * (${roomMatch})::int)`, customers.unit, customers.room, customers.id)
    .limit(limit);
  // The flat itself found (its room matches): only the households that match as well as it does.
  const best = Number(candidates[0]?.score ?? 0);
  const rows = best >= 2 ? candidates.filter((r) => Number(r.score) === best) : candidates;
  return rows.map(({ score: _score, ...r }) => matchOf(r));
}
