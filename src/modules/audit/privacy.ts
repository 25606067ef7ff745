/** The audit module's personal-data hook (issue #18): the audit entries about the person (entity `customer`, their id). */
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { PersonalDataHook } from '../privacy/index.js';
import { auditLog } from './schema.js';

export const auditPersonalData: PersonalDataHook = {
  module: 'audit',
  tables: ['audit_log'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(auditLog).where(and(eq(auditLog.entityType, 'customer'), eq(auditLog.entityId, customerId))).orderBy(asc(auditLog.id));
    return [{ name: 'entries', table: 'audit_log', rows }];
  },
};
