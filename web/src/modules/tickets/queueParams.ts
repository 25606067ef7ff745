/**
 * The ticket queue's filters in the URL (/tickets?…), so a link — a home-page tile's figure, row or chart point — lands
 * on the filtered list, and the filters survive a reload or a shared link:
 * - `status`: open (the default, also when absent), one of the statuses, or `all` (no status filter);
 * - `type`, `categoryId`, `assigneeId`, `sla` (on_track, warning, breached, met, paused), `q` (the search), `tag`;
 * - `mine=1` (also `true`): assigned to me;
 * - `createdFrom`, `createdTo` (YYYY-MM-DD, company time zone) and `merged=exclude`: a home-page month's complaints.
 * Values the API would refuse are dropped (an unknown status reads as the default).
 */
import { TICKET_STATUSES, TICKET_TYPES } from '../../../../src/modules/tickets/sla/sla.contract';
import type { TicketListQuery } from './api';

export const SLA_STATES = ['on_track', 'warning', 'breached', 'met', 'paused'] as const;
/** The status filter when the URL names none. */
export const DEFAULT_STATUS = 'open';
const ALL = 'all';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const oneOf = (v: string | null, allowed: readonly string[]) => (v !== null && allowed.includes(v) ? v : undefined);
const uuid = (v: string | null) => (v !== null && UUID.test(v) ? v : undefined);
const day = (v: string | null) => (v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

export function queueFromParams(p: URLSearchParams): TicketListQuery {
  const status = p.get('status');
  const mine = p.get('mine');
  const q = p.get('q')?.trim().slice(0, 100);
  const tag = p.get('tag')?.trim();
  const out: TicketListQuery = {
    status: status === ALL ? undefined : (oneOf(status, [DEFAULT_STATUS, ...TICKET_STATUSES]) ?? DEFAULT_STATUS),
    type: oneOf(p.get('type'), TICKET_TYPES),
    categoryId: uuid(p.get('categoryId')),
    assigneeId: uuid(p.get('assigneeId')),
    mine: mine === '1' || mine === 'true' ? 'true' : undefined,
    sla: oneOf(p.get('sla'), SLA_STATES),
    q: q || undefined,
    tag: tag && tag.length <= 32 ? tag : undefined,
    createdFrom: day(p.get('createdFrom')),
    createdTo: day(p.get('createdTo')),
    merged: p.get('merged') === 'exclude' ? 'exclude' : undefined,
  };
  // Only the filters set (the query key and the request stay as they were before the URL held them).
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as TicketListQuery;
}

/** The URL for the filters: the default status is left out, no status filter is `status=all`. */
export function paramsFromQueue(q: TicketListQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.status === undefined) p.set('status', ALL);
  else if (q.status !== DEFAULT_STATUS) p.set('status', q.status);
  if (q.type) p.set('type', q.type);
  if (q.categoryId) p.set('categoryId', q.categoryId);
  if (q.assigneeId) p.set('assigneeId', q.assigneeId);
  if (q.mine === 'true') p.set('mine', '1');
  if (q.sla) p.set('sla', q.sla);
  if (q.q) p.set('q', q.q);
  if (q.tag) p.set('tag', q.tag);
  if (q.createdFrom) p.set('createdFrom', q.createdFrom);
  if (q.createdTo) p.set('createdTo', q.createdTo);
  if (q.merged) p.set('merged', q.merged);
  return p;
}
