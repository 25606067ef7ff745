/**
 * The care tile (issue #17) on the account manager's board, with an injected clock (Wednesday 2026-11-18, company
 * zone Asia/Shanghai; the week is Monday 11-16 to Sunday 11-22): this week's birthdays and anniversaries of the
 * manager's own customers under the active care rules — the figure equals an independent SQL count, the kinds and
 * the seven daily bars add up to it, and the rows are those occasions, each opening its customer.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import type { DashboardHome, DashboardTileView } from '../dashboards/index.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const now = bj('2026-11-18 10:00');
const WEEK = ['11-16', '11-17', '11-18', '11-19', '11-20', '11-21', '11-22'];

let ctx: TestContext;
let am: Client;
let am2: Client;
const cu: Record<string, string> = {};

async function tile(c: Client): Promise<DashboardTileView> {
  const h = ok<DashboardHome>(await c.get('/api/v1/dashboards/home?board=account'));
  const t = h.tiles.find((x) => x.key === 'care.occasions');
  expect(t).toBeDefined();
  return t!;
}

describe('care occasions tile', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    am = await ctx.newUser({ role: 'account_manager' });
    am2 = await ctx.newUser({ role: 'account_manager' });
    const add = async (name: string, body: Record<string, unknown>) => (cu[name] = (await ctx.newCustomer({ name, ...body })).id);
    await add('生日一', { birthday: '1980-11-16', ownerId: am.userId }); // Monday
    await add('生日二', { birthday: '1990-11-22', ownerId: am.userId }); // Sunday
    await add('下周三', { birthday: '1985-11-23', ownerId: am.userId }); // next Monday
    await add('别人四', { birthday: '1980-11-18', ownerId: am2.userId }); // another manager's
    await add('已删五', { birthday: '1975-11-18', ownerId: am.userId });
    await add('周年六', { address: { city: '北京' }, ownerId: am.userId }); // first purchase 2023-11-20: the 3rd anniversary
    await add('外地七', { address: { city: '上海' }, ownerId: am.userId }); // first purchase 2024-11-19, outside the rule's audience
    for (const [name, at] of [
      ['周年六', '2023-11-20T02:00:00Z'],
      ['外地七', '2024-11-19T02:00:00Z'],
    ] as const) {
      ok(await ctx.admin.post(`/api/v1/customers/${cu[name]}/transactions`, { type: 'purchase', amountFen: 10_000, occurredAt: at }), 201);
    }
    expect((await ctx.admin.delete(`/api/v1/customers/${cu['已删五']}`)).statusCode).toBe(204);
    // Created today: no anniversary of creation this week, whatever day the tests run.
    await ctx.database.db.execute(sql`update customers set created_at = ${now.toISOString()}::timestamptz`);
    ok(await ctx.admin.post('/api/v1/care/rules', { name: '生日', occasion: 'birthday', actions: [{ taskTitle: '生日问候' }] }), 201);
    ok(await ctx.admin.post('/api/v1/care/rules', { name: '北京周年', occasion: 'anniversary', audience: { cities: ['北京'] }, actions: [{ taskTitle: '周年问候' }] }), 201);
    ok(await ctx.admin.post('/api/v1/care/rules', { name: '中秋', occasion: 'mid_autumn', actions: [{ taskTitle: '中秋问候' }] }), 201);
  });
  afterAll(() => ctx.close());

  it("counts this week's birthdays and anniversaries of the manager's own customers, as SQL does", async () => {
    const t = await tile(am);
    expect(t.title).toBe('本周关怀');
    // By hand: 生日一 (Mon), 周年六 (Fri, 3 years), 生日二 (Sun) → 3: two birthdays, one anniversary.
    expect(t.stats.map((s) => s.value)).toEqual([3, 2, 1]);
    expect(t.chart!.x).toEqual(WEEK);
    expect(t.chart!.series[0]!.values).toEqual([1, 0, 0, 0, 1, 0, 1]);

    // Independently: the manager's live customers with a solar birthday on one of the week's days, or whose first
    // transaction (company time) falls on one in an earlier year and who live in 北京 (the anniversary rule's audience).
    const days = `{${WEEK.join(',')}}`;
    const bySql = rowsOf<{ id: string; day: string }>(
      await ctx.database.db.execute(sql`
        select c.id, to_char(c.birthday, 'MM-DD') as day from customers c
         where c.owner_id = ${am.userId}::uuid and c.deleted_at is null and c.birthday is not null and to_char(c.birthday, 'MM-DD') = any(${days}::text[])
        union all
        select c.id, to_char(f.first at time zone 'Asia/Shanghai', 'MM-DD') from customers c
          join (select customer_id, min(occurred_at) as first from transactions where deleted_at is null group by customer_id) f on f.customer_id = c.id
         where c.owner_id = ${am.userId}::uuid and c.deleted_at is null and c.city = '北京'
           and to_char(f.first at time zone 'Asia/Shanghai', 'MM-DD') = any(${days}::text[])
           and extract(year from f.first at time zone 'Asia/Shanghai') < 2026`),
    );
    expect(bySql.length).toBe(t.stats[0]!.value);
    expect(t.stats[1]!.value! + t.stats[2]!.value!).toBe(t.stats[0]!.value);
    expect(t.chart!.series[0]!.values.reduce((a, b) => a! + b!, 0)).toBe(t.stats[0]!.value);
    expect(WEEK.map((d) => bySql.filter((r) => r.day === d).length)).toEqual(t.chart!.series[0]!.values);

    // The rows are the occasions, in day order, each opening its customer.
    expect(t.rows).toHaveLength(3);
    expect(t.rows.map((r) => r.link)).toEqual([`/customers/${cu['生日一']}`, `/customers/${cu['周年六']}`, `/customers/${cu['生日二']}`]);
    expect(t.rows.map((r) => r.detail)).toEqual(['11-16 · 生日', '11-20 · 3 周年', '11-22 · 生日']);
    expect(new Set(t.rows.map((r) => r.link!.split('/')[2]))).toEqual(new Set(bySql.map((r) => r.id)));

    // Another manager sees their own: 别人四 (Wednesday, today).
    const other = await tile(am2);
    expect(other.stats.map((s) => s.value)).toEqual([1, 1, 0]);
    expect(other.rows).toEqual([expect.objectContaining({ label: '别人四', at: '2026-11-18', tone: 'success' })]);
    expect((await tile(am.lang('en'))).rows[1]!.detail).toBe('11-20 · 3-year anniversary');
  });
});
