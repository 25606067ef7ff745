import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import type { MergeHook } from '../customers/index.js';
import { recount } from './segments.repository.js';
import { companyClock } from '../settings/index.js';

/** Recounts the lists a merge or its undo changed (today's point included). */
async function recountAll(db: DbOrTx, segmentIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(segmentIds)];
  if (!ids.length) return;
  const { today } = await companyClock(db);
  for (const id of ids) await recount(db, id, today);
}

/**
 * Merging duplicate customers: the duplicate's current places on static lists move to the survivor (unless the
 * survivor is already on that list); undo moves exactly those back. Dynamic segments need nothing: the merged
 * customer is deleted and leaves them at the next refresh, and the survivor is a member exactly when it matches.
 */
export const segmentMergeHook: MergeHook = {
  key: 'segments',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = rowsOf<{ id: string; segmentId: string }>(
      await db.execute(sql`
        update segment_members m set customer_id = ${toId}
        from segments s
        where s.id = m.segment_id and s.kind = 'static' and m.customer_id = ${fromId} and m.exited_at is null
          and not exists (select 1 from segment_members x where x.segment_id = m.segment_id and x.customer_id = ${toId} and x.exited_at is null)
        returning m.id, m.segment_id as "segmentId"`),
    );
    await recountAll(db, rows.map((r) => r.segmentId));
    return rows.map((r) => r.id);
  },
  async moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
    const moved: string[] = [];
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      const rows = rowsOf<{ segmentId: string }>(
        await db.execute(sql`
          update segment_members set customer_id = ${toId}
          where id in (${sql.join(slice.map((id) => sql`${id}::uuid`), sql`, `)}) and customer_id = ${fromId}
          returning segment_id as "segmentId"`),
      );
      moved.push(...rows.map((r) => r.segmentId));
    }
    await recountAll(db, moved);
  },
};
