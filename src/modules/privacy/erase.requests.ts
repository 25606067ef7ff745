/**
 * The privacy module's own part of an erasure (issue #18): the person's requests — linked to the customer, or one whose
 * requester contact is theirs — keep number, kind, channel, dates, status and the verification method (the register
 * must show that a request was received and answered in time), and lose the requester's name (the pseudonym), contact,
 * what they asked in their words, the verification note; the answer keeps no identifying string.
 */
import { and, eq, isNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { ERASED_TEXT, scrubText, sqlHoldsAny, type ErasureContext } from './hooks.js';
import { privacyRequests } from './schema.js';

export async function erasePrivacyRequests(db: DbOrTx, customerId: string, ctx: ErasureContext): Promise<Record<string, number>> {
  const rows = await db
    .select({ id: privacyRequests.id, details: privacyRequests.details, answer: privacyRequests.answer })
    .from(privacyRequests)
    .where(or(eq(privacyRequests.customerId, customerId), and(isNull(privacyRequests.customerId), sqlHoldsAny(privacyRequests.requesterContact, ctx.everywhere))));
  for (const r of rows)
    await db
      .update(privacyRequests)
      .set({
        requesterName: ctx.pseudonym,
        requesterContact: null,
        details: r.details === null ? null : ERASED_TEXT,
        verificationNote: null,
        answer: scrubText(r.answer, ctx.needles),
      })
      .where(eq(privacyRequests.id, r.id));
  return { privacy_requests: rows.length };
}
