import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { teams, users } from '../accounts/schema.js';
import { VIEW_PAGES, type SavedViewState } from './views.contract.js';

/**
 * 保存的视图 (issue #21): a list page's filters, sort and columns under a name, personal (`team_id` null) or shared
 * with one team's members. Soft-deleted (`deleted_at`) so a removal can be undone; a name is unique per owner and
 * page among live rows.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    page: text('page', { enum: VIEW_PAGES }).notNull(),
    name: text('name').notNull(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    teamId: uuid('team_id').references(() => teams.id),
    state: jsonb('state').$type<SavedViewState>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('saved_views_owner_page_name_uq').on(t.ownerId, t.page, t.name).where(sql`${t.deletedAt} is null`),
    index('saved_views_team_page_idx').on(t.teamId, t.page),
  ],
);
