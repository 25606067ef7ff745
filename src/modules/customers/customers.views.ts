import type { Actor } from '../../platform/auth/permissions.js';
import { displayPhone, maskPhone } from '../../platform/phone.js';
import { ADDRESS_KEYS, type Address, type AddressKey, type Consent, type ContactView, type CustomerView } from './customers.contract.js';
import type { ContactRow, CustomerInsert, CustomerRow, CustomerWithOwner } from './customers.repository.js';
import { customerFields } from './field-access.js';
import { maskIdNumber } from './id-number.js';

export const NO_CONSENT: Consent = { phone: false, sms: false, email: false, wechat: false };
const NO_ADDRESS = Object.fromEntries(ADDRESS_KEYS.map((k) => [k, null])) as Address;

/**
 * A customer as the API shows it to the actor: phones and ID number masked (revealed only by `POST …/reveal`), and
 * every field the actor's role does not see (field grants) left out — empty, and named in `hidden`; custom fields
 * the role does not see are not in `custom` at all.
 */
export function toCustomerView(row: Omit<CustomerWithOwner, 'searchText' | 'phoneDigits' | 'importKey'>, actor: Actor): CustomerView {
  const fields = customerFields(actor);
  const show = fields.visible;
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    phones: show('phones') ? row.phones.map(maskPhone) : [],
    email: show('email') ? row.email : null,
    gender: show('gender') ? row.gender : null,
    birthday: show('birthday') ? row.birthday : null,
    lunarBirthday: show('birthday') ? row.lunarBirthday : null,
    idType: show('idNumber') ? row.idType : null,
    idNumber: show('idNumber') && row.idNumber ? maskIdNumber(row.idNumber) : null,
    piiMasked: true,
    hidden: fields.hidden,
    address: show('address') ? addressOf(row) : { ...NO_ADDRESS },
    tags: row.tags,
    preferences: show('preferences') ? row.preferences : {},
    source: show('source') ? row.source : null,
    stage: row.stage,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    teamId: row.teamId,
    consent: show('consent') ? { ...NO_CONSENT, ...row.consent } : { ...NO_CONSENT },
    notes: show('notes') ? row.notes : null,
    custom: fields.customValues(row.custom ?? {}) as CustomerView['custom'],
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
    mergedIntoId: row.mergedIntoId,
  };
}

export function addressOf(row: Pick<CustomerRow, AddressKey>): Address {
  return Object.fromEntries(ADDRESS_KEYS.map((k) => [k, row[k]])) as Address;
}

/** The text the search box matches: name, email, and the address both spaced and run together (3号楼2单元). */
export function searchTextOf(row: Pick<CustomerInsert, 'name' | 'email' | AddressKey>): string {
  const parts = ADDRESS_KEYS.map((k) => row[k]).filter((v): v is string => !!v);
  return [row.name, row.email ?? '', parts.join(''), parts.join(' ')].filter(Boolean).join(' ').toLowerCase();
}

export function phoneDigitsOf(phones: readonly string[]): string {
  return phones.map(displayPhone).join(' ');
}

/** An organisation's contact: phones masked, and left out with the email when the role does not see them. */
export function toContactView(c: ContactRow, actor: Actor): ContactView {
  const show = customerFields(actor).visible;
  return {
    id: c.id,
    customerId: c.customerId,
    name: c.name,
    title: c.title,
    phones: show('phones') ? c.phones.map(maskPhone) : [],
    email: show('email') ? c.email : null,
    isPrimary: c.isPrimary,
    notes: c.notes,
    piiMasked: true,
  };
}
