import { sql } from 'drizzle-orm';
import { date, integer, pgTable, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { runColumns } from '../../platform/runs/columns.js';

/** Where a demo load stands: written with each batch's households, so a resume is exact. */
export type DemoCheckpoint = {
  /** Households written (0…loaded−1). */
  loaded: number;
  customers: number;
  transactions: number;
  /** Index definitions set aside for a bulk load (PostgreSQL, or the CLI), built again at its end. */
  droppedIndexes: string[];
  /** Scripts of the service history played (activity.ts), when the load plays it. */
  activity?: number;
};

/**
 * The demo load: one row per installation (a demo is loaded into a fresh installation once; the same parameters
 * again resume or change nothing), a durable run (`platform/runs`) with the load's parameters and outcome.
 */
export const demoLoads = pgTable(
  'demo_loads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ...runColumns<DemoCheckpoint>(),
    seed: integer('seed').notNull(),
    size: integer('size').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    generatorVersion: integer('generator_version').notNull(),
    /** Who asked (the server resumes the load as this user); null from the CLI. */
    requestedBy: uuid('requested_by'),
    fingerprint: text('fingerprint'),
    seconds: real('seconds'),
  },
  () => [uniqueIndex('demo_loads_single').on(sql`(true)`)],
);
