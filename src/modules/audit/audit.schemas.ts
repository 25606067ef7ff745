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
    actionLabel: z.string().describe("The action's label in the caller's language"),
    entityType: z.string(),
    entityLabel: z.string().describe("The entity type's label in the caller's language"),
    entityId: z.string().nullable(),
    changes: z.unknown().describe('What changed: usually { field: [before, after] }'),
    fieldLabels: z.record(z.string(), z.string()).describe('Labels of the keys of changes, where a field label exists'),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  }),
);

export const auditPage = responseOf<AuditPage>()(pageOf(auditView));
