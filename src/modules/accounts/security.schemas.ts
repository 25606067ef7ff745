/** Response schemas of the accounts module's security API, tied to security.contract.ts. */
import { z } from 'zod';
import { itemsOf, responseOf } from '../../platform/http/response.js';
import type { PendingSignInView, RecoveryCodesView, SecuritySettingsView, SessionView, TwoFactorEnrolmentView, TwoFactorStatusView } from './security.contract.js';

const instant = z.string().describe('ISO 8601 date-time');

export const pendingSignInView = responseOf<PendingSignInView>()(
  z.object({
    step: z.enum(['code', 'enrol']).nullable().describe("The second step this browser's sign-in still waits for; null: none"),
    csrfToken: z.string().nullable().describe("The waiting session's CSRF token, for that step's writes; null without one"),
  }),
);
export const twoFactorStatusView = responseOf<TwoFactorStatusView>()(
  z.object({
    enabled: z.boolean(),
    enabledAt: instant.nullable(),
    recoveryCodesLeft: z.number().int(),
    required: z.boolean().describe('The company requires it of this user (an administrator)'),
  }),
);
export const twoFactorEnrolmentView = responseOf<TwoFactorEnrolmentView>()(
  z.object({
    secret: z.string().describe('Base32, to type into an authenticator app'),
    uri: z.string().describe('otpauth://totp/… (what the QR code holds)'),
    qr: z.string().describe('The QR code as a PNG data URL'),
  }),
);
export const recoveryCodesView = responseOf<RecoveryCodesView>()(
  z.object({ recoveryCodes: z.array(z.string()).describe('Each good once; shown only this time') }),
);
export const sessionView = responseOf<SessionView>()(
  z.object({
    id: z.string().describe('A handle to revoke the session by'),
    device: z.string(),
    userAgent: z.string().nullable(),
    ip: z.string().nullable(),
    createdAt: instant,
    lastSeenAt: instant,
    current: z.boolean(),
  }),
);
export const sessionList = responseOf<{ items: SessionView[] }>()(itemsOf(sessionView));
export const revokedView = responseOf<{ revoked: number }>()(z.object({ revoked: z.number().int() }));
export const securitySettingsView = responseOf<SecuritySettingsView>()(z.object({ requireAdminTwoFactor: z.boolean() }));
