import { z } from 'zod';
import { PERMISSIONS, ROLE_KEYS, SCOPES } from '../../platform/auth/permissions.js';
import { normalizePhone } from '../../platform/phone.js';

export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/)
  .transform((s) => s.toLowerCase())
  .describe('3–32 letters, digits, _ . -; stored lower-case');

export const passwordSchema = z.string().min(8).max(128).describe('At least 8 characters with letters and digits');

/** A mobile number, normalised to E.164 (+86 default). */
export const mobileSchema = z
  .string()
  .trim()
  .max(32)
  .transform((v, ctx) => {
    const n = normalizePhone(v);
    if (!n) {
      ctx.addIssue({ code: 'custom', message: 'validation.invalid_phone', params: { value: v.slice(0, 32) } });
      return z.NEVER;
    }
    return n;
  });

export const roleKeySchema = z.enum(ROLE_KEYS);
export const permissionSchema = z.enum(PERMISSIONS);
export const scopeSchema = z.enum(SCOPES);
export const idParam = z.strictObject({ id: z.uuid() });

export const loginBody = z.strictObject({
  login: z.string().trim().min(1).max(64).describe('Username or mobile number'),
  password: z.string().min(1).max(128),
});

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: passwordSchema,
});

export const setupBody = z.strictObject({
  companyName: z.string().trim().min(1).max(100),
  template: z.enum(['blank', 'heating']).default('blank'),
  admin: z.strictObject({
    username: usernameSchema,
    displayName: z.string().trim().min(1).max(64),
    password: passwordSchema,
    mobile: mobileSchema.optional(),
    email: z.email().max(254).optional(),
  }),
});
export type SetupInput = z.infer<typeof setupBody>;

export const createUserBody = z.strictObject({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(64),
  password: passwordSchema,
  mobile: mobileSchema.optional(),
  email: z.email().max(254).optional(),
  roleKey: roleKeySchema,
  teamId: z.uuid().nullable().optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
});
export type CreateUserInput = z.infer<typeof createUserBody>;

export const updateUserBody = z.strictObject({
  displayName: z.string().trim().min(1).max(64).optional(),
  mobile: mobileSchema.nullable().optional(),
  email: z.email().max(254).nullable().optional(),
  roleKey: roleKeySchema.optional(),
  teamId: z.uuid().nullable().optional(),
  active: z.boolean().optional(),
  locale: z.enum(['zh-CN', 'en']).nullable().optional(),
  unlock: z.boolean().optional().describe('Clear a temporary sign-in lockout'),
});
export type UpdateUserInput = z.infer<typeof updateUserBody>;

export const resetPasswordBody = z.strictObject({ password: passwordSchema });

export const teamBody = z.strictObject({
  name: z.string().trim().min(1).max(64),
  kind: z.enum(['department', 'group']).default('group'),
  parentId: z.uuid().nullable().optional(),
});
export const teamPatch = z.strictObject({
  name: z.string().trim().min(1).max(64).optional(),
  kind: z.enum(['department', 'group']).optional(),
  parentId: z.uuid().nullable().optional(),
});

export const rolePatch = z.strictObject({
  scope: scopeSchema.optional(),
  permissions: z.array(permissionSchema).max(64).optional(),
});

export const createTokenBody = z.strictObject({
  name: z.string().trim().min(1).max(64),
  permissions: z.array(permissionSchema).max(64).optional().describe("Defaults to all of the creator's permissions"),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
