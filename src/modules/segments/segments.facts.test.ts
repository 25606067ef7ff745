/**
 * The facts read model of segment counts (segments.facts.ts) on a small heating demo with an analytics run: counts over
 * the facts equal the live SQL's; a customer or transaction written through the API is in the next count at once (the
 * triggers' queue drained); a new company day or a new analytics run makes the facts stale, the count falls back to
 * the live SQL with the same answer, and a rebuild makes them current again; the rebuild works in short transactions
 * (requests and counts go on between them, a second rebuild is refused); a queue too long to drain in a request is left
 * to the rebuild; and a stale count asks for one, once.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { loadDemo } from '../demo/index.js';
import { companyClock } from '../settings/index.js';
import type { Rule } from './rule.js';
import { rebuildFacts, setFactsRebuildRequester } from './segments.facts.js';
import { previewRuleFrom } from './segments.service.js';

const TAG = '事实测试';
const RULES: Record<string, Rule> = {
  purchased: { field: 'tx.count', op: 'gte', value: 1, params: { days: 365, type: 'purchase' } },
  spent: { field: 'tx.sumFen', op: 'gte', value: 100_000, params: { days: 365 } },
  tagged: { field: 'customer.tags', op: 'hasAny', value: [TAG] },
  mixed: {
    any: [
      { all: [{ field: 'analytics.valueTier', op: 'eq', value: 'high' }, { not: { field: 'customer.consent', op: 'isTrue', params: { channel: 'sms' } } }] },
      { field: 'tx.lastDate', op: 'withinDays', value: 30 },
    ],
  },
};

describe('segment facts', () => {
  let ctx: TestContext;
  const cli = systemActor('cli');
  const db = () => ctx.database.db;

  /** The count over the facts (which must be the path taken, or the fallback named) and the same count live. */
  async function both(rule: Rule, expected: 'facts' | string = 'facts', opts: { now?: Date; actor?: Actor } = {}): Promise<number> {
    const actor = opts.actor ?? cli;
    const got = await previewRuleFrom(db(), actor, rule, { now: opts.now });
    const live = await previewRuleFrom(db(), actor, rule, { now: opts.now, facts: false });
    expect(got.from.source === 'facts' ? 'facts' : (got.from as { why: string }).why, JSON.stringify(rule)).toBe(expected);
    expect(got.count, JSON.stringify(rule)).toBe(live.count);
    expect(got.sample.length).toBe(Math.min(20, got.count));
    return got.count;
  }
  /**
   * Every rule's count, one after the other: the first count to find the facts unusable may change their state (a
   * queue too long marks them for the rebuild), so on PostgreSQL counts run side by side would see either reason.
   */
  const counts = async (expected = 'facts', now?: Date) => {
    const out: Record<string, number> = {};
    for (const [k, r] of Object.entries(RULES)) out[k] = await both(r, expected, { now });
    return out;
  };

  async function analyticsRun(): Promise<void> {
    const res = await ctx.admin.post('/api/v1/analytics/runs', {});
    expect(res.statusCode, res.body).toBe(202);
    for (let k = 0; k < 3000; k++) {
      const run = (await ctx.admin.get(`/api/v1/analytics/runs/${res.json().id}`)).json();
      if (run.status === 'done') return;
      if (run.status === 'failed') throw new Error(`analytics run failed: ${JSON.stringify(run)}`);
      await new Promise((done) => setTimeout(done, 100));
    }
    throw new Error('analytics run did not finish');
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    const { today } = await companyClock(db());
    await loadDemo(db(), cli, { seed: 5, size: 300, asOf: today }, { skipForeignKeyChecks: true });
    await analyticsRun();
  }, 600_000);
  afterAll(async () => {
    setFactsRebuildRequester(null);
    await ctx?.close();
  });

  it('counts over the facts once built, with the live answer; before, the live SQL answers', async () => {
    const before = await counts('not built');
    expect(await rebuildFacts(db())).toBe('built');
    expect(await counts()).toEqual(before);
    expect(before.purchased).toBeGreaterThan(0);
    expect(before.mixed).toBeGreaterThan(0);
    // A rule the facts cannot answer (a window they do not hold, a column they do not carry) is counted live.
    await both({ field: 'tx.count', op: 'gte', value: 1, params: { days: 30 } }, 'rule');
    await both({ all: [RULES.purchased!, { field: 'customer.name', op: 'contains', value: '王' }] }, 'rule');
  });

  it("reflects a customer's and a transaction's writes in the next count", async () => {
    const start = await counts();
    const created = ok<{ id: string; version: number }>(await ctx.admin.post('/api/v1/customers', { name: '事实甲', tags: [TAG], consent: { sms: true } }), 201);
    expect(await counts()).toEqual({ ...start, tagged: start.tagged! + 1 });
    const tx = ok<{ id: string }>(await ctx.admin.post(`/api/v1/customers/${created.id}/transactions`, { occurredAt: new Date().toISOString(), type: 'purchase', amountFen: 150_000 }), 201);
    expect(await counts()).toEqual({ ...start, tagged: start.tagged! + 1, purchased: start.purchased! + 1, spent: start.spent! + 1, mixed: start.mixed! + 1 });
    const sample = await previewRuleFrom(db(), cli, RULES.tagged!);
    expect(sample.sample.map((s) => s.name)).toContain('事实甲');
    expect((await ctx.admin.delete(`/api/v1/transactions/${tx.id}`)).statusCode).toBe(204);
    expect(await counts()).toEqual({ ...start, tagged: start.tagged! + 1 });
    const edited = ok<{ version: number }>(await ctx.admin.patch(`/api/v1/customers/${created.id}`, { version: created.version, tags: [] }));
    expect(await counts()).toEqual(start);
    expect((await ctx.admin.patch(`/api/v1/customers/${created.id}`, { version: edited.version, tags: [TAG] })).statusCode).toBe(200);
    expect((await ctx.admin.delete(`/api/v1/customers/${created.id}`, { version: edited.version + 1 })).statusCode).toBe(204);
    expect(await counts()).toEqual(start);
    // Under an account manager's scope (own customers) the facts carry the owner and team too (both() checks the facts
    // against the live SQL). The owner with the fewest customers: in a 300-household demo one manager can own nearly
    // all of them, and then every member of the rule may be theirs (the count would not show the scope at all).
    const [owner] = rowsOf<{ owner_id: string }>(await db().execute(sql`select owner_id from customer_directory where owner_id is not null group by 1 order by count(*), 1 limit 1`));
    const own = { ...cli, userId: owner!.owner_id, scope: 'own' } as Actor;
    const mine = await both(RULES.mixed!, 'facts', { actor: own });
    expect(mine).toBeLessThan(start.mixed!);
  });

  it('goes stale on a new company day and after a new analytics run: the live SQL answers the same until rebuilt', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000);
    const later = await counts('other day', tomorrow);
    expect(await rebuildFacts(db(), { now: tomorrow })).toBe('built');
    expect(await counts('facts', tomorrow)).toEqual(later);
    expect(await rebuildFacts(db())).toBe('built');
    const now = await counts();
    await analyticsRun();
    const after = await counts('other analytics run');
    expect(after.purchased).toBe(now.purchased);
    expect(await rebuildFacts(db())).toBe('built');
    expect(await counts()).toEqual(after);
  });

  it('rebuilds in short transactions: requests and counts go on between them, a second rebuild is refused', async () => {
    let batches = 0;
    let probeAt: number | null = null;
    let second: string | null = null;
    let during: string | null = null;
    const outcome = await rebuildFacts(db(), {
      batch: 40,
      onBatch: async () => {
        batches++;
        if (batches === 1) {
          void db().execute(sql`select 1`).then(() => (probeAt ??= batches));
          second = await rebuildFacts(db());
        }
        if (batches === 2) {
          const mid = await previewRuleFrom(db(), cli, RULES.purchased!);
          during = mid.from.source === 'facts' ? 'facts' : mid.from.why;
        }
      },
    });
    expect(outcome).toBe('built');
    expect(batches).toBeGreaterThanOrEqual(7);
    expect(probeAt).not.toBeNull();
    expect(probeAt!).toBeLessThanOrEqual(3);
    expect(second).toBe('busy');
    expect(during).toBe('not built');
    await counts();
  });

  it('leaves a queue too long for a request (a bulk load) to the rebuild: the live SQL answers meanwhile', async () => {
    const start = await counts();
    await db().execute(sql`insert into customer_changes (customer_id) select c.id from customer_directory c cross join generate_series(1, 100) where c.deleted_at is null`);
    // The first count finds the queue too long and leaves the facts to the rebuild; the next ones find them not built.
    expect(await both(RULES.purchased!, 'too many changes')).toBe(start.purchased);
    expect(await counts('not built')).toEqual(start);
    expect(await rebuildFacts(db())).toBe('built');
    expect(await counts()).toEqual(start);
  });

  it('asks for a rebuild when a count finds the facts stale, at most once a minute', async () => {
    let asked = 0;
    setFactsRebuildRequester(async () => void asked++);
    const tomorrow = new Date(Date.now() + 86_400_000);
    await both(RULES.purchased!, 'other day', { now: tomorrow });
    await both(RULES.spent!, 'other day', { now: tomorrow });
    expect(asked).toBe(1);
    setFactsRebuildRequester(null);
  });
});
