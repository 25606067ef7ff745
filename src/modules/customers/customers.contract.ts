/**
 * What the customer API returns, and the vocabularies its fields use, shared with the web UI. Types and plain
 * constants only, and no imports, so the browser build can compile this file as it is.
 */

export const CUSTOMER_KINDS = ['person', 'organization'] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];
export const STAGES = ['prospect', 'new', 'active', 'loyal', 'at_risk', 'dormant', 'churned'] as const;
export type Stage = (typeof STAGES)[number];
/** The channels a customer can consent to being contacted on. */
export const CHANNELS = ['phone', 'sms', 'email', 'wechat'] as const;
export type Channel = (typeof CHANNELS)[number];
/** The channels a customer can prefer: the consent channels and a visit. */
export const PREF_CHANNELS = ['phone', 'sms', 'email', 'wechat', 'visit'] as const;
export const ADDRESS_KEYS = ['province', 'city', 'district', 'street', 'compound', 'building', 'unit', 'room'] as const;
export type AddressKey = (typeof ADDRESS_KEYS)[number];
export type Address = Record<AddressKey, string | null>;

export type LunarBirthday = { month: number; day: number; leap: boolean };
export type Consent = Record<Channel, boolean>;
export type Preferences = {
  contactChannel?: (typeof PREF_CHANNELS)[number];
  contactTime?: string;
  language?: 'zh-CN' | 'en';
  interests?: string[];
};

export type CustomerView = {
  id: string;
  kind: CustomerKind;
  name: string;
  /** National digits for Chinese numbers; masked (138****5678) unless revealed. */
  phones: string[];
  email: string | null;
  gender: 'male' | 'female' | 'unknown' | null;
  birthday: string | null;
  lunarBirthday: LunarBirthday | null;
  idType: 'resident' | 'passport' | 'other' | null;
  idNumber: string | null;
  /** True when phones and ID number are masked in this response. */
  piiMasked: boolean;
  /**
   * The fields the caller's role does not see (field grants, issue #18: `phones`, `email`, `birthday`, `idNumber`,
   * `address` …): they are empty in this response, not because the customer has no value.
   */
  hidden: string[];
  address: Address;
  tags: string[];
  preferences: Preferences;
  source: string | null;
  stage: Stage;
  ownerId: string | null;
  ownerName: string | null;
  teamId: string | null;
  consent: Consent;
  notes: string | null;
  /** Custom field values by key (see fields.contract.ts); select values as stored, not labels. */
  custom: Record<string, string | number | boolean | string[]>;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  /** The customer this one was merged into as a duplicate (it is deleted then); null otherwise. */
  mergedIntoId: string | null;
};

export type ContactView = {
  id: string;
  customerId: string;
  name: string;
  title: string | null;
  phones: string[];
  email: string | null;
  isPrimary: boolean;
  notes: string | null;
  piiMasked: boolean;
};

/** GET /customers: a keyset page; `total` is exact when `totalExact`, an estimate otherwise (null: not counted). */
export type CustomerPage = { items: CustomerView[]; nextCursor: string | null; total: number | null; totalExact: boolean };
/** POST /customers/:id/reveal: phones and ID number in full (null: not asked for), and the contacts' phones. */
export type RevealView = { phones: string[] | null; idNumber: string | null; contacts: { id: string; phones: string[] }[] };
/** A tag in use, with how many customers in the caller's scope carry it. */
export type TagCount = { tag: string; count: number };
/** A tag (registered or in use) with its colour, description and customer count. */
export type TagView = { name: string; color: string | null; description: string | null; count: number };
/** PUT /tags/:tag: the tag's colour and description as saved. */
export type TagDescriptionView = { name: string; color: string | null; description: string | null };
/** POST /tags/merge: the tag kept and how many customers changed. */
export type TagMergeView = { into: string; customers: number };
/** DELETE /tags/:tag: how many customers lost the tag. */
export type TagDeleteView = { customers: number };
/** POST /customers/bulk/tags: customers found, customers changed, and the ids not found (or out of scope). */
export type BulkTagView = { matched: number; changed: number; notFound: string[] };
