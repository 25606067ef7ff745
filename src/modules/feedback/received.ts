/**
 * Feedback received: a higher module (loyalty: points for giving feedback) hears of every item recorded for a
 * customer, inside the recording transaction. One hook per name (registering the name again replaces it).
 */
import type { DbOrTx } from '../../platform/db/client.js';
import type { FeedbackSource } from './feedback.contract.js';

export type FeedbackReceivedEvent = { feedbackId: string; customerId: string; source: FeedbackSource; at: Date };
export type FeedbackReceivedHook = (db: DbOrTx, e: FeedbackReceivedEvent) => Promise<void>;

const hooks = new Map<string, FeedbackReceivedHook>();

export function registerFeedbackReceivedHook(name: string, hook: FeedbackReceivedHook): void {
  hooks.set(name, hook);
}

export async function feedbackReceived(db: DbOrTx, e: FeedbackReceivedEvent): Promise<void> {
  for (const hook of hooks.values()) await hook(db, e);
}
