/** Small helpers the loyalty module's raw SQL shares: its rows come back as driver values (bigint as text, timestamps). */
import { sql, type SQL } from 'drizzle-orm';

/** A bigint or numeric column's value as a number (0 for null). */
export const n = (v: unknown): number => Number(v ?? 0);

/** A timestamp column's value as ISO 8601. */
export const iso = (v: Date | string): string => new Date(v).toISOString();

/** Customer ids as one uuid[] parameter. */
export const uuids = (ids: readonly string[]): SQL => sql`${`{${ids.join(',')}}`}::uuid[]`;
