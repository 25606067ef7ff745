/**
 * 「可能重复」: while a customer is being entered, the existing customers it may duplicate — the same phone, the same
 * ID number, or the same address (the duplicate finder's address key) with a similar name. A warning only: the form
 * still creates the customer.
 *
 * Data scope. Matches within the caller's scope are answered like the customer list answers them (phone and ID
 * numbers masked, whatever the caller's personal-data permission; the name, address and owner, and the id for a link).
 * Matches outside it are only counted per reason: "2 customers outside your data scope have this phone" — no name, no
 * id, nothing to open. Decided so because saying nothing would have agents create a second record of a household that
 * a colleague already serves (its tickets, payments and history then split in two until someone merges them), while
 * the count tells only that the number, ID or address is already a customer's: a fact the agent would learn anyway
 * when the records are merged, and less than the public report form (which links a report by phone) already acts on.
 * It is asked of callers who may create customers (customer:write) only.
 */
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { maskPhone, normalizePhone } from '../../platform/phone.js';
import { customerAccess } from './access.js';
import { erasedPersonMatches } from './erased.hooks.js';
import type { DuplicateCheckMatch, DuplicateCheckReason, DuplicateCheckView } from './duplicate-check.contract.js';
import * as repo from './duplicate-check.repository.js';
import type { DuplicateCheckQuery } from './duplicate-check.types.js';
import { customerFields, requireFieldVisible, type CustomerFieldAccess } from './field-access.js';
import { maskIdNumber } from './id-number.js';

/** The matches shown at most (the form shows a short list with links). */
const SHOWN = 10;
/** An ID number shorter than this is still being typed. */
const MIN_ID = 6;

const NO_ADDRESS = { province: null, city: null, district: null, street: null, compound: null, building: null, unit: null, room: null };

function matchOf(r: repo.DuplicateCandidate, reasons: DuplicateCheckReason[], fields: CustomerFieldAccess): DuplicateCheckMatch {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    phones: fields.visible('phones') ? r.phones.map(maskPhone) : [],
    idNumber: r.idNumber && fields.visible('idNumber') ? maskIdNumber(r.idNumber) : null,
    address: fields.visible('address')
      ? { province: r.province, city: r.city, district: r.district, street: r.street, compound: r.compound, building: r.building, unit: r.unit, room: r.room }
      : NO_ADDRESS,
    ownerName: r.ownerName,
    reasons,
  };
}

/** The complete phone numbers and the ID number typed (what the erased-person check is asked). */
function typedKeys(q: DuplicateCheckQuery): { phones: string[]; idNumbers: string[] } {
  const phones = [...new Set((q.phones ?? '').split(/[,，;；]/).map((p) => (p.trim() ? normalizePhone(p) : null)))].filter((p): p is string => !!p).slice(0, 10);
  const idNumber = q.idNumber?.replace(/\s/g, '').toUpperCase();
  return { phones, idNumbers: idNumber && idNumber.length >= MIN_ID ? [idNumber] : [] };
}

/** The keys the typed values give: complete phone numbers, an ID number, a name with an address. */
function keysOf(q: DuplicateCheckQuery): { reason: DuplicateCheckReason; key: ReturnType<typeof repo.byPhones> }[] {
  const keys: { reason: DuplicateCheckReason; key: ReturnType<typeof repo.byPhones> }[] = [];
  const phones = [...new Set((q.phones ?? '').split(/[,，;；]/).map((p) => (p.trim() ? normalizePhone(p) : null)))].filter((p): p is string => !!p).slice(0, 10);
  if (phones.length) keys.push({ reason: 'phone', key: repo.byPhones(phones) });
  const idNumber = q.idNumber?.replace(/\s/g, '').toUpperCase();
  if (idNumber && idNumber.length >= MIN_ID) keys.push({ reason: 'id_number', key: repo.byIdNumber(idNumber) });
  const address = { city: q.city ?? null, street: q.street ?? null, compound: q.compound ?? null, building: q.building ?? null, unit: q.unit ?? null, room: q.room ?? null };
  const located = !!(address.compound || address.building || address.unit || address.room || address.street);
  if (q.name && located) keys.push({ reason: 'name_address', key: repo.byNameAddress(q.name, address) });
  return keys;
}

export async function checkDuplicates(db: DbOrTx, actor: Actor | null, q: DuplicateCheckQuery): Promise<DuplicateCheckView> {
  requireAccess(actor, 'customer:write');
  // Field grants: checking a value of a field the role does not see would tell whose it is.
  if (q.phones) requireFieldVisible(actor, 'phones');
  if (q.idNumber) requireFieldVisible(actor, 'idNumber');
  for (const param of ['city', 'street', 'compound', 'building', 'unit', 'room'] as const) if (q[param]) requireFieldVisible(actor, 'address', param);
  const fields = customerFields(actor);
  const scope = customerAccess.scope(actor);
  const found = new Map<string, { row: repo.DuplicateCandidate; reasons: DuplicateCheckReason[] }>();
  const outsideScope: DuplicateCheckView['outsideScope'] = [];
  for (const { reason, key } of keysOf(q)) {
    const r = await repo.matching(db, key, scope, SHOWN);
    for (const row of r.inScope) {
      const seen = found.get(row.id);
      if (seen) seen.reasons.push(reason);
      else found.set(row.id, { row, reasons: [reason] });
    }
    if (r.outside) outsideScope.push({ reason, count: r.outside });
  }
  const erased = (await erasedPersonMatches(db, typedKeys(q))).map((m) => ({ reason: m.kind, erasedOn: m.erasedAt.toISOString().slice(0, 10) }));
  const matches = [...found.values()]
    .sort((a, b) => a.row.createdAt.getTime() - b.row.createdAt.getTime() || (a.row.id < b.row.id ? -1 : 1))
    .slice(0, SHOWN)
    .map((m) => matchOf(m.row, m.reasons, fields));
  return { matches, outsideScope, erased: [...new Map(erased.map((e) => [e.reason, e])).values()] };
}
