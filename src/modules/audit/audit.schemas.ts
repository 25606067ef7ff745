/** Response schemas of the audit API (see platform/http/response.ts), tied to audit.contract.ts. */
import { z } from 'zod';
import { pageOf, responseOf } from '../../platform/http/response.js';
import type { AuditPage, AuditView } from './audit.contract.js';

export const auditView = responseOf<AuditView>()(
  z.object({
    id: z.number().int(),
    at: z.string().describe('ISO 8601 date-time'),
    actorId: z.string().nullable(),
    actorName: z.string().nullable(),
    via: z.string().describe('session, token, cli or system'),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    changes: z.unknown().describe('What changed: usually { field: [before, after] }'),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
);

export const auditPage = responseOf<AuditPage>()(pageOf(auditView));
