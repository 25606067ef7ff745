/**
 * The campaign uplift goal metric (issue #17) on a hand-built fixture: three campaigns launched in November (members
 * and windows written directly; purchases through the API), one without a holdout, one launched in October, one
 * deleted — the goal's value is the treated-weighted mean of the response uplifts, worked out by hand below, and
 * each campaign's uplift is the one its results page shows.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import type { GoalDetail } from '../goals/index.js';
import type { CampaignResults } from './campaigns.contract.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
const NOW = '2026-11-25 10:00';
let now = bj(NOW);

let ctx: TestContext;
let manager: Client;
const ids: Record<string, string> = {};

/** A launched campaign with `treated` and `holdout` members, of whom the first `tr` / `hr` buy in the window. */
async function campaign(name: string, launched: string, groups: { treated: number; tr: number; holdout: number; hr: number }, deleted = false) {
  const id = randomUUID();
  ids[name] = id;
  await ctx.database.db.execute(sql`insert into campaigns (id, name, status, goal, seed, launched_at, ends_at, deleted_at)
    values (${id}, ${name}, 'running', 'repeat_purchase', ${id.replace(/-/g, '')}, ${bj(launched).toISOString()}::timestamptz,
            ${bj('2026-12-31 00:00').toISOString()}::timestamptz, ${deleted ? sql`now()` : sql`null`})`);
  const add = async (grp: 'treated' | 'holdout', n: number, buyers: number) => {
    for (let i = 0; i < n; i++) {
      const c = await ctx.newCustomer({ name: `${name}${grp}${i}` });
      await ctx.database.db.execute(sql`insert into campaign_members (campaign_id, customer_id, grp, tier, rank) values (${id}, ${c.id}, ${grp}, 'none', ${String(i).padStart(16, '0')})`);
      if (i < buyers) {
        const at = new Date(bj(launched).getTime() + 86_400_000);
        ok(await ctx.admin.post(`/api/v1/customers/${c.id}/transactions`, { type: 'purchase', amountFen: 10_000, occurredAt: at.toISOString() }), 201);
      }
    }
  };
  await add('treated', groups.treated, groups.tr);
  await add('holdout', groups.holdout, groups.hr);
}

describe('campaign uplift goal', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    manager = await ctx.newUser({ role: 'manager' });
    // X: 10 treated, 5 responded (50 %); 5 held out, 1 responded (20 %) → +30 points.
    await campaign('X', '2026-11-03 10:00', { treated: 10, tr: 5, holdout: 5, hr: 1 });
    // Y: 5 treated, 1 responded (20 %); 2 held out, 1 responded (50 %) → −30 points.
    await campaign('Y', '2026-11-10 10:00', { treated: 5, tr: 1, holdout: 2, hr: 1 });
    // Z: no holdout — no uplift; O: launched in October; D: deleted. None of them counts in November.
    await campaign('Z', '2026-11-12 10:00', { treated: 3, tr: 3, holdout: 0, hr: 0 });
    await campaign('O', '2026-10-20 10:00', { treated: 2, tr: 2, holdout: 2, hr: 0 });
    await campaign('D', '2026-11-05 10:00', { treated: 2, tr: 2, holdout: 2, hr: 0 }, true);
    now = bj(NOW);
  });
  afterAll(() => ctx.close());

  it('is the treated-weighted mean of November’s campaigns’ response uplifts', async () => {
    // (10 × 30 + 5 × (−30)) / (10 + 5) = 150 / 15 = +10 points; the target of 5 points is met at this level.
    const g = ok<GoalDetail>(
      await manager.post('/api/v1/goals', { name: '11 月活动响应提升 5 个百分点', metric: 'campaigns.response_uplift', targetValue: 5, periodKind: 'month', periodStart: '2026-11-01' }),
      201,
    );
    expect(g.metric).toMatchObject({ unit: 'score', better: 'higher', forecast: 'level', owners: ['company'] });
    expect(g.progress).toMatchObject({ value: 10, forecast: 10, attainment: 200, status: 'on_track', link: '/campaigns' });
    // Each campaign's point estimate is its results page's.
    const x = ok<CampaignResults>(await manager.get(`/api/v1/campaigns/${ids.X}/results`));
    expect(x.responseUplift!.diff).toBeCloseTo(0.3, 10);
    const y = ok<CampaignResults>(await manager.get(`/api/v1/campaigns/${ids.Y}/results`));
    expect(y.responseUplift!.diff).toBeCloseTo(-0.3, 10);
    // October alone: O, +100 points.
    const oct = ok<GoalDetail>(
      await manager.post('/api/v1/goals', { name: '10 月', metric: 'campaigns.response_uplift', targetValue: 5, periodKind: 'month', periodStart: '2026-10-01' }),
      201,
    );
    expect(oct.progress).toMatchObject({ value: 100, status: 'achieved' });
    // A team cannot own it.
    const teamId = await ctx.newTeam('活动组');
    const bad = await manager.post('/api/v1/goals', { name: '组', metric: 'campaigns.response_uplift', targetValue: 5, periodStart: '2026-11-01', ownerKind: 'team', ownerId: teamId });
    expect(bad.statusCode).toBe(400);
  });
});
