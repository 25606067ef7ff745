/**
 * What other modules may ask of a customer's tickets (through index.ts), as SQL over their own customer-id
 * expression, without naming the tickets table: the segment rules' service fields (open tickets, complaints in a
 * window, the satisfaction rating given).
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** Statuses in which a ticket is still open (not yet resolved or closed). */
export const OPEN_TICKET_STATUSES = ['new', 'assigned', 'in_progress', 'waiting_on_customer'] as const;

export const ticketFacts = {
  /** How many of the customer's tickets are open (an integer expression, 0 when none). */
  openCount(customerId: SQLWrapper): SQL {
    return sql`(select count(*)::int from tickets tk where tk.customer_id = ${customerId} and tk.deleted_at is null
                and tk.status in ('new', 'assigned', 'in_progress', 'waiting_on_customer'))`;
  },
  /** How many tickets of a type (complaints by default) the customer raised since an instant (0 when none). */
  countSince(customerId: SQLWrapper, since: Date | null, type: string = 'complaint'): SQL {
    const window = since ? sql` and tk.created_at >= ${since.toISOString()}::timestamptz` : sql``;
    return sql`(select count(*)::int from tickets tk where tk.customer_id = ${customerId} and tk.deleted_at is null
                and tk.type = ${type}${window})`;
  },
  /** How many tickets of a type (complaints by default) the customer raised in [since, until) (0 when none). */
  countBetween(customerId: SQLWrapper, since: Date, until: Date, type: string = 'complaint'): SQL {
    return sql`(select count(*)::int from tickets tk where tk.customer_id = ${customerId} and tk.deleted_at is null and tk.type = ${type}
                and tk.created_at >= ${since.toISOString()}::timestamptz and tk.created_at < ${until.toISOString()}::timestamptz)`;
  },
  /** Rows `(score int, at timestamptz)`: the satisfaction ratings (1–5) the customer gave in [since, until). */
  ratingsBetween(customerId: SQLWrapper, since: Date, until: Date): SQL {
    return sql`select tk.rating::int as score, tk.rated_at as at from tickets tk where tk.customer_id = ${customerId} and tk.deleted_at is null
               and tk.rating is not null and tk.rated_at >= ${since.toISOString()}::timestamptz and tk.rated_at < ${until.toISOString()}::timestamptz`;
  },
  /** The latest satisfaction rating (1–5) the customer gave, rated since an instant when given; null when none. */
  latestRating(customerId: SQLWrapper, since: Date | null = null): SQL {
    const window = since ? sql` and tk.rated_at >= ${since.toISOString()}::timestamptz` : sql``;
    return sql`(select tk.rating::int from tickets tk where tk.customer_id = ${customerId} and tk.deleted_at is null
                and tk.rating is not null${window} order by tk.rated_at desc, tk.id desc limit 1)`;
  },
};
