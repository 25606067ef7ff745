/**
 * A customer's feedback on their timeline (interactions' registry): each live item at its arrival (客户反馈 #n, its
 * sentiment, source and status, the text), and each reply at the time it was sent (回复客户反馈 #n, the reply's text).
 * Two kinds, so each pages on its own time. Merging duplicate customers moves their items to the survivor (and back
 * on undo). `registerFeedbackHooks` is the composition root's one call for both.
 */
import type { DbOrTx } from '../../platform/db/client.js';
import { t, type MessageKey } from '../../platform/i18n/index.js';
import type { MergeHook } from '../customers/index.js';
import type { TimelineItem, TimelineQuery, TimelineSource } from '../interactions/index.js';
import * as repo from './feedback.repository.js';

const clip = (s: string, n: number) => (Array.from(s).length > n ? `${Array.from(s).slice(0, n).join('')}…` : s);

export const feedbackTimelineSource: TimelineSource = {
  kind: 'feedback',
  async events(db: DbOrTx, q: TimelineQuery): Promise<TimelineItem[]> {
    const rows = await repo.itemsForTimeline(db, q.customerId, 'item', q.before, q.limit);
    return rows.map((r) => ({
      kind: 'feedback',
      id: r.id,
      at: new Date(r.at).toISOString(),
      sortAt: r.sort_at,
      title: t(q.locale, 'feedback.timeline.title', { number: r.number }),
      summary: [
        t(q.locale, `feedback.sentiment.${r.sentiment}` as MessageKey),
        t(q.locale, `feedback.source.${r.source}` as MessageKey),
        t(q.locale, `feedback.status.${r.status}` as MessageKey),
        clip(r.text, 80),
      ].join(' · '),
      actor: null,
      data: { id: r.id, number: r.number, source: r.source, status: r.status, sentiment: r.sentiment, text: r.text },
    }));
  },
};

export const feedbackReplyTimelineSource: TimelineSource = {
  kind: 'feedback_reply',
  async events(db: DbOrTx, q: TimelineQuery): Promise<TimelineItem[]> {
    const rows = await repo.itemsForTimeline(db, q.customerId, 'reply', q.before, q.limit);
    return rows.map((r) => ({
      kind: 'feedback_reply',
      id: r.id,
      at: new Date(r.at).toISOString(),
      sortAt: r.sort_at,
      title: t(q.locale, 'feedback.timeline.reply_title', { number: r.number }),
      summary: clip(r.reply_text ?? '', 120),
      actor: null,
      data: { id: r.id, number: r.number, replyText: r.reply_text },
    }));
  },
};

/** Merging duplicate customers: their feedback moves to the survivor (and back on undo). */
export const feedbackMergeHook: MergeHook = {
  key: 'feedback',
  move: (db, fromId, toId) => repo.moveItemsToCustomer(db, fromId, toId),
  moveBack: (db, ids, fromId, toId) => repo.moveItemsBack(db, ids, fromId, toId),
};

/** The composition root's one call: the timeline sources and the merge hook (app.ts passes the registries). */
export function registerFeedbackHooks(registries: { registerTimelineSource(source: TimelineSource): void; registerMergeHook(hook: MergeHook): void }): void {
  registries.registerTimelineSource(feedbackTimelineSource);
  registries.registerTimelineSource(feedbackReplyTimelineSource);
  registries.registerMergeHook(feedbackMergeHook);
}
