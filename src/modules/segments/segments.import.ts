/**
 * Adding customers to a static list from a file of phones or customer numbers (外部编号). Values are matched among
 * the live customers the caller sees (customerAccess): a phone normalised as customers' phones are (+86 assumed), a
 * customer number exactly (the number of a customer merged into another leads to the survivor). A phone that matches
 * several customers is reported as ambiguous and adds none of them. One transaction: the file is read and checked
 * before anything is written, and the list is locked while it changes.
 */
import { sql, type SQL } from 'drizzle-orm';
import { reachesAll } from '../../platform/auth/access.js';
import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import { normalizePhone } from '../../platform/phone.js';
import { recordAudit } from '../audit/index.js';
import { customerAccess, customerDirectory, customerFields, customersByKeys } from '../customers/index.js';
import { SEGMENT_IMPORT_LIMITS, type SegmentImportKey, type SegmentImportReport } from './segments.contract.js';
import * as repo from './segments.repository.js';
import { companyClock } from '../settings/index.js';
import { valuesOf, type UploadedList } from './segments.upload.js';

const BATCH = 1000;

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

type Matched = { ids: Map<string, string>; ambiguous: string[] };

/** Each value's customer (value → customer id), and the values matching several customers. */
async function matchPhones(db: DbOrTx, values: string[], scope: SQL): Promise<Matched> {
  const phoneOf = new Map<string, string>();
  for (const v of values) {
    const p = normalizePhone(v);
    if (p) phoneOf.set(v, p);
  }
  const owners = new Map<string, Set<string>>(); // phone → customers
  for (const batch of chunks([...new Set(phoneOf.values())], BATCH)) {
    const rows = rowsOf<{ id: string; phones: string[] | string }>(
      await db.execute(sql`select c.id, c.phones from ${customerDirectory} c
        where c.deleted_at is null and ${scope} and c.phones && array[${sql.join(batch.map((p) => sql`${p}`), sql`, `)}]::text[]`),
    );
    const wanted = new Set(batch);
    for (const r of rows) {
      const phones = Array.isArray(r.phones) ? r.phones : String(r.phones).replace(/^\{|\}$/g, '').split(',');
      for (const p of phones) if (wanted.has(p)) (owners.get(p) ?? owners.set(p, new Set()).get(p)!).add(r.id);
    }
  }
  const ids = new Map<string, string>();
  const ambiguous: string[] = [];
  for (const [value, phone] of phoneOf) {
    const found = owners.get(phone);
    if (!found) continue;
    if (found.size > 1) ambiguous.push(value);
    else ids.set(value, [...found][0]!);
  }
  return { ids, ambiguous };
}

async function matchExternalIds(db: DbOrTx, actor: Actor, values: string[]): Promise<Matched> {
  const ids = new Map<string, string>();
  for (const batch of chunks(values, 5 * BATCH)) {
    const { byExternalId } = await customersByKeys(db, { externalIds: batch, phones: [] });
    for (const v of batch) {
      const ref = byExternalId.get(v);
      if (ref && customerAccess.reaches(actor, ref)) ids.set(v, ref.id);
    }
  }
  return { ids, ambiguous: [] };
}

/** Adds the customers named in the file to a static list; reports what was added, already there, not found or ambiguous. */
export async function importMembers(db: DbOrTx, actor: Actor | null, id: string, by: SegmentImportKey, upload: UploadedList): Promise<SegmentImportReport> {
  requireAccess(actor, 'segment:manage');
  // Field grants (issue #18): matching phones would tell which of them are customers' to a role that does not see phones.
  if (by === 'phone' && !customerFields(actor).visible('phones')) {
    throw new AppError('forbidden', 'fields.hidden', { field: 'by' }, [{ field: 'by', key: 'fields.hidden', params: { field: 'phones' } }]);
  }
  const values = valuesOf(upload, by); // a bad file is refused before anything is read or written
  const row = await repo.findSegment(db, id, { lock: true });
  if (!row) throw AppError.notFound('segments.not_found');
  if (row.deletedAt) throw AppError.conflict('segments.deleted');
  if (row.kind !== 'static') throw AppError.conflict('segments.not_static');

  const scope = customerAccess.where(actor, 'c');
  const { ids, ambiguous } = by === 'phone' ? await matchPhones(db, values, scope) : await matchExternalIds(db, actor, values);
  const unclear = new Set(ambiguous);
  const notFound = values.filter((v) => !ids.has(v) && !unclear.has(v));
  const customers = [...new Set(ids.values())];
  let added = 0;
  for (const batch of chunks(customers, BATCH)) added += (await repo.addMembers(db, id, batch)).length;

  const all = await repo.recount(db, id, (await companyClock(db)).today);
  const memberCount = reachesAll(actor) ? all : await repo.scopedMemberCount(db, id, scope);
  await recordAudit(db, actor, {
    action: 'segment.import',
    entityType: 'segment',
    entityId: id,
    changes: { by, values: values.length, added, notFound: notFound.length, ambiguous: ambiguous.length, fileName: upload.fileName },
  });
  const cap = SEGMENT_IMPORT_LIMITS.reported;
  return {
    values: values.length,
    added,
    alreadyMembers: customers.length - added,
    notFound: notFound.slice(0, cap),
    notFoundCount: notFound.length,
    ambiguous: ambiguous.slice(0, cap),
    ambiguousCount: ambiguous.length,
    memberCount,
  };
}
