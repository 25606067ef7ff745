/**
 * The messages module's personal-data hook (issue #18): every outbox message to the person (text as sent, recipient,
 * status). Erasure: a message still queued is not sent (status `suppressed`, reason `customer_deleted`, like a message
 * whose customer was deleted); every message to the person keeps channel, category, template, status and times (the
 * delivery figures, the weekly cap's history) and loses its recipient, subject and text. A staff e-mail that names the
 * person (a report, a notification digest) keeps its text without their identifying strings.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { ERASED_MARK, ERASED_TEXT, scrubText, sqlHoldsAny } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { messages } from './schema.js';

export const messagePersonalData: PersonalDataHook = {
  module: 'messages',
  tables: ['messages'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(messages).where(eq(messages.customerId, customerId)).orderBy(asc(messages.createdAt), asc(messages.id));
    return [{ name: 'messages', table: 'messages', rows }];
  },
  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext) {
    const cancelled = await db
      .update(messages)
      .set({ status: 'suppressed', reason: 'customer_deleted', nextAttemptAt: null, updatedAt: ctx.now })
      .where(and(eq(messages.customerId, customerId), eq(messages.status, 'queued')))
      .returning({ id: messages.id });
    const all = await db
      .update(messages)
      .set({ recipient: ERASED_MARK, subject: null, body: ERASED_TEXT, lastError: null, updatedAt: ctx.now })
      .where(eq(messages.customerId, customerId))
      .returning({ id: messages.id });
    const staff = await db
      .select({ id: messages.id, subject: messages.subject, body: messages.body })
      .from(messages)
      .where(and(isNull(messages.customerId), sqlHoldsAny(messages.body, ctx.everywhere)));
    for (const m of staff) await db.update(messages).set({ subject: scrubText(m.subject, ctx.everywhere), body: scrubText(m.body, ctx.everywhere) }).where(eq(messages.id, m.id));
    return { messages: all.length + staff.length, messages_cancelled: cancelled.length };
  },
};
