/**
 * Which customers an actor may see: the one rule, for every module (exported through index.ts as
 * `customerAccess`). A customer is reached when the actor's data scope reaches its owner or its team
 * (platform/auth/access.ts). Other modules never write the rule themselves:
 * - `customerAccess.where(actor, 'c')` — the condition over a customers alias in raw SQL that joins customers
 *   through a view or function this module exports;
 * - `customerAccess.filter(actor, column)` — "this customer id is one the actor sees", for tables that only keep a
 *   `customer_id` (no join, no table name in the caller);
 * - `customerAccess.reaches(actor, row)` — the same rule on a loaded row's owner and team;
 * - `customerAccess.scoped.where(scope, 'c')` / `.filter(scope, column)` — the same conditions for a scope given as
 *   data rather than an actor's (a goal measured for a team or a person: `platform/auth/access.ts` DataScope).
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { dataScopeOf, reachesAll, scopeReaches, scopeWhere, type DataScope } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/permissions.js';
import { customers } from './schema.js';

export const customerAccess = {
  /** The scope as data (for this module's repositories). */
  scope: (actor: Actor): DataScope => dataScopeOf(actor),
  /** The rule over a customers alias in raw SQL (`c` by default): `true` for scope `all`. */
  where(actor: Actor, alias = 'c'): SQL {
    const a = sql.identifier(alias);
    return scopeWhere(dataScopeOf(actor), sql`${a}.owner_id`, sql`${a}.team_id`);
  },
  /** `column` (a customer id) names a customer the actor sees: `true` for scope `all`. */
  filter(actor: Actor, column: SQLWrapper): SQL {
    if (reachesAll(actor)) return sql`true`;
    return sql`${column} in (select c.id from ${customers} c where ${customerAccess.where(actor, 'c')})`;
  },
  /** The conditions for a scope given as data (what a goal's owner reaches), not an actor's. */
  scoped: {
    where(scope: DataScope, alias = 'c'): SQL {
      const a = sql.identifier(alias);
      return scopeWhere(scope, sql`${a}.owner_id`, sql`${a}.team_id`);
    },
    filter(scope: DataScope, column: SQLWrapper): SQL {
      if (scope.kind === 'all') return sql`true`;
      return sql`${column} in (select c.id from ${customers} c where ${customerAccess.scoped.where(scope, 'c')})`;
    },
  },
  /** The same rule on a customer's owner and team. */
  reaches(actor: Actor, row: { ownerId: string | null; teamId: string | null }): boolean {
    return scopeReaches(dataScopeOf(actor), row);
  },
};
