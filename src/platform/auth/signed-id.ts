/**
 * A record's id as a key for a link that needs no sign-in (an unsubscribe link, a survey invitation, a QR code):
 * `<id>.<signature>`, both base64url (22 + 1 + 22 characters). The id is the record's 16 bytes, the signature the
 * first 16 bytes of HMAC-SHA256 over `<purpose>:<id>` with the installation's signing key. The key cannot be guessed
 * (a 128-bit signature), turned into another record's, or used for another purpose.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const signature = (secret: Buffer, purpose: string, id: string) => createHmac('sha256', secret).update(`${purpose}:${id.toLowerCase()}`).digest().subarray(0, 16);

/** The key of record `id` for `purpose`. */
export function signId(secret: Buffer, purpose: string, id: string): string {
  if (!UUID.test(id)) throw new Error(`not an id: ${id}`);
  const raw = Buffer.from(id.replace(/-/g, ''), 'hex');
  return `${raw.toString('base64url')}.${signature(secret, purpose, id).toString('base64url')}`;
}

/** The id a genuine key for `purpose` carries; null for anything forged, mangled or signed for another purpose. */
export function verifySignedId(secret: Buffer, purpose: string, token: string): string | null {
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
