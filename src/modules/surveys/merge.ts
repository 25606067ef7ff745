import { sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../platform/db/client.js';
import type { MergeHook } from '../customers/index.js';
import { surveyInvitations, surveyResponses } from './schema.js';

/** Ids moved back in slices (one statement each). */
const SLICE = 1000;

async function moveBack(db: DbOrTx, table: typeof surveyInvitations | typeof surveyResponses, ids: readonly string[], fromId: string, toId: string): Promise<void> {
  for (let i = 0; i < ids.length; i += SLICE) {
    await db.execute(sql`
      update ${table} set customer_id = ${toId}
      where id = any(${sql.param(ids.slice(i, i + SLICE))}::uuid[]) and customer_id = ${fromId}`);
  }
}

/**
 * Merging duplicate customers: the duplicate's survey invitations move to the survivor (so the fatigue rule, the
 * "already invited" checks and a live link count for the survivor), except one from a send that invited the survivor
 * too — a send invites a customer once (`survey_invitations_send_customer_unique`), so that one stays with the merged
 * customer. Undo moves exactly the moved ones back.
 */
export const surveyInvitationMergeHook: MergeHook = {
  key: 'survey_invitations',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await db.execute(sql`
        update ${surveyInvitations} i set customer_id = ${toId}
        where i.customer_id = ${fromId}
          and (i.send_id is null or not exists (select 1 from ${surveyInvitations} x where x.send_id = i.send_id and x.customer_id = ${toId}))
        returning i.id`),
    );
    return rows.map((r) => r.id);
  },
  async moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
    await moveBack(db, surveyInvitations, ids, fromId, toId);
  },
};

/**
 * The duplicate's survey answers (partial and complete, from invitations and from self-identified QR codes) move to
 * the survivor: its timeline and the results by customer include them. Undo moves exactly those back.
 */
export const surveyResponseMergeHook: MergeHook = {
  key: 'survey_responses',
  async move(db: DbOrTx, fromId: string, toId: string): Promise<string[]> {
    const rows = await db
      .update(surveyResponses)
      .set({ customerId: toId })
      .where(sql`${surveyResponses.customerId} = ${fromId}`)
      .returning({ id: surveyResponses.id });
    return rows.map((r) => r.id);
  },
  async moveBack(db: DbOrTx, ids: readonly string[], fromId: string, toId: string): Promise<void> {
    await moveBack(db, surveyResponses, ids, fromId, toId);
  },
};

/** Both, in the order they are registered (src/app.ts). */
export const surveyMergeHooks: readonly MergeHook[] = [surveyInvitationMergeHook, surveyResponseMergeHook];
