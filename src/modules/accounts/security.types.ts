/** Request schemas of the accounts module's security API (two-factor sign-in, sessions, policy). */
import { z } from 'zod';

const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .describe('The 6-digit code of the authenticator app, or (signing in, disabling) one of the recovery codes');

export const twoFactorCodeBody = z.strictObject({ code });
export const disableTwoFactorBody = z.strictObject({ code, password: z.string().min(1).max(128).describe('The current password') });
export const sessionParam = z.strictObject({ id: z.string().regex(/^[0-9a-f]{32}$/).describe('The session handle of the list') });
export const userIdParam = z.strictObject({ id: z.uuid() });
export const securitySettingsBody = z.strictObject({ requireAdminTwoFactor: z.boolean() });
