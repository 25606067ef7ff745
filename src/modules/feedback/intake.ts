/**
 * Customer voice that reaches the inbox from other modules' records (issue #19's intake), each with its source and a
 * link back (`source_ref`): a ticket rating's comment (`rating`, `ticket:<id>`); an interaction the agent marked as
 * feedback (`interaction`, `interaction:<id>`); a survey response's free-text answers (`survey`,
 * `survey-response:<id>`, one item per answer). Each runs in the writing module's
 * transaction through the hook it offers, so the item and its record commit together.
 */
import type { DbOrTx } from '../../platform/db/client.js';
import type { InteractionVoiceEvent } from '../interactions/index.js';
import type { SurveyVoiceEvent } from '../surveys/index.js';
import type { TicketRatedEvent } from '../tickets/index.js';
import { recordFeedback } from './feedback.service.js';

/** A rating with a comment becomes an item (a rating without one says nothing to read). */
export async function feedbackFromTicketRating(db: DbOrTx, e: TicketRatedEvent): Promise<void> {
  const text = e.comment?.trim();
  if (!text) return;
  await recordFeedback(db, {
    text,
    source: 'rating',
    sourceRef: `ticket:${e.ticketId}`,
    customerId: e.customerId,
    contactName: e.customerId ? null : e.contactName,
    contactPhone: e.customerId ? null : e.contactPhone,
    now: e.ratedAt,
  });
}

/** An interaction marked 记为客户反馈: the customer's words, recorded by the agent who talked to them. */
export async function feedbackFromInteraction(db: DbOrTx, e: InteractionVoiceEvent): Promise<void> {
  await recordFeedback(db, { text: e.text, source: 'interaction', sourceRef: `interaction:${e.interactionId}`, customerId: e.customerId, createdBy: e.userId, now: e.occurredAt });
}

/** A completed survey response's free-text answers, one item each. */
export async function feedbackFromSurvey(db: DbOrTx, e: SurveyVoiceEvent): Promise<void> {
  for (const answer of e.texts) {
    await recordFeedback(db, { text: answer.text, source: 'survey', sourceRef: `survey-response:${e.responseId}`, customerId: e.customerId, now: e.completedAt });
  }
}
