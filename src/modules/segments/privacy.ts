/**
 * The segments module's personal-data hook (issue #18): the segments the person is or was a member of, with entry and
 * exit times, and their row of the facts read model (`customer_facts`, keyed by the customer's id: what the segment
 * rules read about them).
 *
 * Erasure closes every open membership (exit time now: the membership ledger keeps when they were in, for the counts
 * already reported) and clears the building from their facts row; the erased record is soft-deleted, so no refresh
 * lets them in again.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { customerFacts, segmentMembers, segments } from './schema.js';

export const segmentPersonalData: PersonalDataHook = {
  module: 'segments',
  tables: ['segment_members', 'customer_facts'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db
      .select({ member: segmentMembers, segmentName: segments.name })
      .from(segmentMembers)
      .leftJoin(segments, eq(segments.id, segmentMembers.segmentId))
      .where(eq(segmentMembers.customerId, customerId))
      .orderBy(asc(segmentMembers.enteredAt));
    const facts = await db.select().from(customerFacts).where(eq(customerFacts.id, customerId));
    return [
      { name: 'memberships', table: 'segment_members', rows: rows.map((r) => ({ ...r.member, segmentName: r.segmentName })) },
      { name: 'facts', table: 'customer_facts', rows: facts },
    ];
  },
  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext) {
    const closed = await db
      .update(segmentMembers)
      .set({ exitedAt: ctx.now })
      .where(and(eq(segmentMembers.customerId, customerId), isNull(segmentMembers.exitedAt)))
      .returning({ id: segmentMembers.id });
    const facts = await db.update(customerFacts).set({ building: null }).where(eq(customerFacts.id, customerId)).returning({ id: customerFacts.id });
    return { segment_members: closed.length, customer_facts: facts.length };
  },
};
