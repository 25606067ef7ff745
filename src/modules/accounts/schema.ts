import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, pgView, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

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
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

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
