/**
 * The ticket queue's keyset pages: walking every page by `nextCursor` gives each ticket the caller may see exactly
 * once, newest first with ties (the same creation instant, to the microsecond) broken by id, under every filter
 * (plain, type, data scope, mine, the SLA states decided in SQL and in the SLA module); `total` is the same on every
 * page; a forged or foreign cursor is a 400 naming `cursor`.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, type Problem } from '../../test/http.js';

type Item = { id: string; type: string; customer: { id: string } | null; assignee: { id: string } | null; sla: { state: string } | null };
type Page = { items: Item[]; nextCursor: string | null; total: number };

const TITLE = '翻页工单';
const COUNT = 30;
const TYPES = ['repair', 'complaint', 'inquiry'] as const;

let ctx: TestContext;
let agent: Client;
let mineCustomerId: string;
/** Every queue ticket of this file, in the queue's order (created_at desc, then id desc). */
let ordered: { id: string; createdAt: string }[];

/** Walks the queue by `nextCursor` and returns the ids seen, the page sizes and the totals of every page. */
async function walk(client: Client, query: string, limit: number) {
  const ids: string[] = [];
  const sizes: number[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const url: string = `/api/v1/tickets?q=${encodeURIComponent(TITLE)}&limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: Page = ok<Page>(await client.get(url));
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((x) => x.id));
    sizes.push(page.items.length);
    totals.push(page.total);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return { ids, sizes, totals };
}

/** The expected pages of `n` items at `limit` a page (the last page is never empty unless there are none). */
const pageSizes = (n: number, limit: number) => (n === 0 ? [0] : Array.from({ length: Math.ceil(n / limit) }, (_, i) => Math.min(limit, n - i * limit)));

describe('the ticket queue pages by keyset', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent' });
    mineCustomerId = (await ctx.newCustomer({ name: '翻页自己的客户', phones: ['13900008001'], ownerId: agent.userId })).id;
    const otherCustomerId = (await ctx.newCustomer({ name: '翻页别人的客户', phones: ['13900008002'], ownerId: ctx.admin.userId })).id;
    const rows: { id: string; createdAt: string }[] = [];
    for (let i = 0; i < COUNT; i++) {
      // Thirds: the agent's customer, another's customer (every other one assigned to the agent), no customer.
      const customerId = i % 3 === 0 ? mineCustomerId : i % 3 === 1 ? otherCustomerId : null;
      const assigneeId = i % 6 === 1 ? agent.userId : i % 6 === 4 ? ctx.admin.userId : undefined;
      const made = ok(
        await ctx.admin.post('/api/v1/tickets', { title: `${TITLE} ${i}`, type: TYPES[i % 3 === 2 ? 1 : i % 2], customerId, ...(assigneeId ? { assigneeId } : {}) }),
        201,
      );
      // 10 creation instants, 3 tickets each; neighbouring instants a microsecond apart (a JS Date would merge them).
      const createdAt = `2024-05-0${1 + (i % 5)}T09:00:00.12345${6 + (Math.floor(i / 5) % 2)}Z`;
      await ctx.database.db.execute(sql`update tickets set created_at = ${createdAt}::timestamptz where id = ${made.id}`);
      rows.push({ id: made.id, createdAt });
    }
    ordered = rows.sort((a, b) => (a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? 1 : -1) : a.id < b.id ? 1 : -1));
  });
  afterAll(() => ctx.close());

  /** The whole queue for a filter in one page: the reference the walks are held to (itself checked below). */
  const all = async (client: Client, query = '') => ok<Page>(await client.get(`/api/v1/tickets?q=${encodeURIComponent(TITLE)}&limit=200${query}`));

  it('one page holds every ticket in the queue order, ties broken by id, and no next cursor', async () => {
    const page = await all(ctx.admin);
    expect(page.items.map((x) => x.id)).toEqual(ordered.map((r) => r.id));
    expect(page).toMatchObject({ total: COUNT, nextCursor: null });
    const exact = ok<Page>(await ctx.admin.get(`/api/v1/tickets?q=${encodeURIComponent(TITLE)}&limit=${COUNT}`));
    expect(exact.nextCursor).toBeNull();
    const first = ok<Page>(await ctx.admin.get(`/api/v1/tickets?q=${encodeURIComponent(TITLE)}&limit=${COUNT - 1}`));
    const rest = ok<Page>(await ctx.admin.get(`/api/v1/tickets?q=${encodeURIComponent(TITLE)}&limit=${COUNT - 1}&cursor=${first.nextCursor}`));
    expect(rest).toMatchObject({ items: [{ id: ordered[COUNT - 1]!.id }], nextCursor: null, total: COUNT });
  });

  it('walking every page gives each ticket exactly once, in order, with the same total on every page', async () => {
    for (const limit of [4, 7, 3]) {
      const { ids, sizes, totals } = await walk(ctx.admin, '', limit);
      expect(ids).toEqual(ordered.map((r) => r.id));
      expect(new Set(ids).size).toBe(COUNT);
      expect(sizes).toEqual(pageSizes(COUNT, limit));
      expect(new Set(totals)).toEqual(new Set([COUNT]));
    }
  });

  it('under filters and data scope: the walk is the filtered queue, in the same order', async () => {
    const everything = (await all(ctx.admin)).items;
    const order = (keep: (x: Item) => boolean) => ordered.map((r) => everything.find((x) => x.id === r.id)!).filter(keep).map((x) => x.id);
    const seenByAgent = (x: Item) => !x.customer || x.customer.id === mineCustomerId || x.assignee?.id === agent.userId;
    const cases: { client: Client; query: string; want: string[] }[] = [
      { client: ctx.admin, query: '&type=complaint', want: order((x) => x.type === 'complaint') },
      { client: agent, query: '', want: order(seenByAgent) },
      { client: agent, query: '&type=repair', want: order((x) => seenByAgent(x) && x.type === 'repair') },
      { client: agent, query: '&mine=true', want: order((x) => x.assignee?.id === agent.userId) },
      { client: ctx.admin, query: `&assigneeId=${agent.userId}`, want: order((x) => x.assignee?.id === agent.userId) },
      { client: ctx.admin, query: `&customerId=${mineCustomerId}`, want: order((x) => x.customer?.id === mineCustomerId) },
    ];
    for (const { client, query, want } of cases) {
      expect(want.length, query).toBeGreaterThan(0);
      expect((await all(client, query)).items.map((x) => x.id), query).toEqual(want);
      const { ids, sizes, totals } = await walk(client, query, 4);
      expect(ids, query).toEqual(want);
      expect(sizes, query).toEqual(pageSizes(want.length, 4));
      expect(new Set(totals), query).toEqual(new Set([want.length]));
    }
    // The agent's scope leaves out another's customer's tickets not assigned to them.
    expect(order(seenByAgent).length).toBeLessThan(COUNT);
  });

  it('SLA states, decided in SQL (breached) and by the SLA module (on track, warning): every match once, in order', async () => {
    // Three complaints' clocks (24 × 7) are overdue: breached, decided from the stored due times.
    const complaints = (await all(ctx.admin, '&type=complaint')).items;
    expect(complaints.every((x) => x.sla !== null)).toBe(true);
    const overdue = complaints.filter((_, i) => i % 3 === 1).map((x) => x.id);
    for (const id of overdue) await ctx.database.db.execute(sql`update ticket_sla_clocks set first_response_due_at = now() - interval '1 hour' where ticket_id = ${id}`);
    for (const state of ['breached', 'on_track', 'warning']) {
      const query = `&sla=${state}`;
      const reference = (await all(ctx.admin, query)).items;
      expect(reference.every((x) => x.sla?.state === state), state).toBe(true);
      const want = ordered.map((r) => r.id).filter((id) => reference.some((x) => x.id === id));
      expect(reference.map((x) => x.id), state).toEqual(want);
      if (state === 'breached') expect(new Set(want)).toEqual(new Set(overdue));
      if (state === 'on_track') expect(want.length).toBeGreaterThan(3);
      for (const limit of [2, 3]) {
        const { ids, sizes, totals } = await walk(ctx.admin, query, limit);
        expect(ids, state).toEqual(want);
        expect(sizes, state).toEqual(pageSizes(want.length, limit));
        expect(new Set(totals), state).toEqual(new Set([want.length]));
      }
    }
  });

  it('a forged or foreign cursor is a 400 naming cursor (never a 500), and offset is gone', async () => {
    const uuid = ordered[0]!.id;
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const forged = [
      'not-a-cursor',
      b64(['yesterday', uuid]),
      b64(['2024-02-30 09:00:00+00', uuid]),
      b64(['2024-05-01 09:00:00.123456+00', 'not-a-uuid']),
      b64(['翻页客户01', uuid]),
      b64({ value: '2024-05-01 09:00:00+00', id: uuid }),
      b64(['2024-05-01 09:00:00+00']),
      'x'.repeat(301),
    ];
    for (const cursor of forged) {
      const res = await ctx.admin.get(`/api/v1/tickets?limit=5&cursor=${encodeURIComponent(cursor)}`);
      expect(res.statusCode, `${cursor}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((res.json() as Problem).errors.map((e) => e.field), cursor).toContain('cursor');
    }
    const offset = await ctx.admin.get('/api/v1/tickets?limit=5&offset=5');
    expect(offset.statusCode, offset.body).toBe(400);
    expect((offset.json() as Problem).errors.map((e) => e.field)).toContain('offset');
  });
});
