/**
 * The day filters of the loyalty lists (the home tile's drill-through, issue #17): `GET /loyalty/redemptions?from=&to=`
 * (redeemed on those company days) and `GET /loyalty/referrals?status=&from=&to=` (attributed on those days; with
 * status=rewarded, rewarded on them) — days in the company's time zone (Asia/Shanghai: an event at 00:30 on the 1st is
 * the 1st, though it is still the 31st in UTC), both ends inclusive, a reversed range a 400 naming `to`, keyset pages
 * under the filter, the reader's data scope; and the tile's own links answer the records its figures count.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { DashboardHome, DashboardTileView } from '../dashboards/index.js';
import type { MemberView, RedemptionView, ReferralView, RewardView } from './loyalty.contract.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
let now = bj('2026-01-20 09:00');

let ctx: TestContext;
let agentA: Client;
let agentB: Client;
let manager: Client;
const c: Record<string, string> = {};
const red: Record<string, string> = {};
let seq = 0;
const phone = () => `1370000${String(process.pid % 100).padStart(2, '0')}${String(++seq).padStart(2, '0')}`;

type Page<T> = { items: T[]; nextCursor: string | null };
const redemptions = async (as: Client, query: string) => ok<Page<RedemptionView>>(await as.get(`/api/v1/loyalty/redemptions?${query}`));
const referrals = async (as: Client, query: string) => ok<Page<ReferralView>>(await as.get(`/api/v1/loyalty/referrals?${query}`));
const ids = (page: Page<{ id: string }>) => page.items.map((x) => x.id);

async function at(when: string, step: () => Promise<unknown>) {
  now = bj(when);
  await step();
}
const customer = async (as: Client, key: string, extra: Record<string, unknown> = {}) => {
  c[key] = (await ctx.newCustomer({ name: key, phones: [phone()], ownerId: as.userId, ...extra }, as)).id as string;
  return c[key]!;
};
const buy = async (as: Client, key: string, amountFen: number) =>
  ok(await as.post(`/api/v1/customers/${c[key]}/transactions`, { type: 'purchase', amountFen, occurredAt: now.toISOString() }), 201);

describe('loyalty list day filters', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    agentA = await ctx.newUser({ role: 'agent' });
    agentB = await ctx.newUser({ role: 'agent' });
    manager = await ctx.newUser({ role: 'manager' });
    const mug = ok<RewardView>(await ctx.admin.post('/api/v1/loyalty/rewards', { name: { zh: '保温杯', en: 'Mug' }, kind: 'gift', pointsCost: 100 }), 201);
    const redeem = async (as: Client, key: string, name: string) => {
      red[name] = ok<RedemptionView>(await as.post(`/api/v1/loyalty/members/${c[key]}/redemptions`, { rewardId: mug.id }), 201).id;
    };
    let code = '';
    await at('2026-01-20 09:00', async () => {
      await customer(agentA, 'A');
      code = ok<MemberView>(await agentA.post(`/api/v1/loyalty/members/${c.A}`, {}), 201).referralCode;
      await buy(agentA, 'A', 200_000);
      await customer(agentB, 'B');
      ok(await agentB.post(`/api/v1/loyalty/members/${c.B}`, {}), 201);
      await buy(agentB, 'B', 100_000);
    });
    await at('2026-01-31 23:50', async () => {
      await redeem(agentA, 'A', 'jan');
      await customer(agentA, 'R1', { referralCode: code }); // attributed on 01-31
    });
    await at('2026-02-01 00:30', async () => {
      await redeem(agentA, 'A', 'feb1'); // 2026-01-31 16:30 UTC: still January there, February in Beijing
      await buy(agentA, 'R1', 10_000); // the referral is rewarded on 02-01
    });
    await at('2026-02-01 00:40', () => redeem(agentB, 'B', 'feb1B'));
    await at('2026-02-10 10:00', async () => {
      await customer(agentA, 'R2', { referralCode: code }); // pending
    });
    await at('2026-02-28 23:59', () => redeem(agentA, 'A', 'feb28'));
    await at('2026-03-01 00:10', () => redeem(agentA, 'A', 'mar1'));
    now = bj('2026-03-02 12:00');
    // A redemption's row takes the database's clock; the ledger entry the injected one. Live, both are the same instant.
    await ctx.database.db.execute(sql`update loyalty_redemptions r set created_at = e.occurred_at from points_entries e where e.id = r.entry_id`);
  });
  afterAll(() => ctx?.close());

  it('redemptions by company days, both ends inclusive, from or to alone, with a member, paged', async () => {
    expect(ids(await redemptions(manager, 'from=2026-02-01&to=2026-02-28'))).toEqual([red.feb28, red.feb1B, red.feb1]);
    expect(ids(await redemptions(manager, 'from=2026-02-01&to=2026-02-01'))).toEqual([red.feb1B, red.feb1]);
    expect(ids(await redemptions(manager, 'to=2026-01-31'))).toEqual([red.jan]);
    expect(ids(await redemptions(manager, 'from=2026-03-01'))).toEqual([red.mar1]);
    expect(ids(await redemptions(manager, `customerId=${c.A}&from=2026-02-01&to=2026-02-28`))).toEqual([red.feb28, red.feb1]);
    // Keyset pages under the filter.
    const first = await redemptions(manager, 'from=2026-02-01&to=2026-02-28&limit=2');
    expect(ids(first)).toEqual([red.feb28, red.feb1B]);
    const second = await redemptions(manager, `from=2026-02-01&to=2026-02-28&limit=2&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(ids(second)).toEqual([red.feb1]);
    expect(second.nextCursor).toBeNull();
    // The reader's data scope still applies.
    expect(ids(await redemptions(agentB, 'from=2026-02-01&to=2026-02-28'))).toEqual([red.feb1B]);
  });

  it('referrals by attribution day, or with status=rewarded by reward day', async () => {
    const r1 = (await referrals(manager, `refereeId=${c.R1}`)).items[0]!;
    expect(r1).toMatchObject({ status: 'rewarded', createdAt: bj('2026-01-31 23:50').toISOString(), rewardedAt: bj('2026-02-01 00:30').toISOString() });
    const r2 = (await referrals(manager, `refereeId=${c.R2}`)).items[0]!;
    expect(r2.status).toBe('pending');
    expect(ids(await referrals(manager, 'from=2026-02-01&to=2026-02-28'))).toEqual([r2.id]);
    expect(ids(await referrals(manager, 'from=2026-01-31&to=2026-01-31'))).toEqual([r1.id]);
    expect(ids(await referrals(manager, 'status=rewarded&from=2026-02-01&to=2026-02-28'))).toEqual([r1.id]);
    expect(ids(await referrals(manager, 'status=rewarded&to=2026-01-31'))).toEqual([]);
    expect(ids(await referrals(manager, 'status=pending&from=2026-02-01'))).toEqual([r2.id]);
    expect(ids(await referrals(agentB, 'status=rewarded&from=2026-02-01&to=2026-02-28'))).toEqual([]);
  });

  it('a reversed or malformed range is a 400 naming the field', async () => {
    for (const path of ['redemptions', 'referrals']) {
      const reversed = problemOf(await manager.get(`/api/v1/loyalty/${path}?from=2026-02-10&to=2026-02-01`), 400);
      expect(reversed.errors?.map((e) => e.field)).toEqual(['to']);
      const bad = problemOf(await manager.get(`/api/v1/loyalty/${path}?from=2026-02-30`), 400);
      expect(bad.errors?.map((e) => e.field)).toEqual(['from']);
    }
  });

  it("the home tile's links list what its figures count", async () => {
    await at('2026-02-28 23:59', async () => {
      const tile = ok<DashboardHome>(await manager.get('/api/v1/dashboards/home?board=manager')).tiles.find((t) => t.key === 'loyalty.overview') as DashboardTileView;
      const stat = (link: string) => tile.stats.find((s) => s.link?.startsWith(link))!;
      const query = (link: string) => {
        const p = new URL(link, 'http://x').searchParams;
        p.delete('tab');
        return p.toString();
      };
      const redeemed = stat('/loyalty?tab=redemptions');
      expect(redeemed.link).toBe('/loyalty?tab=redemptions&from=2026-02-01&to=2026-02-28');
      const listed = await redemptions(manager, query(redeemed.link!));
      expect(listed.items.reduce((s, x) => s + x.points, 0)).toBe(redeemed.value);
      expect(redeemed.value).toBe(300);
      const rewarded = stat('/loyalty?tab=referrals');
      expect(rewarded.link).toBe('/loyalty?tab=referrals&status=rewarded&from=2026-02-01&to=2026-02-28');
      expect((await referrals(manager, query(rewarded.link!))).items).toHaveLength(rewarded.value as number);
      expect(rewarded.value).toBe(1);
      const bar = tile.chart!.series[0]!;
      expect(bar.links?.[0]).toMatch(/^\/loyalty\?tier=[a-z]+$/);
    });
  });
});
