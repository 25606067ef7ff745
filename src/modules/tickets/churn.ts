/**
 * The tickets' churn signal for the analytics run: recent complaints, a low satisfaction rating, an open ticket past
 * its SLA. Registered in src/app.ts with registerChurnSignal (the analytics run asks once for all customers).
 */
import type { DbOrTx } from '../../platform/db/client.js';
import type { ChurnReason, ChurnSignal } from '../analytics/index.js';
import { churnFacts } from './tickets.repository.js';

/** Points for n complaints in 30 days: 15 for one, +10 for each further one, at most 45. */
export const complaintPoints = (n: number) => Math.min(45, 15 + 10 * (n - 1));
/** A 1-star rating weighs more than a 2-star one. */
export const lowRatingPoints = (rating: number) => (rating <= 1 ? 25 : 20);
export const BREACHED_POINTS = 15;

function reasonOf(r: Awaited<ReturnType<typeof churnFacts>>[number]): ChurnReason {
  if (r.code === 'complaints') {
    return { code: 'ticket_complaints', zh: `30 天内 ${r.n} 次投诉`, en: `${r.n} complaint${r.n === 1 ? '' : 's'} in 30 days`, points: complaintPoints(r.n) };
  }
  if (r.code === 'low_rating') {
    const stars = r.rating ?? 1;
    return { code: 'ticket_low_rating', zh: `90 天内服务评价 ${stars} 星`, en: `Rated a ticket ${stars} star${stars === 1 ? '' : 's'} in 90 days`, points: lowRatingPoints(stars) };
  }
  return { code: 'ticket_breached', zh: `工单 #${r.number} 已超时未解决`, en: `Ticket #${r.number} is past its SLA`, points: BREACHED_POINTS };
}

export const ticketChurnSignal: ChurnSignal = {
  key: 'tickets',
  async evaluate(db: DbOrTx, customerIds: readonly string[] | null, asOf: { date: string; end: Date }) {
    const out = new Map<string, ChurnReason[]>();
    for (const row of await churnFacts(db, customerIds, asOf.end)) {
      const list = out.get(row.customer_id) ?? [];
      list.push(reasonOf(row));
      out.set(row.customer_id, list);
    }
    for (const list of out.values()) list.sort((a, b) => b.points - a.points || a.code.localeCompare(b.code));
    return out;
  },
};
