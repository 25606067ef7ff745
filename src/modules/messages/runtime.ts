import { createHmac, timingSafeEqual } from 'node:crypto';

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

const UUID_HEX = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const signatureOf = (secret: Buffer, id: string) => createHmac('sha256', secret).update(`unsubscribe:${id.toLowerCase()}`).digest().subarray(0, 16);

/** The unsubscribe token of a message: its id (16 bytes) and a signature over it (16 bytes), both base64url. */
export function unsubscribeToken(secret: Buffer, messageId: string): string {
  const id = Buffer.from(messageId.replace(/-/g, ''), 'hex');
  return `${id.toString('base64url')}.${signatureOf(secret, messageId).toString('base64url')}`;
}

/** The message id of a genuine token; null for anything forged or mangled. */
export function verifyUnsubscribeToken(secret: Buffer, token: string): string | null {
  const [idPart, sigPart] = token.split('.');
  if (!idPart || !sigPart) return null;
  const raw = Buffer.from(idPart, 'base64url');
  if (raw.length !== 16) return null;
  const hex = raw.toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  if (!UUID_HEX.test(id)) return null;
  const given = Buffer.from(sigPart, 'base64url');
  const expected = signatureOf(secret, id);
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

export const unsubscribeUrl = (base: string, token: string) => `${base.replace(/\/+$/, '')}/unsubscribe/${token}`;
