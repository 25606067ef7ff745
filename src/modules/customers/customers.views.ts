import { displayPhone, maskPhone } from '../../platform/phone.js';
import { ADDRESS_KEYS, type Address, type AddressKey, type Consent, type ContactView, type CustomerView } from './customers.contract.js';
import type { ContactRow, CustomerInsert, CustomerRow, CustomerWithOwner } from './customers.repository.js';
import { maskIdNumber } from './id-number.js';

export const NO_CONSENT: Consent = { phone: false, sms: false, email: false, wechat: false };

export function toCustomerView(row: Omit<CustomerWithOwner, 'searchText' | 'phoneDigits' | 'importKey'>, reveal: boolean): CustomerView {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    phones: row.phones.map(reveal ? displayPhone : maskPhone),
    email: row.email,
    gender: row.gender,
    birthday: row.birthday,
    lunarBirthday: row.lunarBirthday,
    idType: row.idType,
    idNumber: row.idNumber ? (reveal ? row.idNumber : maskIdNumber(row.idNumber)) : null,
    piiMasked: !reveal,
    address: addressOf(row),
    tags: row.tags,
    preferences: row.preferences,
    source: row.source,
    stage: row.stage,
    ownerId: row.ownerId,
    ownerName: row.ownerName,
    teamId: row.teamId,
    consent: { ...NO_CONSENT, ...row.consent },
    notes: row.notes,
    custom: row.custom ?? {},
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

export function toContactView(c: ContactRow, reveal: boolean): ContactView {
  return {
    id: c.id,
    customerId: c.customerId,
    name: c.name,
    title: c.title,
    phones: c.phones.map(reveal ? displayPhone : maskPhone),
    email: c.email,
    isPrimary: c.isPrimary,
    notes: c.notes,
    piiMasked: !reveal,
  };
}
