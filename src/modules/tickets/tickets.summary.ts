/**
 * The tickets module's figure on the customer 360 page's summary band (registered in src/app.ts), live: the customer's
 * open tickets (new, assigned, in progress, waiting on the customer), with the latest of them, opening the 工单 tab.
 * Needs `ticket:read`; the customer is in the caller's scope, so every ticket of it is one the caller sees
 * (tickets.visibility).
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { CustomerSummarySource } from '../customers/index.js';
import { OPEN_TICKET_STATUSES } from './facts.js';
import { tickets } from './schema.js';

export const ticketSummarySource: CustomerSummarySource = {
  key: 'tickets',
  order: 40,
  permissions: ['ticket:read'],
  source: 'summary.source.tickets',
  async figures({ db, customer, tab }) {
    const open = await db
      .select({ number: tickets.number, title: tickets.title, n: sql<number>`(count(*) over ())::int` })
      .from(tickets)
      .where(and(eq(tickets.customerId, customer.id), isNull(tickets.deletedAt), inArray(tickets.status, [...OPEN_TICKET_STATUSES])))
      .orderBy(desc(tickets.createdAt), desc(tickets.id))
      .limit(1);
    const latest = open[0];
    return [
      {
        key: 'tickets.open',
        label: 'summary.tickets.open',
        value: latest?.n ?? 0,
        unit: 'count',
        detail: latest ? { key: 'summary.tickets.latest', params: { number: latest.number, title: latest.title } } : 'summary.tickets.none_open',
        tone: latest ? 'warning' : 'default',
        link: tab('tickets'),
      },
    ];
  },
};
