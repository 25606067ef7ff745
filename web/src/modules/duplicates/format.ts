import type { Translate } from '../../platform/i18n';
import { type CustomerView, formatValue, type Lookup, enumLabel, formatAddress, formatLunar } from '../customers';
import { MERGE_FIELDS, type MergeField } from './api';

/** The fields the comparison shows, in form order (the external id is not in the customer view: the server keeps the survivor's unless it has none). */
export const COMPARED = MERGE_FIELDS.filter((f): f is Exclude<MergeField, 'externalId'> => f !== 'externalId');

/** The label of a compared field (the customer form's own labels). */
export const FIELD_LABEL = {
  kind: 'field.kind',
  name: 'field.name',
  email: 'field.email',
  gender: 'field.gender',
  birthday: 'field.birthday',
  lunarBirthday: 'field.lunarBirthday',
  idNumber: 'field.idNumber',
  address: 'field.address',
  preferences: 'field.preferences',
  source: 'field.source',
  stage: 'field.stage',
  owner: 'field.ownerId',
  consent: 'field.consent',
  notes: 'field.notes',
} as const satisfies Record<(typeof COMPARED)[number], string>;

/** The raw value of a field as the server compares it (several columns for ID, address and owner). */
export function rawValue(c: CustomerView, f: (typeof COMPARED)[number]): unknown {
  switch (f) {
    case 'idNumber':
      return [c.idType, c.idNumber];
    case 'owner':
      return [c.ownerId, c.teamId];
    default:
      return c[f];
  }
}

export const differs = (a: CustomerView, b: CustomerView, f: (typeof COMPARED)[number]) =>
  JSON.stringify(rawValue(a, f) ?? null) !== JSON.stringify(rawValue(b, f) ?? null);

/** Whether a field has no value (then the other customer's is the natural choice, as on the server). */
export function blank(c: CustomerView, f: (typeof COMPARED)[number]): boolean {
  const v = rawValue(c, f);
  const empty = (x: unknown) => x === null || x === undefined || x === '' || (typeof x === 'object' && !Array.isArray(x) && Object.keys(x as object).length === 0);
  if (Array.isArray(v)) return v.every(empty);
  if (f === 'address') return Object.values(c.address).every(empty);
  return empty(v);
}

const noLookup: Lookup = { user: () => undefined, team: () => undefined };

/** A field's value as a person reads it; '' when empty. */
export function displayValue(t: Translate, c: CustomerView, f: (typeof COMPARED)[number]): string {
  switch (f) {
    case 'kind':
      return enumLabel(t, 'kind', c.kind);
    case 'stage':
      return enumLabel(t, 'stage', c.stage);
    case 'gender':
      return c.gender ? enumLabel(t, 'gender', c.gender) : '';
    case 'lunarBirthday':
      return formatLunar(t, c.lunarBirthday);
    case 'idNumber':
      return c.idNumber ? [c.idType ? enumLabel(t, 'idType', c.idType) : '', c.idNumber].filter(Boolean).join(' ') : '';
    case 'address':
      return formatAddress(c.address);
    case 'owner':
      return c.ownerName ?? '';
    case 'preferences':
      return Object.keys(c.preferences).length ? formatValue(t, 'preferences', c.preferences, noLookup) : '';
    case 'consent':
      return formatValue(t, 'consent', c.consent, noLookup);
    default: {
      const v = c[f];
      return v === null || v === undefined ? '' : String(v);
    }
  }
}
