/**
 * Response schemas of the customer, tag and merge APIs (see platform/http/response.ts), tied to customers.contract.ts
 * and merge.contract.ts.
 */
import { z } from 'zod';
import { itemsOf, pageOf, responseOf } from '../../platform/http/response.js';
import { auditView } from '../audit/index.js';
import type { AuditView } from '../audit/index.js';
import { customValue } from '../fields/index.js';
import {
  ADDRESS_KEYS,
  CUSTOMER_KINDS,
  PREF_CHANNELS,
  STAGES,
  type Address,
  type BulkTagView,
  type Consent,
  type ContactView,
  type CustomerPage,
  type CustomerView,
  type LunarBirthday,
  type Preferences,
  type RevealView,
  type TagCount,
  type TagDeleteView,
  type TagDescriptionView,
  type TagMergeView,
  type TagView,
} from './customers.contract.js';
import {
  DUPLICATE_REASONS,
  MERGE_FIELDS,
  type DuplicatePage,
  type MergePage,
  type MergeResult,
  type MergeView,
  type UndoMergeResult,
} from './merge.contract.js';

const instant = z.string().describe('ISO 8601 date-time');

export const lunarBirthday = responseOf<LunarBirthday>()(
  z.object({ month: z.number().int(), day: z.number().int(), leap: z.boolean().describe('闰月') }),
);
export const address = responseOf<Address>()(
  z.object(Object.fromEntries(ADDRESS_KEYS.map((k) => [k, z.string().nullable()])) as Record<(typeof ADDRESS_KEYS)[number], z.ZodNullable<z.ZodString>>),
);
export const preferences = responseOf<Preferences>()(
  z.object({
    contactChannel: z.enum(PREF_CHANNELS).optional(),
    contactTime: z.string().optional(),
    language: z.enum(['zh-CN', 'en']).optional(),
    interests: z.array(z.string()).optional(),
  }),
);
export const consent = responseOf<Consent>()(z.object({ phone: z.boolean(), sms: z.boolean(), email: z.boolean(), wechat: z.boolean() }));

export const customerView = responseOf<CustomerView>()(
  z.object({
    id: z.uuid(),
    kind: z.enum(CUSTOMER_KINDS),
    name: z.string(),
    phones: z.array(z.string()).describe('National digits for Chinese numbers; masked (138****5678) unless revealed'),
    email: z.string().nullable(),
    gender: z.enum(['male', 'female', 'unknown']).nullable(),
    birthday: z.string().nullable().describe('YYYY-MM-DD'),
    lunarBirthday: lunarBirthday.nullable(),
    idType: z.enum(['resident', 'passport', 'other']).nullable(),
    idNumber: z.string().nullable(),
    piiMasked: z.boolean().describe('True when phones and ID number are masked in this response'),
    hidden: z.array(z.string()).describe("Fields the caller's role does not see (field grants): empty here whatever the customer's value"),
    address,
    tags: z.array(z.string()),
    preferences,
    source: z.string().nullable(),
    stage: z.enum(STAGES),
    ownerId: z.uuid().nullable(),
    ownerName: z.string().nullable(),
    teamId: z.uuid().nullable(),
    consent,
    notes: z.string().nullable(),
    custom: z.record(z.string(), customValue).describe('Custom field values by key; select values as stored'),
    version: z.number().int().describe('Send it back with an edit: a stale version is refused (409)'),
    createdAt: instant,
    updatedAt: instant,
    deletedAt: instant.nullable(),
    mergedIntoId: z.uuid().nullable().describe('The customer this one was merged into as a duplicate'),
  }),
);
export const customerPage = responseOf<CustomerPage>()(
  z.object({
    items: z.array(customerView),
    nextCursor: z.string().nullable(),
    total: z.number().int().nullable(),
    totalExact: z.boolean().describe('False when total is an estimate'),
  }),
);

export const contactView = responseOf<ContactView>()(
  z.object({
    id: z.uuid(),
    customerId: z.uuid(),
    name: z.string(),
    title: z.string().nullable(),
    phones: z.array(z.string()),
    email: z.string().nullable(),
    isPrimary: z.boolean(),
    notes: z.string().nullable(),
    piiMasked: z.boolean(),
  }),
);
export const contactList = responseOf<{ items: ContactView[] }>()(itemsOf(contactView));

export const revealView = responseOf<RevealView>()(
  z.object({
    phones: z.array(z.string()).nullable(),
    idNumber: z.string().nullable(),
    contacts: z.array(z.object({ id: z.uuid(), phones: z.array(z.string()) })),
  }),
);
/** GET /customers/field-access: the caller's level per field (a standard field's key or `custom.<key>`). */
export const fieldAccessView = responseOf<{ levels: Record<string, 'hidden' | 'read' | 'edit'> }>()(
  z.object({ levels: z.record(z.string(), z.enum(['hidden', 'read', 'edit'])).describe('hidden: not shown, read: shown, edit: may be changed') }),
);
export const customerHistoryView = responseOf<{ items: AuditView[] }>()(itemsOf(auditView));

// --- tags ------------------------------------------------------------------------------------------------------
export const tagCountList = responseOf<{ items: TagCount[] }>()(itemsOf(z.object({ tag: z.string(), count: z.number().int() })));
const tagDescription = {
  name: z.string(),
  color: z.string().nullable().describe('#RRGGBB or an Ant Design preset colour'),
  description: z.string().nullable(),
};
export const tagList = responseOf<{ items: TagView[] }>()(itemsOf(z.object({ ...tagDescription, count: z.number().int() })));
export const tagDescriptionView = responseOf<TagDescriptionView>()(z.object(tagDescription));
export const tagMergeView = responseOf<TagMergeView>()(z.object({ into: z.string(), customers: z.number().int() }));
export const tagDeleteView = responseOf<TagDeleteView>()(z.object({ customers: z.number().int() }));
export const bulkTagView = responseOf<BulkTagView>()(
  z.object({ matched: z.number().int(), changed: z.number().int(), notFound: z.array(z.string()) }),
);

// --- duplicates and merges -------------------------------------------------------------------------------------
export const mergeView = responseOf<MergeView>()(
  z.object({
    id: z.uuid(),
    survivorId: z.uuid(),
    survivorName: z.string(),
    mergedId: z.uuid(),
    mergedName: z.string(),
    choices: z.partialRecord(z.enum(MERGE_FIELDS), z.enum(['survivor', 'merged'])).describe("Which customer's value each field took"),
    moved: z.record(z.string(), z.number().int()).describe('How many rows moved to the survivor, per kind'),
    mergedAt: instant,
    mergedByName: z.string().nullable(),
    undoneAt: instant.nullable(),
    undoneByName: z.string().nullable(),
    undoable: z.boolean().describe('Not undone yet, and the survivor unchanged since the merge'),
  }),
);
export const duplicatePage = responseOf<DuplicatePage<CustomerView>>()(
  pageOf(z.object({ a: customerView, b: customerView, reasons: z.array(z.enum(DUPLICATE_REASONS)) })),
);
export const mergePage = responseOf<MergePage>()(pageOf(mergeView));
export const mergeResult = responseOf<MergeResult<CustomerView>>()(z.object({ merge: mergeView, survivor: customerView }));
export const undoMergeResult = responseOf<UndoMergeResult<CustomerView>>()(
  z.object({ merge: mergeView, survivor: customerView, merged: customerView }),
);
