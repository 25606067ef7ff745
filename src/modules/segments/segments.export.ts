/**
 * A segment's members exported "like the customer list": the customers module's export (same columns, masking of
 * phones and ID numbers without `customer:pii`, the exporter's data scope, the audit entry before the first row),
 * restricted to the segment's current members. Streamed in batches: a large segment is never built in memory.
 */
import type { Readable } from 'node:stream';
import { sql, type SQLWrapper } from 'drizzle-orm';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { exportCustomerSubsetCsv, exportCustomerSubsetXlsx, type CustomerSubset } from '../customers/index.js';
import { segmentMembers } from './schema.js';
import * as repo from './segments.repository.js';

/** The segment's current members as a subset for the customers export, and its name (for the file). */
async function subsetOf(db: DbOrTx, actor: Actor | null, id: string): Promise<{ subset: CustomerSubset; name: string }> {
  requireAccess(actor, 'segment:read');
  requireAccess(actor, 'customer:export');
  const row = await repo.findSegment(db, id);
  if (!row) throw AppError.notFound('segments.not_found');
  return {
    name: row.name,
    subset: {
      within: (customerId: SQLWrapper) =>
        sql`${customerId} in (select sm.customer_id from ${segmentMembers} sm where sm.segment_id = ${id}::uuid and sm.exited_at is null)`,
      audit: { segment: { id: row.id, name: row.name } },
    },
  };
}

export async function exportMembersCsv(db: DbOrTx, actor: Actor | null, id: string, locale: Locale): Promise<{ lines: AsyncGenerator<string>; name: string }> {
  const { subset, name } = await subsetOf(db, actor, id);
  return { lines: await exportCustomerSubsetCsv(db, actor, subset, locale), name };
}

export async function exportMembersXlsx(
  db: DbOrTx,
  actor: Actor | null,
  id: string,
  locale: Locale,
  timeZone: string,
): Promise<{ stream: Readable; name: string }> {
  const { subset, name } = await subsetOf(db, actor, id);
  return { stream: await exportCustomerSubsetXlsx(db, actor, subset, locale, timeZone), name };
}

/** `attachment` with an ASCII name and the segment's own name (RFC 5987) for browsers that read it. */
export function attachment(name: string, ext: 'csv' | 'xlsx'): string {
  const stamp = new Date().toISOString().slice(0, 10);
  const own = `${name.replace(/[\\/:*?"<>|\r\n]+/g, '_')}-${stamp}.${ext}`;
  return `attachment; filename="segment-members-${stamp}.${ext}"; filename*=UTF-8''${encodeURIComponent(own)}`;
}
