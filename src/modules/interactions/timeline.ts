import { requireAccess, type Actor } from '../../platform/auth/permissions.js';
import type { DbOrTx } from '../../platform/db/client.js';
import { AppError } from '../../platform/errors.js';
import type { Locale } from '../../platform/i18n/index.js';
import { customerInScope } from '../customers/index.js';
import type { TimelineEvent, TimelinePage } from './interactions.contract.js';

/**
 * One event as a source returns it: the event plus `sortAt`, its time as fixed-width UTC text with microseconds
 * (`to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`), which orders events of every source exactly.
 */
export type TimelineItem = TimelineEvent & { sortAt: string };

export type TimelineQuery = {
  customerId: string;
  /**
   * Only events strictly before this point, comparing `(time, id)` as a pair: `(t, id) < (before.at::timestamptz,
   * before.id::uuid)`, newest first. Null for the first page.
   */
  before: { at: string; id: string } | null;
  /** At most this many (the newest). */
  limit: number;
  /** The language of titles and summaries. */
  locale: Locale;
  /** Who asks: sources leave out what the caller's field grants hide (issue #18), e.g. a message's recipient. */
  actor?: Actor;
};

/**
 * A module's contribution to the customer timeline (interactions, transactions, later messages, tier changes,
 * tickets). Event ids are uuids. Registered once at start by the composition root (src/app.ts). The customer has
 * been checked against the caller's data scope before a source is asked; a source leaves out deleted rows.
 */
export type TimelineSource = {
  /** Stable name of the events' kind (lower case): the `kind` of its events and of the `kind` filter. */
  kind: string;
  events(db: DbOrTx, q: TimelineQuery): Promise<TimelineItem[]>;
};

const sources = new Map<string, TimelineSource>();

export function registerTimelineSource(source: TimelineSource): void {
  if (!/^[a-z][a-z_]{0,39}$/.test(source.kind)) throw new Error(`timeline kind "${source.kind}" must be lower-case letters`);
  sources.set(source.kind, source);
}

export function timelineKinds(): string[] {
  return [...sources.keys()].sort();
}

const MIN_ID = '00000000-0000-0000-0000-000000000000';
const MAX_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SORT_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

type Cursor = { at: string; kind: string; id: string };

function encodeCursor(e: TimelineItem): string {
  return Buffer.from(JSON.stringify([e.sortAt, e.kind, e.id])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const [at, kind, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      SORT_AT.test(at) &&
      !Number.isNaN(Date.parse(at)) &&
      typeof kind === 'string' &&
      /^[a-z][a-z_]{0,39}$/.test(kind) &&
      typeof id === 'string' &&
      UUID.test(id)
    ) {
      return { at, kind, id };
    }
  } catch {
    // fall through
  }
  throw AppError.field('cursor', 'validation.invalid_format', { field: 'cursor' });
}

/** Newest first: by time, then kind, then id (all descending) — one total order over every source. */
function newerFirst(a: TimelineItem, b: TimelineItem): number {
  if (a.sortAt !== b.sortAt) return a.sortAt < b.sortAt ? 1 : -1;
  if (a.kind !== b.kind) return a.kind < b.kind ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Where a source continues after the cursor: its own kind continues after the cursor's id; a kind ordered before
 * the cursor's (later in the list) includes events at the cursor's exact time, a kind ordered after it excludes them.
 */
function beforeFor(kind: string, c: Cursor): { at: string; id: string } {
  if (kind === c.kind) return { at: c.at, id: c.id };
  return { at: c.at, id: kind < c.kind ? MAX_ID : MIN_ID };
}

/**
 * The customer's timeline: every registered module's business events in one list, newest first, keyset paged.
 * Each source is asked for one page after the cursor; the merged list is cut to the page.
 */
export async function customerTimeline(
  db: DbOrTx,
  actor: Actor | null,
  customerId: string,
  q: { cursor?: string; limit: number; kind?: string },
): Promise<TimelinePage> {
  requireAccess(actor, 'customer:read');
  let chosen = [...sources.values()];
  if (q.kind) {
    const one = sources.get(q.kind);
    if (!one) throw AppError.field('kind', 'validation.invalid_value', { field: 'kind', options: timelineKinds().join(' / ') });
    chosen = [one];
  }
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  await customerInScope(db, actor, customerId);
  const merged: TimelineItem[] = [];
  // One after the other: on the embedded database there is one connection.
  for (const source of chosen) {
    const before = cursor ? beforeFor(source.kind, cursor) : null;
    merged.push(...(await source.events(db, { customerId, before, limit: q.limit + 1, locale: actor.locale, actor })));
  }
  merged.sort(newerFirst);
  const page = merged.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(({ sortAt: _sortAt, ...event }) => event),
    nextCursor: merged.length > q.limit && last ? encodeCursor(last) : null,
  };
}
