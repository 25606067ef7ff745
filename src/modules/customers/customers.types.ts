import { z } from 'zod';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { normalizePhone } from '../../platform/phone.js';
import { CUSTOMER_KINDS, PREF_CHANNELS, STAGES } from './customers.contract.js';
import { isValidResidentId } from './id-number.js';

export { CHANNELS, CUSTOMER_KINDS, STAGES } from './customers.contract.js';

const text = trimmedText;
const optText = optionalText;

/** Phone numbers in any common form; each normalised to E.164 (+86 default), duplicates dropped. */
export const phoneList = z
  .array(z.string().max(32))
  .max(10)
  .transform((list, ctx) => {
    const out: string[] = [];
    list.forEach((raw, i) => {
      if (raw.trim() === '') return;
      const n = normalizePhone(raw);
      if (!n) ctx.addIssue({ code: 'custom', path: [i], message: 'validation.invalid_phone', params: { value: raw.slice(0, 32) } });
      else if (!out.includes(n)) out.push(n);
    });
    return out;
  });

const isoDate = z.iso.date().refine((d) => d >= '1900-01-01' && d <= new Date().toISOString().slice(0, 10), {
  message: 'validation.invalid_date',
});

export const addressSchema = z.strictObject({
  province: optText(50),
  city: optText(50),
  district: optText(50),
  street: optText(200),
  compound: optText(100).describe('小区'),
  building: optText(20).describe('楼栋'),
  unit: optText(20).describe('单元'),
  room: optText(20).describe('房号'),
});

export const consentSchema = z.strictObject({
  phone: z.boolean().optional(),
  sms: z.boolean().optional(),
  email: z.boolean().optional(),
  wechat: z.boolean().optional(),
});

export const preferencesSchema = z.strictObject({
  contactChannel: z.enum(PREF_CHANNELS).optional(),
  contactTime: text(100).optional(),
  language: z.enum(['zh-CN', 'en']).optional(),
  interests: z.array(text(50).min(1)).max(30).optional(),
});

export const lunarBirthdaySchema = z.strictObject({
  month: z.number().int().min(1).max(12),
  day: z.number().int().min(1).max(30),
  leap: z.boolean().default(false),
});

const tagList = z
  .array(text(32).min(1))
  .max(50)
  .transform((tags) => [...new Set(tags)]);

const fields = {
  kind: z.enum(CUSTOMER_KINDS),
  name: text(200).min(1),
  phones: phoneList,
  email: z.email().max(254).nullable(),
  gender: z.enum(['male', 'female', 'unknown']).nullable(),
  birthday: isoDate.nullable(),
  lunarBirthday: lunarBirthdaySchema.nullable(),
  idType: z.enum(['resident', 'passport', 'other']).nullable(),
  idNumber: text(32).nullable(),
  address: addressSchema,
  tags: tagList,
  preferences: preferencesSchema,
  source: optText(50),
  stage: z.enum(STAGES),
  ownerId: z.uuid().nullable(),
  teamId: z.uuid().nullable(),
  consent: consentSchema,
  notes: optText(5000),
  /** Custom field values by key; checked against the definitions by the service (null removes one on update). */
  custom: z.record(z.string().max(60), z.unknown()).refine((o) => Object.keys(o).length <= 200, { message: 'validation.invalid' }),
};

function checkIdNumber(v: { idType?: string | null; idNumber?: string | null }, ctx: z.RefinementCtx): void {
  if (v.idNumber && (v.idType ?? 'resident') === 'resident' && !isValidResidentId(v.idNumber)) {
    ctx.addIssue({ code: 'custom', path: ['idNumber'], message: 'validation.invalid_id_number' });
  }
}

/**
 * 老带新: a member's referral code given with a new customer (spaces and dashes dropped, upper case; empty: none). This
 * module only carries it to the customer-created hooks (created.hooks.ts): an unknown code is a 400 naming the field.
 */
const referralCode = z
  .string()
  .max(40)
  .transform((s) => s.replace(/[\s\-－]/g, '').toUpperCase() || null)
  .nullable()
  .describe("A member's referral code (老带新): the new customer is attributed to that member");

export const createCustomerBody = z
  .strictObject({
    kind: fields.kind.default('person'),
    name: fields.name,
    phones: fields.phones.default([]),
    email: fields.email.optional(),
    gender: fields.gender.optional(),
    birthday: fields.birthday.optional(),
    lunarBirthday: fields.lunarBirthday.optional(),
    idType: fields.idType.optional(),
    idNumber: fields.idNumber.optional(),
    address: fields.address.optional(),
    tags: fields.tags.default([]),
    preferences: fields.preferences.default({}),
    source: fields.source,
    stage: fields.stage.default('new'),
    ownerId: fields.ownerId.optional(),
    teamId: fields.teamId.optional(),
    consent: fields.consent.default({}),
    notes: fields.notes,
    custom: fields.custom.optional(),
    referralCode: referralCode.optional(),
  })
  .superRefine(checkIdNumber);
export type CreateCustomerInput = z.infer<typeof createCustomerBody>;

export const updateCustomerBody = z
  .strictObject({
    version: z.number().int().min(1).describe('The version you edited; a stale version is refused with 409'),
    kind: fields.kind.optional(),
    name: fields.name.optional(),
    phones: fields.phones.optional(),
    email: fields.email.optional(),
    gender: fields.gender.optional(),
    birthday: fields.birthday.optional(),
    lunarBirthday: fields.lunarBirthday.optional(),
    idType: fields.idType.optional(),
    idNumber: fields.idNumber.optional(),
    address: fields.address.optional(),
    tags: fields.tags.optional(),
    preferences: fields.preferences.optional(),
    source: fields.source,
    stage: fields.stage.optional(),
    ownerId: fields.ownerId.optional(),
    teamId: fields.teamId.optional(),
    consent: fields.consent.optional(),
    notes: fields.notes,
    custom: fields.custom.optional(),
  })
  .superRefine(checkIdNumber);
export type UpdateCustomerInput = z.infer<typeof updateCustomerBody>;

export const versionBody = z.strictObject({ version: z.number().int().min(1).optional() }).optional();

/** A date or an instant the database can compare with (PostgreSQL has no year 0; five-digit years are out too). */
const dateOrDateTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return Number.isNaN(year) || (year >= 1000 && year <= 9999); // NaN: the format check has said so already
  }, { message: 'validation.invalid_date' });

export const listQuery = z.strictObject({
  q: text(100).optional().describe('Any fragment of name, address, email — or phone, with the personal-data permission'),
  kind: z.enum(CUSTOMER_KINDS).optional(),
  tag: text(32).optional(),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  stage: z.enum(STAGES).optional(),
  city: text(50).optional(),
  compound: text(100).optional(),
  building: text(20).optional().describe('楼栋 (a heating household\'s building; with compound)'),
  unit: text(20).optional().describe('单元'),
  segment: z.uuid().optional().describe("A segment's id: only its current members (an unknown or deleted segment matches nobody)"),
  valueTier: z.enum(['high', 'middle', 'low']).optional().describe('The value tier of the latest analytics run (needs analytics:read)'),
  churnLevel: z.enum(['low', 'medium', 'high']).optional().describe('The churn-risk level of the latest analytics run (needs analytics:read)'),
  createdFrom: dateOrDateTime.optional(),
  createdTo: dateOrDateTime.optional(),
  deleted: z.enum(['exclude', 'only']).default('exclude'),
  sort: z.enum(['createdAt', 'updatedAt', 'name']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  withTotal: z.enum(['true', 'false']).optional(),
  custom: z
    .string()
    .max(2000)
    .optional()
    .describe('Custom field filters as a JSON object: {"level":"gold","vip":true,"area":{"from":50,"to":120},"tags2":"a"}'),
});
export type ListQuery = z.infer<typeof listQuery>;

export const exportQuery = listQuery.omit({ cursor: true, limit: true, withTotal: true, sort: true, order: true });
export type ExportQuery = z.infer<typeof exportQuery>;

export const revealBody = z
  .strictObject({
    fields: z.array(z.enum(['phones', 'idNumber'])).min(1).max(2).default(['phones', 'idNumber']),
    reason: text(200).optional(),
  })
  .default({ fields: ['phones', 'idNumber'] });

export const contactBody = z.strictObject({
  name: text(100).min(1),
  title: optText(100),
  phones: phoneList.default([]),
  email: z.email().max(254).nullable().optional(),
  isPrimary: z.boolean().default(false),
  notes: optText(2000),
});
export const contactPatch = z.strictObject({
  name: text(100).min(1).optional(),
  title: optText(100),
  phones: phoneList.optional(),
  email: z.email().max(254).nullable().optional(),
  isPrimary: z.boolean().optional(),
  notes: optText(2000),
});

export const customerIdParam = z.strictObject({ id: z.uuid() });
export const contactIdParam = z.strictObject({ id: z.uuid(), contactId: z.uuid() });
