/**
 * The feedback module's personal-data hook (issue #18): the person's feedback items (their text, the analysis, the
 * reply sent). Erasure: their items — linked to the customer, or an unmatched item whose contact phone or name is theirs
 * — keep source, category, sentiment, keywords and the handling times (the inbox figures, the trends and hot topics),
 * and lose what they wrote (「[已删除]」), the contact name and phone, and the reply's text; keywords and sentiment
 * drivers keep no identifying string of the person. A WeChat follower's binding to one of the person's numbers is
 * exported and removed.
 */
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client.js';
import { ERASED_TEXT, scrubJson, scrubText, sqlHoldsAny } from '../../platform/erasure.js';
import type { ErasureContext, PersonalDataHook } from '../privacy/index.js';
import { customerDirectory } from '../customers/index.js';
import { feedbackItems, feedbackWechatBindings } from './schema.js';

export const feedbackPersonalData: PersonalDataHook = {
  module: 'feedback',
  tables: ['feedback_items', 'feedback_wechat_bindings'],
  async export(db: DbOrTx, customerId: string) {
    const rows = await db.select().from(feedbackItems).where(eq(feedbackItems.customerId, customerId)).orderBy(asc(feedbackItems.createdAt), asc(feedbackItems.id));
    const b = feedbackWechatBindings;
    const bindings = await db
      .select()
      .from(b)
      .where(sql`${b.phone} = any(select unnest(${customerDirectory.phones}) from ${customerDirectory} where ${customerDirectory.id} = ${customerId})`)
      .orderBy(asc(b.boundAt));
    return [
      { name: 'items', table: 'feedback_items', rows },
      { name: 'wechat_bindings', table: 'feedback_wechat_bindings', rows: bindings },
    ];
  },
  async erase(db: DbOrTx, customerId: string, ctx: ErasureContext) {
    const unlinked = and(isNull(feedbackItems.customerId), or(sqlHoldsAny(feedbackItems.contactPhone, ctx.everywhere), sqlHoldsAny(feedbackItems.contactName, ctx.everywhere), sqlHoldsAny(feedbackItems.text, ctx.everywhere)));
    const rows = await db
      .select({ id: feedbackItems.id, replyText: feedbackItems.replyText, keywords: feedbackItems.keywords, drivers: feedbackItems.sentimentDrivers })
      .from(feedbackItems)
      .where(or(eq(feedbackItems.customerId, customerId), unlinked));
    for (const r of rows)
      await db
        .update(feedbackItems)
        .set({
          text: ERASED_TEXT,
          contactName: null,
          contactPhone: null,
          replyText: r.replyText === null ? null : ERASED_TEXT,
          keywords: r.keywords.map((k) => scrubText(k, ctx.needles)),
          sentimentDrivers: scrubJson(r.drivers, ctx.needles),
          updatedAt: ctx.now,
        })
        .where(eq(feedbackItems.id, r.id));
    const unbound = await db.delete(feedbackWechatBindings).where(sqlHoldsAny(feedbackWechatBindings.phone, ctx.everywhere)).returning({ openid: feedbackWechatBindings.openid });
    return { feedback_items: rows.length, feedback_wechat_bindings: unbound.length };
  },
};
