import dayjs, { type Dayjs } from 'dayjs';
import { ADDRESS_KEYS, CHANNELS, type AddressKey, type Consent, type CustomerView, type Preferences, type Stage } from './api';

/** What the customer form holds (antd values), and how it maps to and from the API. */
export type CustomerFormValues = {
  kind: CustomerView['kind'];
  name: string;
  phones: string[];
  email?: string | null;
  gender?: CustomerView['gender'];
  birthday?: Dayjs | null;
  useLunar?: boolean;
  lunarBirthday?: { month?: number; day?: number; leap?: boolean };
  idType?: CustomerView['idType'];
  idNumber?: string | null;
  address: Partial<Record<AddressKey, string | null>>;
  tags: string[];
  preferences: Preferences;
  source?: string | null;
  stage: Stage;
  ownerId?: string | null;
  teamId?: string | null;
  consent: Partial<Consent>;
  notes?: string | null;
  /** Custom field values by key (dates as YYYY-MM-DD strings). */
  custom?: Record<string, unknown>;
};

export type CustomerPayload = Record<string, unknown>;

export function toFormValues(c: CustomerView | null, meId: string | null): CustomerFormValues {
  if (!c) {
    return {
      kind: 'person',
      name: '',
      phones: [''],
      address: {},
      tags: [],
      preferences: {},
      stage: 'new',
      ownerId: meId,
      teamId: undefined,
      consent: { phone: false, sms: false, email: false, wechat: false },
    };
  }
  return {
    kind: c.kind,
    name: c.name,
    phones: c.phones.length ? [...c.phones] : [''],
    email: c.email,
    gender: c.gender,
    birthday: c.birthday ? dayjs(c.birthday) : null,
    useLunar: !!c.lunarBirthday,
    lunarBirthday: c.lunarBirthday ?? undefined,
    idType: c.idType,
    idNumber: c.idNumber,
    address: { ...c.address },
    tags: [...c.tags],
    preferences: { ...c.preferences },
    source: c.source,
    stage: c.stage,
    ownerId: c.ownerId,
    teamId: c.teamId,
    consent: { ...c.consent },
    notes: c.notes,
    custom: { ...(c.custom ?? {}) },
  };
}

const str = (v: string | null | undefined): string | null => {
  const s = (v ?? '').trim();
  return s === '' ? null : s;
};

/** Custom values for the API: blank text, empty lists and cleared inputs become null (which removes a value). */
function customOf(c: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c ?? {})) {
    if (typeof v === 'string') out[k] = str(v);
    else if (Array.isArray(v)) out[k] = v.length ? v : null;
    else out[k] = v ?? null;
  }
  return out;
}

function preferencesOf(p: Preferences | undefined): Preferences {
  const out: Preferences = {};
  if (p?.contactChannel) out.contactChannel = p.contactChannel;
  const time = str(p?.contactTime);
  if (time) out.contactTime = time;
  if (p?.language) out.language = p.language;
  const interests = (p?.interests ?? []).map((i) => i.trim()).filter(Boolean);
  if (interests.length) out.interests = interests;
  return out;
}

/** The full API body for the form's values. Personal data (phones, ID) only when `withPii`. */
export function toPayload(v: CustomerFormValues, withPii: boolean): CustomerPayload {
  const lunar = v.useLunar && v.lunarBirthday?.month && v.lunarBirthday.day ? { month: v.lunarBirthday.month, day: v.lunarBirthday.day, leap: !!v.lunarBirthday.leap } : null;
  const body: CustomerPayload = {
    kind: v.kind,
    name: (v.name ?? '').trim(),
    email: str(v.email),
    gender: v.gender ?? null,
    birthday: v.birthday ? v.birthday.format('YYYY-MM-DD') : null,
    lunarBirthday: lunar,
    address: Object.fromEntries(ADDRESS_KEYS.map((k) => [k, str(v.address?.[k])])),
    tags: [...new Set((v.tags ?? []).map((x) => x.trim()).filter(Boolean))],
    preferences: preferencesOf(v.preferences),
    source: str(v.source),
    stage: v.stage,
    ownerId: v.ownerId ?? null,
    teamId: v.teamId ?? null,
    consent: Object.fromEntries(CHANNELS.map((ch) => [ch, !!v.consent?.[ch]])),
    notes: str(v.notes),
    custom: customOf(v.custom),
  };
  if (withPii) {
    // Blank rows are sent as they are (the server skips them) so error paths like `phones.1` match the form rows.
    body.phones = (v.phones ?? []).map((p) => (p ?? '').trim());
    const idNumber = str(v.idNumber);
    body.idNumber = idNumber;
    body.idType = idNumber ? (v.idType ?? 'resident') : (v.idType ?? null);
  }
  return body;
}

/** For a new customer: leave out what the server fills in (team from the owner) and empty extras. */
export function createPayload(v: CustomerFormValues): CustomerPayload {
  const body = toPayload(v, true);
  if (!body.teamId) delete body.teamId;
  for (const k of ['email', 'gender', 'birthday', 'lunarBirthday', 'idType', 'idNumber'] as const) if (body[k] === null) delete body[k];
  const custom = Object.fromEntries(Object.entries(body.custom as Record<string, unknown>).filter(([, x]) => x !== null));
  if (Object.keys(custom).length) body.custom = custom;
  else delete body.custom;
  return body;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const compactPhones = (p: unknown) => (Array.isArray(p) ? p.filter((x) => x !== '') : p);

/**
 * Only what changed, plus `version`. Address and consent are sent per part (the server merges them); preferences
 * whole. Phones and ID only when `withPii` (the user revealed them, so the original holds the full numbers).
 */
export function changedPayload(original: CustomerView, v: CustomerFormValues, withPii: boolean): CustomerPayload | null {
  const before = toPayload(toFormValues(original, null), withPii);
  const after = toPayload(v, withPii);
  const out: CustomerPayload = {};
  for (const [k, value] of Object.entries(after)) {
    if (k === 'address' || k === 'consent' || k === 'custom') {
      const a = before[k] as Record<string, unknown>;
      const b = value as Record<string, unknown>;
      const parts = Object.fromEntries(Object.entries(b).filter(([p, x]) => !same(a[p], x)));
      if (Object.keys(parts).length) out[k] = parts;
    } else if (k === 'phones') {
      if (!same(compactPhones(before[k]), compactPhones(value))) out[k] = value;
    } else if (!same(before[k], value)) {
      out[k] = value;
    }
  }
  if (!Object.keys(out).length) return null;
  return { ...out, version: original.version };
}
