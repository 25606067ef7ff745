/** Response schemas of the consent ledger (同意记录) and the consent texts. */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import {
  CONSENT_ACTIONS,
  CONSENT_CHANNELS,
  CONSENT_ENTRY_PURPOSES,
  CONSENT_PURPOSES,
  CONSENT_SOURCES,
  type ConsentLedgerView,
  type ConsentTextList,
  type ConsentTextView,
} from './consent.contract.js';

const entry = z.object({
  id: z.number().int(),
  channel: z.enum(CONSENT_CHANNELS),
  purpose: z.enum(CONSENT_ENTRY_PURPOSES),
  action: z.enum(CONSENT_ACTIONS),
  source: z.enum(CONSENT_SOURCES),
  textId: z.string().nullable(),
  textVersion: z.number().int().nullable(),
  recordedAt: z.string(),
  recordedById: z.string().nullable(),
  recordedByName: z.string().nullable(),
  note: z.string().nullable(),
  ref: z.string().nullable(),
});

export const consentLedgerView = responseOf<ConsentLedgerView>()(
  z.object({
    customerId: z.string(),
    state: z.array(z.object({ channel: z.enum(CONSENT_CHANNELS), purpose: z.enum(CONSENT_PURPOSES), granted: z.boolean(), entryId: z.number().int().nullable(), at: z.string().nullable() })),
    items: z.array(entry),
    nextCursor: z.string().nullable(),
  }),
);

export const consentTextView = responseOf<ConsentTextView>()(
  z.object({
    id: z.string(),
    version: z.number().int(),
    titleZh: z.string(),
    titleEn: z.string().nullable(),
    bodyZh: z.string(),
    bodyEn: z.string().nullable(),
    current: z.boolean(),
    used: z.number().int(),
    revision: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export const consentTextList = responseOf<ConsentTextList>()(itemsOf(consentTextView));
