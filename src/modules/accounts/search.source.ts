/**
 * Users in the global search (`userSearchSource`, registered in src/app.ts): by display name or username, for user:read
 * holders (who see every colleague's name and team in the user list); deactivated users only for user admins. A user
 * table holds hundreds of rows, so the fragment match reads it whole at no cost.
 */
import { and, asc, eq, ilike, or } from 'drizzle-orm';
import { can, type Actor } from '../../platform/auth/permissions.js';
import type { Db } from '../../platform/db/client.js';
import type { SearchQuery, SearchSource } from '../search/index.js';
import { teams, users } from './schema.js';

export const userSearchSource: SearchSource = {
  group: 'users',
  async search(db: Db, actor: Actor, q: SearchQuery) {
    if (!can(actor, 'user:read')) return null;
    const admin = can(actor, 'user:manage');
    const like = `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await db
      .select({ id: users.id, username: users.username, displayName: users.displayName, active: users.active, teamName: teams.name })
      .from(users)
      .leftJoin(teams, eq(teams.id, users.teamId))
      .where(and(or(ilike(users.displayName, like), ilike(users.username, like)), admin ? undefined : eq(users.active, true)))
      .orderBy(asc(users.displayName), asc(users.id))
      .limit(q.limit);
    return rows.map((u) => ({
      id: u.id,
      title: u.displayName,
      subtitle: [`@${u.username}`, u.teamName].filter(Boolean).join(' · '),
      // The user list is the user admins' page; other readers get the name without a link.
      link: admin ? `/admin/users?user=${u.id}` : null,
    }));
  },
};
