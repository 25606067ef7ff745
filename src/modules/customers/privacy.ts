/**
 * The customers module's personal-data hook (issue #18): the profile (every stored field, tags and custom-field values
 * included, without the search keys derived from it), contacts, and the merges the person took part in (the
 * snapshots of both records as they were).
 *
 * Erasure: the record stays (its transactions, tickets and figures point at it) as a pseudonym — 已删除用户 #<id> —
 * with every phone, the ID number, e-mail, birthday, street-to-room address, custom-field values, notes, the external
 * and import keys gone and the search columns rewritten; consent withdrawn on every channel; and it is soft-deleted, so
 * no list, search, segment, campaign or care rule finds it again while its page still opens by id. Province, city,
 * district and compound stay: they name no household and keep the company's per-area figures whole. Contacts lose
 * name, title, phones, e-mail and notes; the merge snapshots (the merged duplicate as it was, the survivor before) are
 * anonymised the same way. The merged duplicates themselves are `related` records, erased with the person.
 */
import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { displayPhone } from '../../platform/phone.js';
import { scrubJson, scrubText } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { ADDRESS_KEYS } from './customers.contract.js';
import { searchTextOf } from './customers.views.js';
import { customerContacts, customerMerges, customers } from './schema.js';

/** The fields an erasure clears on a customer row (and in a merge snapshot of it). */
const CLEARED = {
  phones: [] as string[],
  email: null,
  gender: null,
  birthday: null,
  lunarBirthday: null,
  idType: null,
  idNumber: null,
  street: null,
  building: null,
  unit: null,
  room: null,
  preferences: {},
  custom: {},
  notes: null,
  externalId: null,
  importKey: null,
  phoneDigits: '',
};

type Snapshot = Record<string, unknown>;

/** A merge snapshot (a customer row as JSON) with the same fields cleared and the search columns rewritten. */
function anonymisedSnapshot(snap: Snapshot, ctx: ErasureContext): Snapshot {
  const out: Snapshot = { ...snap, ...CLEARED, name: ctx.pseudonym };
  for (const k of ['searchText', 'search_text']) if (k in snap) out[k] = searchTextOf({ name: ctx.pseudonym, email: null, ...addressOf(out) });
  for (const k of ['searchBigrams', 'search_bigrams']) if (k in snap) out[k] = [];
  for (const k of ['phone_digits', 'id_number', 'external_id', 'import_key', 'lunar_birthday', 'id_type']) if (k in snap) out[k] = k === 'phone_digits' ? '' : null;
  return scrubJson(out, ctx.needles);
}

function addressOf(row: Snapshot): Record<(typeof ADDRESS_KEYS)[number], string | null> {
  return Object.fromEntries(ADDRESS_KEYS.map((k) => [k, typeof row[k] === 'string' ? (row[k] as string) : null])) as Record<(typeof ADDRESS_KEYS)[number], string | null>;
}

/** A person's identifying strings in one record (or snapshot): phones in both forms, ID number, e-mail, full addresses. */
function identifiersOf(row: Snapshot): string[] {
  const out: string[] = [];
  const phones = Array.isArray(row.phones) ? (row.phones as string[]) : [];
  for (const p of phones) out.push(p, displayPhone(p));
  for (const k of ['idNumber', 'id_number', 'email']) if (typeof row[k] === 'string') out.push(row[k] as string);
  const a = addressOf(row);
  const parts = ADDRESS_KEYS.map((k) => a[k]).filter((v): v is string => !!v);
  // Only a household's own address (down to the room): a building's or a street's is its neighbours' too.
  if (a.room) {
    out.push(parts.join(''), parts.join(' '));
    const local = [a.compound, a.building, a.unit, a.room].filter((v): v is string => !!v);
    out.push(local.join(''), local.join(' '));
  }
  return out;
}

async function mergesOf(db: DbOrTx, customerId: string) {
  return db.select().from(customerMerges).where(or(eq(customerMerges.survivorId, customerId), eq(customerMerges.mergedId, customerId)));
}

export const customerPersonalData: PersonalDataHook = {
  module: 'customers',
  tables: ['customers', 'customer_contacts', 'customer_merges'],
  async export(db: DbOrTx, customerId: string) {
    const profile = await db.select().from(customers).where(eq(customers.id, customerId));
    const plain = profile.map(({ searchText: _t, phoneDigits: _p, searchBigrams: _b, importKey: _k, ...rest }) => rest);
    const custom = plain.flatMap((c) => Object.entries(c.custom ?? {}).map(([key, value]) => ({ key, value })));
    const tags = plain.flatMap((c) => c.tags.map((tag) => ({ tag })));
    const contacts = await db.select().from(customerContacts).where(eq(customerContacts.customerId, customerId));
    const merges = await mergesOf(db, customerId);
    return [
      { name: 'profile', table: 'customers', rows: plain },
      { name: 'tags', table: 'customers', rows: tags },
      { name: 'custom_fields', table: 'customers', rows: custom },
      { name: 'contacts', table: 'customer_contacts', rows: contacts },
      { name: 'merges', table: 'customer_merges', rows: merges },
    ];
  },

  /** The records merged with this one, either way and at any depth (a merge not undone): the same person. */
  async related(db: DbOrTx, customerId: string) {
    const seen = new Set([customerId]);
    let frontier = [customerId];
    while (frontier.length) {
      const rows = await db
        .select({ a: customerMerges.survivorId, b: customerMerges.mergedId })
        .from(customerMerges)
        .where(and(isNull(customerMerges.undoneAt), or(inArray(customerMerges.survivorId, frontier), inArray(customerMerges.mergedId, frontier))));
      const linked = await db.select({ a: customers.id, b: customers.mergedIntoId }).from(customers).where(or(inArray(customers.mergedIntoId, frontier), inArray(customers.id, frontier)));
      const next = new Set<string>();
      for (const r of [...rows, ...linked]) for (const id of [r.a, r.b]) if (id && !seen.has(id)) next.add(id);
      frontier = [...next];
      for (const id of frontier) seen.add(id);
    }
    seen.delete(customerId);
    return [...seen];
  },

  /**
   * Phones, ID number, e-mail and full addresses of the record, its contacts and its merge snapshots; the name
   * everywhere only when no other customer's name holds it (王伟 is in 王伟强: a namesake's rows keep theirs) — the
   * duplicates merged into someone are that someone, not others.
   */
  async identifiers(db: DbOrTx, customerId: string) {
    const [row] = await db.select().from(customers).where(eq(customers.id, customerId));
    if (!row) return { everywhere: [] };
    const out = identifiersOf(row as unknown as Snapshot);
    const linked: string[] = [];
    const keys = { phones: [...row.phones], idNumbers: row.idNumber ? [row.idNumber] : [] };
    const names = new Set([row.name]);
    for (const m of await mergesOf(db, customerId)) {
      for (const snap of [m.survivorBefore, m.mergedBefore]) {
        out.push(...identifiersOf(snap));
        if (typeof snap.name === 'string') names.add(snap.name);
        if (Array.isArray(snap.phones)) keys.phones.push(...(snap.phones as string[]));
        if (typeof snap.idNumber === 'string') keys.idNumbers.push(snap.idNumber);
      }
    }
    for (const c of await db.select().from(customerContacts).where(eq(customerContacts.customerId, customerId))) {
      for (const p of c.phones) out.push(p, displayPhone(p));
      if (c.email) out.push(c.email);
      names.add(c.name);
    }
    for (const name of names) {
      const [other] = await db
        .select({ id: customers.id })
        .from(customers)
        .where(and(sql`strpos(${customers.name}, ${name}) > 0`, ne(customers.id, customerId), isNull(customers.mergedIntoId)))
        .limit(1);
      (other ? linked : out).push(name);
    }
    return { everywhere: out, linked, keys };
  },

  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext): Promise<Record<string, number>> {
    const [row] = await db.select().from(customers).where(eq(customers.id, customerId)).for('update');
    if (!row) return {};
    const address = { ...addressOf(row as unknown as Snapshot), street: null, building: null, unit: null, room: null };
    await db
      .update(customers)
      .set({
        ...CLEARED,
        name: ctx.pseudonym,
        tags: row.tags.map((t) => scrubText(t, ctx.needles)),
        consent: Object.fromEntries(Object.keys(row.consent).map((k) => [k, false])) as typeof row.consent,
        searchText: searchTextOf({ name: ctx.pseudonym, email: null, ...address }),
        source: scrubText(row.source, ctx.needles),
        version: sql`${customers.version} + 1`,
        updatedAt: ctx.now,
        deletedAt: row.deletedAt ?? ctx.now,
      })
      .where(eq(customers.id, customerId));
    const contacts = await db
      .update(customerContacts)
      .set({ name: '已删除联系人', title: null, phones: [], email: null, notes: null, updatedAt: ctx.now })
      .where(eq(customerContacts.customerId, customerId))
      .returning({ id: customerContacts.id });
    let merges = 0;
    for (const m of await mergesOf(db, customerId)) {
      await db
        .update(customerMerges)
        .set({ survivorBefore: anonymisedSnapshot(m.survivorBefore, ctx), mergedBefore: anonymisedSnapshot(m.mergedBefore, ctx) })
        .where(eq(customerMerges.id, m.id));
      merges++;
    }
    return { customers: 1, customer_contacts: contacts.length, customer_merges: merges };
  },
};
