/** Response schemas of the personal-information rights API. */
import { z } from 'zod';
import { itemsOf, pageWithTotalOf, responseOf } from '../../platform/http/response.js';
import {
  PRIVACY_REQUEST_CHANNELS,
  PRIVACY_REQUEST_KINDS,
  PRIVACY_REQUEST_STATUSES,
  VERIFICATION_METHODS,
  type PrivacyHookList,
  type PrivacyRequestDetail,
  type PrivacyRequestPage,
  type PrivacyRequestView,
} from './privacy.contract.js';

const requestFields = {
  id: z.string(),
  number: z.number().int(),
  kind: z.enum(PRIVACY_REQUEST_KINDS),
  status: z.enum(PRIVACY_REQUEST_STATUSES),
  channel: z.enum(PRIVACY_REQUEST_CHANNELS),
  requesterName: z.string(),
  requesterContact: z.string().nullable(),
  details: z.string().nullable(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  verification: z
    .object({
      method: z.enum(VERIFICATION_METHODS),
      note: z.string().nullable(),
      verifiedById: z.string().nullable(),
      verifiedByName: z.string().nullable(),
      verifiedAt: z.string(),
    })
    .nullable(),
  handlerId: z.string().nullable(),
  handlerName: z.string().nullable(),
  receivedAt: z.string(),
  dueDay: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  dueSoon: z.boolean(),
  answer: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

export const privacyRequestView = responseOf<PrivacyRequestView>()(z.object(requestFields));
export const privacyRequestDetail = responseOf<PrivacyRequestDetail>()(
  z.object({
    ...requestFields,
    history: z.array(z.object({ id: z.number(), at: z.string(), actorName: z.string().nullable(), action: z.string(), actionLabel: z.string(), changes: z.unknown() })),
  }),
);
export const privacyRequestPage = responseOf<PrivacyRequestPage>()(pageWithTotalOf(privacyRequestView));
export const privacyHookList = responseOf<PrivacyHookList>()(itemsOf(z.object({ module: z.string(), tables: z.array(z.string()) })));
