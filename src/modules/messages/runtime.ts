import { signId, verifySignedId } from '../../platform/auth/signed-id.js';

/** What the messages module needs from the process it runs in. */
export type MessagingRuntime = {
  /** The clock every rule reads (quiet hours, the weekly cap, backoff); tests move it instead of sleeping. */
  now: () => Date;
  /** Asks a sender to try this message after the delay (a pg-boss job); the periodic sweep is the safety net. */
  kick: (id: string, delayMs: number) => Promise<void>;
  /**
   * Asks for one sweep of the outbox soon (every due message, in batches): after a bulk enqueue, instead of a job per
   * message. Optional: without it the periodic sweep (every 30 s in a server process) picks the messages up.
   */
  drain?: () => void;
  /** Where the log-only adapter writes. */
  log: (line: string) => void;
  /** The base of public links (unsubscribe) while the settings name none: http://localhost:3000. */
  fallbackUrl: string;
};

/** The unsubscribe token of a message (platform/auth/signed-id.ts, purpose 'unsubscribe'). */
export const unsubscribeToken = (secret: Buffer, messageId: string): string => signId(secret, 'unsubscribe', messageId);

/** The message id of a genuine token; null for anything forged or mangled. */
export const verifyUnsubscribeToken = (secret: Buffer, token: string): string | null => verifySignedId(secret, 'unsubscribe', token);

export const unsubscribeUrl = (base: string, token: string) => `${base.replace(/\/+$/, '')}/unsubscribe/${token}`;
