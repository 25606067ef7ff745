/**
 * The heating demo: the generator is deterministic (a pinned fingerprint), its data is plausible (unique valid
 * phones and ID numbers, fees = area × price, churn and service purchases present), and loading it — through the
 * API's background job or the service, interrupted or not — stores exactly the generated rows.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { normalizePhone } from '../../platform/phone.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { HEATING_PRICE_FEN_PER_M2 } from './data.js';
import { databaseFingerprint, loadDemo } from './demo.service.js';
import { CATCH_UP_DAYS } from '../care/index.js';
import { FEEDBACK_BURST, planActivity } from './activity.js';
import { fingerprint, household, households, planDemo } from './generator.js';
import { todayInShanghai } from './demo.service.js';

const AS_OF = '2026-11-23';

describe('demo generator', () => {
  it('gives the same data for the same seed, and other data for another seed', () => {
    const a = fingerprint({ seed: 1, size: 500, asOf: AS_OF });
    expect(fingerprint({ seed: 1, size: 500, asOf: AS_OF })).toBe(a);
    // Pinned: a change to the generator must be deliberate (bump GENERATOR_VERSION and this value together).
    expect(a).toBe('cd52b01b0e5c9daadfa5980461e2691b98a804bbcc20c30f50a5517dc897999f');
    expect(fingerprint({ seed: 2, size: 500, asOf: AS_OF })).not.toBe(a);
    expect(fingerprint({ seed: 1, size: 501, asOf: AS_OF })).not.toBe(a);
  });

  it('makes plausible households', () => {
    const plan = planDemo({ seed: 3, size: 5000, asOf: AS_OF });
    expect(plan.seasons).toEqual([2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    const phones = new Set<string>();
    const ids = new Set<string>();
    const addresses = new Set<string>();
    let churned = 0;
    let purchases = 0;
    let payments = 0;
    let calls = 0;
    let recent = 0;
    for (const { customer: c, transactions, interactions, tasks } of households(plan)) {
      // Every repair was asked for by a call before it, and its return-visit task is done with a call or still open.
      const since = Date.parse(`${AS_OF}T16:00:00Z`) - 730 * 86_400_000;
      for (const t of transactions.filter((x) => x.type === 'purchase' && x.occurredAt.getTime() >= since)) {
        recent++;
        const call = interactions.find((x) => x.transactionId === t.id && x.direction === 'inbound');
        expect(call!.occurredAt.getTime()).toBeLessThan(t.occurredAt.getTime());
        calls++;
        const task = tasks.find((x) => x.type === 'return_visit' && x.dueAt.getTime() === t.occurredAt.getTime() + 3 * 86_400_000)!;
        if (task.status === 'done') expect(interactions.some((x) => x.id === task.interactionId)).toBe(true);
        else expect(task.interactionId).toBeNull();
      }
      for (const p of c.phones) {
        expect(normalizePhone(p), p).toBe(`+86${p}`);
        phones.add(p);
      }
      if (c.idNumber) {
        // GB 11643 check digit, and the birth date inside the number is the customer's birthday.
        const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const sum = [...c.idNumber.slice(0, 17)].reduce((s, d, k) => s + Number(d) * w[k]!, 0);
        expect(c.idNumber[17]).toBe('10X98765432'[sum % 11]);
        expect(c.idNumber.slice(6, 14)).toBe(c.birthday!.replaceAll('-', ''));
        ids.add(c.idNumber);
      }
      addresses.add(`${c.compound}${c.building}${c.unit}${c.room}`);
      if (c.stage === 'churned') churned++;
      for (const t of transactions) {
        expect(t.occurredAt.getTime()).toBeLessThan(Date.parse(`${AS_OF}T16:00:00Z`));
        if (t.type === 'payment') {
          payments++;
          expect(t.amountFen).toBe(Math.round(c.custom.heated_area * HEATING_PRICE_FEN_PER_M2));
        } else purchases++;
      }
    }
    const customers = 5000;
    expect(addresses.size).toBe(customers);
    expect(phones.size).toBeGreaterThan(customers);
    expect(ids.size).toBeGreaterThan(customers * 0.6);
    expect(churned / customers).toBeGreaterThan(0.05);
    expect(churned / customers).toBeLessThan(0.35);
    expect(payments / customers).toBeGreaterThan(5);
    expect(purchases / customers).toBeGreaterThan(0.5);
    expect(calls).toBe(recent);
    expect(recent).toBeGreaterThan(100);
  });
});

describe('loading the demo', () => {
  let ctx: TestContext;
  let other: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
    other = await createTestContext();
  });
  afterAll(async () => {
    await ctx.close();
    await other.close();
  });

  it('refuses bad input and users without settings:manage, writing nothing', async () => {
    const bad = await ctx.admin.post('/api/v1/demo', { size: 5 }, { 'accept-language': 'en' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bad.json().errors[0].field).toBe('size');
    const zh = await ctx.admin.post('/api/v1/demo', { size: 300, extra: 1 });
    expect(zh.statusCode).toBe(400);
    const agent = await ctx.newUser({ role: 'agent' });
    expect((await agent.post('/api/v1/demo', { size: 300 })).statusCode).toBe(403);
    expect((await agent.get('/api/v1/demo')).statusCode).toBe(403);
    expect((await ctx.admin.get('/api/v1/demo')).json()).toMatchObject({ status: 'none', loaded: 0 });
  });

  it('loads in the background through the API and stores exactly the generated data', async () => {
    // The heating setup made 供暖面积(㎡) (settings/templates.ts): the demo fills that field and makes no second one.
    type Field = { id: string; key: string };
    const areaFields = async () => ((await ctx.admin.get('/api/v1/custom-fields?includeArchived=true')).json().items as Field[]).filter((f) => f.key === 'heated_area');
    const madeBySetup = await areaFields();
    expect(madeBySetup).toHaveLength(1);
    const res = await ctx.admin.post('/api/v1/demo', { size: 1200, seed: 7 });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ status: 'loading', size: 1200, seed: 7 });
    let status = res.json();
    for (let i = 0; i < 600 && status.status === 'loading'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await ctx.admin.get('/api/v1/demo')).json();
    }
    const expected = fingerprint({ seed: 7, size: 1200, asOf: todayInShanghai() });
    expect(status).toMatchObject({ status: 'done', loaded: 1200, customers: 1200, fingerprint: expected });
    const list = (await ctx.admin.get('/api/v1/customers?limit=5&q=哈尔滨')).json();
    expect(list.items.length).toBe(5);
    const plan = planDemo({ seed: 7, size: 1200, asOf: todayInShanghai() });
    const txCount = [...households(plan)].reduce((n, h) => n + h.transactions.length, 0);
    expect(status.transactions).toBe(txCount);
    // A customer's lifetime figures come from the generated payments and purchases.
    const first = [...households(plan, 0, 1)][0]!;
    const summary = (await ctx.admin.get(`/api/v1/customers/${first.customer.id}/transactions/summary`)).json();
    expect(summary.count).toBe(first.transactions.length);
    expect(summary.lifetimeSpendFen).toBe(first.transactions.reduce((s, t) => s + t.amountFen, 0));
    // Account managers own the households; the audit log has the load.
    const customer = (await ctx.admin.get(`/api/v1/customers/${first.customer.id}`)).json();
    expect(customer.ownerName).toBeTruthy();
    expect(customer.custom.heated_area).toBe(first.customer.custom.heated_area);
    expect(await areaFields()).toEqual(madeBySetup);
    expect(JSON.stringify((await ctx.admin.get('/api/v1/audit?entityType=custom_field')).json().items.map((x: { action: string }) => x.action))).toBe('["create"]');
    // A household with a repair: its timeline shows the call that asked for it.
    const repaired = [...households(plan)].find((h) => h.transactions.some((t) => t.type === 'purchase'))!;
    const timeline = (await ctx.admin.get(`/api/v1/customers/${repaired.customer.id}/timeline?limit=100`)).json();
    expect(JSON.stringify(timeline)).toContain('来电报修');
    // The service history, played through the tickets' and feedback's own services at its moments in the past.
    const scripts = planActivity(plan);
    const ticketScripts = scripts.filter((x) => x.kind === 'ticket');
    const feedbackScripts = scripts.filter((x) => x.kind === 'feedback');
    expect(ticketScripts.length).toBe(24);
    expect(feedbackScripts.length).toBe(12 + FEEDBACK_BURST); // 1 % of the households, and the last days' burst
    const tickets = (await ctx.admin.get('/api/v1/tickets?limit=100')).json();
    expect(tickets.total).toBe(24);
    const resolved = tickets.items.filter((x: { status: string }) => x.status === 'resolved');
    expect(resolved.length).toBe(ticketScripts.filter((x) => x.resolve).length);
    expect(tickets.items.filter((x: { rating: number | null }) => x.rating !== null).length).toBe(ticketScripts.filter((x) => x.rating).length);
    expect(tickets.items.every((x: { sla: unknown }) => x.sla !== null)).toBe(true);
    // Each ticket is where and when its script put it: the household's, created at the script's moment.
    const firstTicket = ticketScripts[0]!;
    const shown = tickets.items.find((x: { title: string; createdAt: string }) => x.title === firstTicket.title && x.createdAt === firstTicket.at.toISOString());
    expect(shown?.customer?.id).toBe(household(plan, firstTicket.household).customer.id);
    const feedback = (await ctx.admin.get('/api/v1/feedback?limit=100')).json().items as { source: string; status: string }[];
    // (Survey comments reach the inbox too: outreach.ts.)
    const voiced = feedback.filter((x) => x.source !== 'rating' && x.source !== 'survey');
    expect(voiced.length).toBe(12 + FEEDBACK_BURST);
    expect(voiced.filter((x) => x.status === 'closed').length).toBe(feedbackScripts.filter((x) => x.closeAt).length);
    // Ratings with a comment reached the inbox too.
    expect(feedback.filter((x) => x.source === 'rating').length).toBe(ticketScripts.filter((x) => x.rating?.comment).length);
    // Replies and resolutions went to the households through the outbox.
    const outbox: { templateName: string | null }[] = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const page = (await ctx.admin.get(`/api/v1/messages?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json() as { items: { templateName: string | null }[]; nextCursor: string | null };
      outbox.push(...page.items);
      cursor = page.nextCursor ?? null;
    }
    expect(outbox.filter((m) => m.templateName === null).length).toBe(ticketScripts.filter((x) => x.firstReply).length + resolved.length);
    // The care runs of the last days: birthday greetings by the demo's template, and its rules and plan in place.
    // (The first run also catches up the CATCH_UP_DAYS before it.)
    const careDays = scripts.filter((x) => x.kind === 'care').map((x) => x.at.getTime() + 8 * 3_600_000);
    const days = new Set<string>();
    for (let t = careDays[0]! - CATCH_UP_DAYS * 86_400_000; t <= careDays[careDays.length - 1]!; t += 86_400_000) days.add(new Date(t).toISOString().slice(5, 10));
    const birthdays = [...households(plan)].filter((h) => h.customer.birthday && days.has(h.customer.birthday.slice(5)));
    expect(birthdays.length).toBeGreaterThan(0);
    const greetings = outbox.filter((m) => m.templateName === '生日祝福').length;
    expect(greetings).toBeGreaterThan(0);
    expect(greetings).toBeLessThanOrEqual(birthdays.length);
    const rules = (await ctx.admin.get('/api/v1/care/rules')).json().items as { name: string }[];
    expect(rules.map((r) => r.name).sort()).toEqual(['独居老人春节走访', '生日祝福短信']);
    const audit = (await ctx.admin.get('/api/v1/audit?action=demo.load')).json();
    expect(JSON.stringify(audit)).toContain('demo.load');
    // Another demo on top is refused, in the caller's language; the same one again is a no-op.
    const again = await ctx.admin.post('/api/v1/demo', { size: 1500, seed: 7 }, { 'accept-language': 'en' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail ?? again.json().title).toMatch(/already loaded/);
    const same = await ctx.admin.post('/api/v1/demo', { size: 1200, seed: 7 });
    expect(same.statusCode).toBe(202);
    expect(same.json()).toMatchObject({ status: 'done', customers: 1200 });
  }, 180_000); // its wait for the load is up to 120 s by itself (1,200 households on PGlite beside the rest of CI)

  it('resumes an interrupted load exactly: the stored data equals an uninterrupted load', async () => {
    const params = { seed: 7, size: 1200, asOf: todayInShanghai() };
    const actor = systemActor('cli');
    const stop = new AbortController();
    const activity = { log: () => undefined, fallbackUrl: 'http://localhost:3000' };
    const first = await loadDemo(other.database.db, actor, params, { onProgress: () => stop.abort(), signal: stop.signal, activity });
    // Stopped after its first batch (its size depends on the database: short slices on PGlite).
    expect(first.status).toBe('loading');
    expect(first.loaded).toBeGreaterThan(0);
    expect(first.loaded).toBeLessThan(1200);
    // Stopped in the loyalty programme's earning (its first scripts: the rewards, then customer-id ranges), then resumed.
    const mid = new AbortController();
    const inLoyalty = await loadDemo(other.database.db, actor, params, { onProgress: (p) => p.played === 2 && mid.abort(), signal: mid.signal, activity });
    expect(inLoyalty).toMatchObject({ status: 'loading', loaded: 1200, history: { played: 2 } });
    // Stopped again in the middle of the service history, then resumed at the next script.
    const again = new AbortController();
    const second = await loadDemo(other.database.db, actor, params, { onProgress: (p) => p.played === 10 && again.abort(), signal: again.signal, activity });
    expect(second).toMatchObject({ status: 'loading', loaded: 1200 });
    const done = await loadDemo(other.database.db, actor, params, { activity });
    expect(done).toMatchObject({ status: 'done', loaded: 1200, fingerprint: fingerprint(params) });
    expect(await databaseFingerprint(other.database.db)).toBe(await databaseFingerprint(ctx.database.db));
    // No script played twice: the same tickets and feedback as the uninterrupted load.
    const brief = async (c: TestContext) => {
      const tickets = (await c.admin.get('/api/v1/tickets?limit=100')).json().items as { title: string; createdAt: string; status: string; rating: number | null }[];
      const feedback = (await c.admin.get('/api/v1/feedback?limit=100')).json().items as { text: string; createdAt: string; status: string }[];
      return [...tickets.map((x) => `${x.createdAt} ${x.title} ${x.status} ${x.rating}`), ...feedback.map((x) => `${x.createdAt} ${x.text} ${x.status}`)].sort();
    };
    expect(await brief(other)).toEqual(await brief(ctx));
  }, 180_000); // two loads of 1,200 households on PGlite
  it('plays the loyalty programme: members, points by the ledger, tiers, redemptions, referrals, adjustments, reports', async () => {
    // (After the loads above: ctx through the API in one go, other interrupted three times.)
    const one = async <T,>(c: TestContext, text: string) => rowsOf<T>(await c.database.db.execute(sql.raw(text)))[0]!;
    const row = await one<Record<string, string | number>>(
      ctx,
      `select (select count(*) from customers c where c.external_id like 'HR%' and not exists (select 1 from loyalty_members m where m.customer_id = c.id)) as outside,
              (select count(*) from loyalty_members m where m.balance <> (select coalesce(sum(e.points), 0) from points_entries e where e.customer_id = m.customer_id)) as off,
              (select count(*) from loyalty_members where tier <> 'regular') as above,
              (select count(*) from points_entries where kind = 'earn') as earned,
              (select count(*) from points_entries where kind = 'expire') as expired,
              (select count(*) from loyalty_rewards where seed_key is not null) as rewards`,
    );
    const figures = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
    expect(figures).toMatchObject({ outside: 0, off: 0, rewards: 6 });
    expect(figures.above).toBeGreaterThan(0);
    expect(figures.earned).toBeGreaterThan(1200);
    expect(figures.expired).toBeGreaterThan(0);
    // Redemptions at the desk and by members, dated in the past; one cancelled.
    const redemptions = (await ctx.admin.get('/api/v1/loyalty/redemptions?limit=200')).json().items as { channel: string; status: string; createdAt: string; createdByName: string | null }[];
    expect(redemptions.length).toBeGreaterThanOrEqual(8);
    expect(redemptions.some((r) => r.channel === 'desk' && r.createdByName)).toBe(true);
    expect(redemptions.some((r) => r.channel === 'member')).toBe(true);
    expect(redemptions.filter((r) => r.status === 'cancelled').length).toBe(1);
    expect(redemptions.every((r) => r.createdAt < new Date(Date.parse(`${todayInShanghai()}T00:00:00+08:00`)).toISOString())).toBe(true);
    // 老带新: rewarded after the first payment (some), one refused for the referrer's phone.
    const referrals = (await ctx.admin.get('/api/v1/loyalty/referrals?limit=100', { 'accept-language': 'en' })).json().items as { status: string; refusedReason: string | null }[];
    expect(referrals.length).toBe(5);
    expect(referrals.filter((r) => r.status === 'rewarded').length).toBeGreaterThan(0);
    expect(referrals.filter((r) => r.status === 'refused').length).toBe(1);
    expect(referrals.find((r) => r.status === 'refused')!.refusedReason).toMatch(/phone/i);
    const pending = (await ctx.admin.get('/api/v1/loyalty/adjustments?status=pending')).json().items as { points: number }[];
    expect(pending.map((a) => a.points)).toEqual([3000]);
    expect((await ctx.admin.get('/api/v1/loyalty/adjustments?status=approved')).json().items.length).toBe(4);
    // The reports show it all.
    const report = (await ctx.admin.get('/api/v1/loyalty/reports')).json();
    expect(report.members.total).toBeGreaterThanOrEqual(1200);
    expect(report.members.byTier.filter((t: { tier: string; count: number }) => t.tier !== 'regular' && t.count > 0).length).toBeGreaterThan(0);
    for (const k of ['issued', 'redeemed', 'expired', 'returned']) expect(report.points.total[k], k).toBeGreaterThan(0);
    expect(report.liability.points).toBeGreaterThan(0);
    expect(report.redemption.redeemers).toBeGreaterThan(0);
    expect(report.referrals.rewarded).toBeGreaterThan(0);
    // The interrupted load wrote exactly what the uninterrupted one did: nothing twice.
    const ledger = async (c: TestContext) =>
      one<Record<string, string>>(
        c,
        `select (select md5(string_agg(concat_ws('|', customer_id, kind, points, balance_after, occurred_at, reason), ',' order by customer_id, id)) from points_entries) as entries,
                (select count(*) from loyalty_members) as members, (select count(*) from loyalty_redemptions) as redemptions,
                (select string_agg(status, ',' order by referee_id) from loyalty_referrals) as referrals, (select count(*) from loyalty_adjustments) as adjustments,
                (select string_agg(concat_ws('|', day, status, summary::text), ',' order by day) from loyalty_runs) as runs`,
      );
    expect(await ledger(other)).toEqual(await ledger(ctx));
  });
});
