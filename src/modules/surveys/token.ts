/**
 * The signed key of a survey link: `<invitation id>.<signature>` (both base64url; 22 + 1 + 22 characters). The id is
 * the invitation's 16 bytes, the signature the first 16 bytes of HMAC-SHA256 over `survey:<id>` with the
 * installation's signing key (the messages module's `signingSecret`, never returned by any API). A household's link
 * needs no sign-in: the token is the only key, so it cannot be guessed (128-bit signature) nor turned into another
 * invitation's. The same scheme, with the prefix `qr:`, signs the link a QR code carries, and with
 * `survey-response:` the key of a response begun from a QR code (responses.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token opens: an invitation, a QR code, or a response begun from a QR code (its page's key). */
export type TokenPurpose = 'survey' | 'qr' | 'survey-response';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const signature = (secret: Buffer, purpose: TokenPurpose, id: string) =>
  createHmac('sha256', secret).update(`${purpose}:${id.toLowerCase()}`).digest().subarray(0, 16);

/** The token of an invitation (purpose 'survey') or of a QR code (purpose 'qr'). */
export function signToken(secret: Buffer, id: string, purpose: TokenPurpose = 'survey'): string {
  if (!UUID.test(id)) throw new Error(`not an id: ${id}`);
  const raw = Buffer.from(id.replace(/-/g, ''), 'hex');
  return `${raw.toString('base64url')}.${signature(secret, purpose, id).toString('base64url')}`;
}

/** The id a genuine token carries; null for anything forged, mangled or signed for another purpose. */
export function verifyToken(secret: Buffer, token: string, purpose: TokenPurpose = 'survey'): string | null {
  if (typeof token !== 'string' || token.length > 64) return null;
  const [idPart, sigPart, extra] = token.split('.');
  if (!idPart || !sigPart || extra !== undefined) return null;
  const raw = Buffer.from(idPart, 'base64url');
  const sig = Buffer.from(sigPart, 'base64url');
  if (raw.length !== 16 || sig.length !== 16) return null;
  const hex = raw.toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return timingSafeEqual(sig, signature(secret, purpose, id)) ? id : null;
}
