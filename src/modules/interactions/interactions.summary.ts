/**
 * The interactions module's figures on the customer 360 page's summary band (registered in src/app.ts), live: the
 * last contact (the latest live 沟通记录, with its channel and summary) and the customer's open tasks (with how many
 * are overdue and the next due time). Both open the 时间线 tab, which lists the open tasks above the events. Needs
 * `customer:read`, as the timeline and the customer's task list do.
 */
import { and, count, desc, eq, isNull, lt, min, sql } from 'drizzle-orm';
import { t } from '../../platform/i18n/index.js';
import { zoneOffsetMs } from '../../platform/time.js';
import type { CustomerSummarySource } from '../customers/index.js';
import { interactions, tasks } from './schema.js';

const SUMMARY_CHARS = 40;

/** 2026-12-01 09:30 on the company's wall clock. */
const wallClock = (zone: string, at: Date) => new Date(at.getTime() + zoneOffsetMs(zone, at)).toISOString().slice(0, 16).replace('T', ' ');

export const interactionSummarySource: CustomerSummarySource = {
  key: 'interactions',
  order: 30,
  permissions: ['customer:read'],
  source: 'summary.source.interactions',
  async figures({ db, customer, locale, now, zone, tab }) {
    const link = tab('timeline');
    const [last] = await db
      .select({ at: interactions.occurredAt, channel: interactions.channel, summary: interactions.summary })
      .from(interactions)
      .where(and(eq(interactions.customerId, customer.id), isNull(interactions.deletedAt)))
      .orderBy(desc(interactions.occurredAt), desc(interactions.id))
      .limit(1);
    const [open] = await db
      .select({ n: count(), overdue: sql<number>`(count(*) filter (where ${lt(tasks.dueAt, now)}))::int`, next: min(tasks.dueAt) })
      .from(tasks)
      .where(and(eq(tasks.customerId, customer.id), eq(tasks.status, 'open')));
    const summary = last ? (Array.from(last.summary).length > SUMMARY_CHARS ? `${Array.from(last.summary).slice(0, SUMMARY_CHARS).join('')}…` : last.summary) : '';
    const n = Number(open?.n ?? 0);
    const overdue = Number(open?.overdue ?? 0);
    return [
      {
        key: 'interactions.last_contact',
        label: 'summary.interactions.last_contact',
        value: last ? last.at.toISOString() : null,
        unit: 'datetime',
        detail: last ? { key: 'summary.interactions.contact_detail', params: { channel: t(locale, `interactions.channel.${last.channel}`), summary } } : null,
        link,
        empty: 'summary.interactions.no_contact',
      },
      {
        key: 'interactions.open_tasks',
        label: 'summary.interactions.open_tasks',
        value: n,
        unit: 'count',
        detail: n && open?.next ? { key: overdue ? 'summary.interactions.tasks_detail' : 'summary.interactions.tasks_next', params: { overdue, due: wallClock(zone, new Date(open.next)) } } : 'summary.interactions.no_tasks',
        tone: overdue ? 'danger' : n ? 'warning' : 'default',
        link,
      },
    ];
  },
};
