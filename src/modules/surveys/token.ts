/**
 * The keys of survey links (platform/auth/signed-id.ts, under the installation's signing key — the messages module's
 * `signingSecret`, never returned by any API): an invitation's link `/s/v/<token>` (purpose 'survey'), a QR code's
 * `/s/q/<token>` ('qr'), and a response begun from a QR code (its page's key, 'survey-response', responses.ts). A
 * household's link needs no sign-in: the token is the only key.
 */
import { signId, verifySignedId } from '../../platform/auth/signed-id.js';

/** What a token opens: an invitation, a QR code, or a response begun from a QR code (its page's key). */
export type TokenPurpose = 'survey' | 'qr' | 'survey-response';

/** The token of an invitation (purpose 'survey'), a QR code ('qr') or a QR response ('survey-response'). */
export const signToken = (secret: Buffer, id: string, purpose: TokenPurpose = 'survey'): string => signId(secret, purpose, id);

/** The id a genuine token carries; null for anything forged, mangled or signed for another purpose. */
export const verifyToken = (secret: Buffer, token: string, purpose: TokenPurpose = 'survey'): string | null => verifySignedId(secret, purpose, token);
