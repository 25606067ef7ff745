import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, pgView, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** 部门 / 班组: departments contain groups; a "team" data scope covers a team and everything below it. */
export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['department', 'group'] }).notNull().default('group'),
    parentId: uuid('parent_id').references((): AnyPgColumn => teams.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('teams_name_unique').on(t.name).where(sql`${t.deletedAt} is null`)],
);

/** A role maps to named permissions and one data scope. The built-in roles are seeded by a migration. */
export const roles = pgTable('roles', {
  key: text('key').primaryKey(),
  scope: text('scope', { enum: ['own', 'team', 'all'] }).notNull(),
  permissions: text('permissions').array().notNull(),
  builtin: boolean('builtin').notNull().default(true),
  /** Changed by an admin: from then on it no longer follows the code's defaults. */
  customized: boolean('customized').notNull().default(false),
  /**
   * Field-level access (issue #18, platform/auth/field-catalog.ts): the customer fields the role sees (`read`) or
   * changes (`edit`), an allow-list — a field not named is hidden. Null: every field `edit` (capped by the
   * permissions), as before field grants existed; the admin role's is always null.
   */
  fieldGrants: jsonb('field_grants').$type<Record<string, 'read' | 'edit'>>(),
  updatedAt: updatedAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    mobile: text('mobile'),
    email: text('email'),
    passwordHash: text('password_hash').notNull(),
    roleKey: text('role_key')
      .notNull()
      .references(() => roles.key),
    teamId: uuid('team_id').references(() => teams.id),
    active: boolean('active').notNull().default(true),
    locale: text('locale', { enum: ['zh-CN', 'en'] }),
    failedLogins: integer('failed_logins').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('users_username_unique').on(t.username),
    uniqueIndex('users_mobile_unique').on(t.mobile),
    index('users_team_idx').on(t.teamId),
  ],
);

/** Browser sessions. Only a SHA-256 of the cookie value is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    csrfToken: text('csrf_token').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /**
     * A sign-in still waiting for its second step: `totp` (the code of the user's authenticator app) or `enrol` (an
     * administrator the company requires two-factor sign-in of, who has none yet). Such a session reaches only the
     * routes of that step; null once signed in.
     */
    pending: text('pending', { enum: ['totp', 'enrol'] }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * TOTP two-factor sign-in (RFC 6238, 30 s, 6 digits, SHA-1 as authenticator apps expect): one row per user while
 * enrolling (`confirmed_at` null) and once enrolled. The secret is sealed (platform/secrets.ts); recovery codes are
 * kept as SHA-256 hashes (80 random bits each, so a fast hash is enough, as for API tokens), each good once.
 */
export const userTotp = pgTable('user_totp', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id),
  secret: text('secret').notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  /** The time step of the last code accepted: a code is good once (no replay within its window). */
  lastStep: bigint('last_step', { mode: 'number' }),
  recoveryCodes: text('recovery_codes').array().notNull().default(sql`'{}'::text[]`),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Bearer tokens for integrations. Permissions are a subset of the creator's, re-checked on every use. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    permissions: text('permissions').array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_tokens_hash_unique').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

/**
 * The module's exported reads (other modules name these views, never the tables): who a user is (no credentials,
 * no sign-in state) and the team tree (deleted teams included, with `deleted_at`, for history).
 */
export const userDirectory = pgView('user_directory').as((qb) =>
  qb
    .select({
      id: users.id,
      username: users.username,
      displayName: users.displayName,
      teamId: users.teamId,
      roleKey: users.roleKey,
      active: users.active,
      locale: users.locale,
      createdAt: users.createdAt,
    })
    .from(users),
);

export const teamDirectory = pgView('team_directory').as((qb) =>
  qb.select({ id: teams.id, name: teams.name, kind: teams.kind, parentId: teams.parentId, deletedAt: teams.deletedAt }).from(teams),
);
