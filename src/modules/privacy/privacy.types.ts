/** Request schemas of the personal-information rights API (个人信息请求). */
import { z } from 'zod';
import { pageQuery } from '../../platform/http/cursor.js';
import { optionalText, trimmedText } from '../../platform/http/validation.js';
import { PRIVACY_CHANNELS, PRIVACY_LIMITS, PRIVACY_REQUEST_KINDS, PRIVACY_REQUEST_STATUSES, VERIFICATION_METHODS } from './privacy.contract.js';

export const verificationBody = z.strictObject({
  method: z.enum(VERIFICATION_METHODS).describe('How the requester was shown to be the person (or their agent)'),
  note: optionalText(PRIVACY_LIMITS.verificationNote).describe('What was checked, e.g. the last four digits of the ID card'),
});

export const createRequestBody = z.strictObject({
  kind: z.enum(PRIVACY_REQUEST_KINDS),
  channel: z.enum(PRIVACY_CHANNELS).default('counter'),
  requesterName: trimmedText(PRIVACY_LIMITS.requesterName).min(1),
  requesterContact: optionalText(PRIVACY_LIMITS.requesterContact),
  details: optionalText(PRIVACY_LIMITS.details),
  customerId: z.uuid().nullable().optional().describe('The customer the request concerns, once known'),
  handlerId: z.uuid().nullable().optional().describe('A user holding privacy:manage'),
  receivedAt: z.iso.datetime({ offset: true }).optional().describe('When the request arrived (default now; never in the future)'),
  verification: verificationBody.optional().describe('Already verified at intake (e.g. at the counter)'),
});
export type CreateRequestInput = z.infer<typeof createRequestBody>;

export const updateRequestBody = z.strictObject({
  status: z.enum(PRIVACY_REQUEST_STATUSES).optional(),
  handlerId: z.uuid().nullable().optional(),
  customerId: z.uuid().nullable().optional(),
  details: optionalText(PRIVACY_LIMITS.details),
  verification: verificationBody.optional(),
  answer: optionalText(PRIVACY_LIMITS.answer).describe('What the person was told; required to answer or refuse'),
});
export type UpdateRequestInput = z.infer<typeof updateRequestBody>;

export const requestListQuery = z.strictObject({
  status: z.enum([...PRIVACY_REQUEST_STATUSES, 'open']).optional().describe('`open`: received, verifying or in progress'),
  kind: z.enum(PRIVACY_REQUEST_KINDS).optional(),
  overdue: z.enum(['true', 'false']).optional().describe('true: open requests past their due time'),
  customerId: z.uuid().optional(),
  handlerId: z.uuid().optional(),
  ...pageQuery(100, 50),
});
export type RequestListQuery = z.infer<typeof requestListQuery>;

export const requestIdParam = z.strictObject({ id: z.uuid() });
