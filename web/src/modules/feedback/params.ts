/**
 * The inbox's filters in the URL (/feedback?…), so a link lands on the filtered list and the filters survive a reload:
 * `status`, `categoryId`, `sentiment`, `ownerId`, `customerId`, `q`, `keyword`, `compound` (from 反馈分析), `from` / `to` (YYYY-MM-DD, company time zone),
 * `deleted=only` (the removed items); `item=<id>` opens that item's drawer. Values the API would refuse are dropped.
 */
import { FEEDBACK_SENTIMENTS, FEEDBACK_STATUSES, type InboxQuery } from './api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const oneOf = <T extends string>(v: string | null, allowed: readonly T[]): T | undefined => (v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : undefined);
const uuid = (v: string | null) => (v !== null && UUID.test(v) ? v : undefined);
const day = (v: string | null) => (v !== null && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

const FILTERS = ['status', 'categoryId', 'sentiment', 'ownerId', 'customerId', 'q', 'keyword', 'compound', 'from', 'to', 'deleted'] as const;

export function inboxFromParams(p: URLSearchParams): InboxQuery {
  const q = p.get('q')?.trim().slice(0, 100);
  const keyword = p.get('keyword')?.trim().slice(0, 50);
  const compound = p.get('compound')?.trim().slice(0, 100);
  const out: InboxQuery = {
    status: oneOf(p.get('status'), FEEDBACK_STATUSES),
    categoryId: uuid(p.get('categoryId')),
    sentiment: oneOf(p.get('sentiment'), FEEDBACK_SENTIMENTS),
    ownerId: uuid(p.get('ownerId')),
    customerId: uuid(p.get('customerId')),
    q: q || undefined,
    keyword: keyword || undefined,
    compound: compound || undefined,
    from: day(p.get('from')),
    to: day(p.get('to')),
    deleted: p.get('deleted') === 'only' ? 'only' : undefined,
  };
  // Only the filters set (the query key and the request carry nothing else).
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as InboxQuery;
}

/** The URL for the filters, keeping the open item (`item`). */
export function paramsFromInbox(q: InboxQuery, item?: string | null): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of FILTERS) {
    const v = q[k];
    if (v) p.set(k, v);
  }
  if (item) p.set('item', item);
  return p;
}

export const openItemId = (p: URLSearchParams): string | null => uuid(p.get('item')) ?? null;
