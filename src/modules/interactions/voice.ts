import type { DbOrTx } from '../../platform/db/client.js';

/**
 * An interaction an agent marked as the customer's feedback (记为客户反馈): what the customer said, for the modules that
 * collect customer voice (the feedback inbox). Each hook runs inside the logging transaction, so the interaction and
 * what a hook writes commit together.
 */
export type InteractionVoiceEvent = {
  interactionId: string;
  customerId: string;
  /** The notes (content), else the one-line summary. */
  text: string;
  occurredAt: Date;
  /** Who talked to the customer. */
  userId: string | null;
};

export type InteractionVoiceHook = (db: DbOrTx, e: InteractionVoiceEvent) => Promise<void>;

const hooks = new Set<InteractionVoiceHook>();

/** Registers a hook (the composition root, src/app.ts; registering the same function again changes nothing). */
export function registerInteractionVoiceHook(fn: InteractionVoiceHook): void {
  hooks.add(fn);
}

export async function interactionVoice(db: DbOrTx, e: InteractionVoiceEvent): Promise<void> {
  for (const fn of hooks) await fn(db, e);
}
