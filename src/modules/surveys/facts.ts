/**
 * What other modules may ask of a customer's survey answers (through index.ts), as SQL over their own customer-id
 * expression, without naming the surveys' tables: the CSAT scores (1–5) the customer gave in complete responses of
 * surveys not in the trash, as rows `(score, at)` — campaign results compare the satisfaction of the treated group
 * with the holdout's.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

export const surveyFacts = {
  /** Rows `(score int, at timestamptz)`: the customer's CSAT answers completed in [since, until). */
  csatBetween(customerId: SQLWrapper, since: Date, until: Date): SQL {
    return sql`select r.csat::int as score, r.completed_at as at from survey_responses r
               join surveys s on s.id = r.survey_id and s.deleted_at is null
               where r.customer_id = ${customerId} and r.status = 'complete' and r.csat is not null
                 and r.completed_at >= ${since.toISOString()}::timestamptz and r.completed_at < ${until.toISOString()}::timestamptz`;
  },
};
