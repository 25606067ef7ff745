/**
 * The tickets' part of the global search (`ticketSearchSource`, registered in src/app.ts): a ticket number exactly
 * (the unique index), else a fragment of the title, newest first, within what the caller's queue shows
 * (tickets.visibility: the customer's data scope, the assignee and team, unlinked intake).
 */
import { and, desc, eq, ilike, isNull, or, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { can, type Actor } from '../../platform/auth/permissions.js';
import type { Db } from '../../platform/db/client.js';
import { t } from '../../platform/i18n/index.js';
import { customerDirectory } from '../customers/index.js';
import type { SearchQuery, SearchSource } from '../search/index.js';
import { CUSTOMER_ALIAS, visibilityCondition } from './tickets.repository.js';
import { visibilityOf } from './tickets.visibility.js';
import { tickets } from './schema.js';

const customers = alias(customerDirectory, CUSTOMER_ALIAS);

function textCondition(q: SearchQuery): SQL | undefined {
  const digits = q.text.replace(/^#/, '');
  const byNumber = /^\d{1,12}$/.test(digits) ? eq(tickets.number, Number(digits)) : undefined;
  // Digits are a number: a title fragment of digits would walk the whole table for nothing.
  if (byNumber && q.numeric) return byNumber;
  return or(byNumber, ilike(tickets.title, `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
}

export const ticketSearchSource: SearchSource = {
  group: 'tickets',
  async search(db: Db, actor: Actor, q: SearchQuery) {
    if (!can(actor, 'ticket:read')) return null;
    const rows = await db
      .select({ id: tickets.id, number: tickets.number, title: tickets.title, status: tickets.status, customerName: customers.name, contactName: tickets.contactName })
      .from(tickets)
      .leftJoin(customers, eq(customers.id, tickets.customerId))
      .where(and(isNull(tickets.deletedAt), visibilityCondition(visibilityOf(actor)), textCondition(q)))
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(q.limit);
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      subtitle: [`#${r.number}`, t(q.locale, `tickets.status.${r.status}`), r.customerName ?? r.contactName].filter(Boolean).join(' · '),
      link: `/tickets/${r.id}`,
    }));
  },
};
