/**
 * 供热 tools through HTTP (injected clock, company zone Asia/Shanghai): the compound tree's counts per level (households,
 * open tickets, arrears) against a hand-built estate and within an agent's scope; the arrears rule per season on a
 * hand-made ledger (bills, payments, refunds, 报停, a season not yet due); the outage notice reaching exactly a
 * building's consenting households with the blocked ones by reason, the weekly cap not applying, Idempotency-Key
 * sending once, a compound-sized notice as a durable run; bad input as problem+json naming the field in zh-CN and en.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { customerBulkLoad, phoneDigitsOf, searchTextOf } from '../customers/index.js';
import type { ArrearsPage, ArrearsSummary, NoticeView, TreeLevelView } from './heating.contract.js';

const bj = (s: string) => new Date(`${s.replace(' ', 'T')}:00+08:00`);
let now = bj('2026-12-06 10:00');

let ctx: TestContext;
let admin: Client;
let agent: Client;
let phoneSeq = 0;
const phone = () => `1390000${String(++phoneSeq).padStart(4, '0')}`;
const addr = (compound: string, building: string, unit: string, room = '101') => ({ province: '黑龙江省', city: '哈尔滨市', district: '道里区', compound, building, unit, room });

async function household(name: string, compound: string, building: string, unit: string, extra: Record<string, unknown> = {}, as?: Client): Promise<string> {
  const c = await ctx.newCustomer({ name, phones: [phone()], address: addr(compound, building, unit), consent: { sms: true }, ...extra }, as);
  return c.id as string;
}
async function pay(customerId: string, season: string, amountFen: number, type: 'payment' | 'purchase' | 'refund' = 'payment', refundOfId?: string): Promise<string> {
  const year = Number(season.slice(0, 4));
  const body = { type, amountFen, occurredAt: `${year}-09-01T10:00:00+08:00`, heatingSeason: season, ...(refundOfId ? { refundOfId } : {}) };
  return ok(await admin.post(`/api/v1/customers/${customerId}/transactions`, body), 201).id as string;
}
async function level(as: Client, q = ''): Promise<TreeLevelView> {
  return ok<TreeLevelView>(await as.get(`/api/v1/heating/tree${q}`));
}
const node = (v: TreeLevelView, key: string | null) => v.items.find((i) => i.key === key);
async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let k = 0; k < 600; k++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen`);
}
async function rebuild(): Promise<void> {
  const run = ok(await admin.post('/api/v1/heating/arrears/rebuild'), 202);
  await waitFor(async () => ok<ArrearsSummary>(await admin.get('/api/v1/heating/arrears/summary')).lastRun?.id === run.id, 'the arrears rebuild');
}
async function scalar(query: string): Promise<number> {
  return Number(rowsOf<{ n: number }>(await ctx.database.db.execute(sql.raw(query)))[0]!.n);
}

const ids: Record<string, string> = {};

describe('heating tools', () => {
  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    admin = ctx.admin;
    agent = await ctx.newUser({ role: 'agent' });
    // 幸福家园: 1号楼 (1单元 ×3, 2单元 ×2), 2号楼 (1单元 ×2); 阳光小区: 1号楼 1单元 ×1 — one household of 2号楼 is the agent's.
    ids.a = await household('甲', '幸福家园', '1号楼', '1单元');
    ids.b = await household('乙', '幸福家园', '1号楼', '1单元');
    ids.c = await household('丙', '幸福家园', '1号楼', '1单元', { consent: { sms: false } });
    ids.d = await household('丁', '幸福家园', '1号楼', '2单元', { phones: [] });
    ids.e = await household('戊', '幸福家园', '1号楼', '2单元', { tags: ['已报停'] });
    ids.f = await household('己', '幸福家园', '2号楼', '1单元');
    ids.g = await household('庚', '幸福家园', '2号楼', '1单元', {}, agent);
    ids.h = await household('辛', '阳光小区', '1号楼', '1单元');
    // Tickets: two open (甲, 庚), one resolved (乙).
    const rootCauseId = ok(await admin.post('/api/v1/ticket-root-causes', { nameZh: '阀门堵塞' }), 201).id;
    for (const [who, title] of [['a', '暖气不热'], ['g', '漏水']] as const) ok(await admin.post('/api/v1/tickets', { title, type: 'repair', customerId: ids[who] }), 201);
    const done = ok(await admin.post('/api/v1/tickets', { title: '报修', type: 'repair', customerId: ids.b }), 201);
    ok(await admin.post(`/api/v1/tickets/${done.id}/resolve`, { rootCauseId, solution: '已修好', returnVisitDays: 0 }));
  }, 180_000);
  afterAll(async () => {
    await ctx?.close();
  });

  it('applies the arrears rule per season: bills, last fees, refunds, 报停 and seasons not yet due', async () => {
    // 甲 paid 2023 and 2024 (¥3,000) and nothing since: owes 2025-2026 and 2026-2027 at ¥3,000 each.
    await pay(ids.a!, '2023-2024', 300_000);
    await pay(ids.a!, '2024-2025', 300_000);
    // 乙 paid every season: owes nothing.
    for (const s of ['2024-2025', '2025-2026', '2026-2027']) await pay(ids.b!, s, 250_000);
    // 丙 was billed ¥4,000 for 2026-2027 and paid ¥1,500 of it: owes ¥2,500 (on the bill).
    await pay(ids.c!, '2026-2027', 400_000, 'purchase');
    await pay(ids.c!, '2026-2027', 150_000);
    // 戊 stopped heating (tagged 已报停) after 2024: owes nothing.
    await pay(ids.e!, '2024-2025', 200_000);
    // 己 paid 2024 and 2025, and 2025's payment was refunded: owes 2025-2026 and 2026-2027 at the 2024 fee.
    await pay(ids.f!, '2024-2025', 180_000);
    const p2025 = await pay(ids.f!, '2025-2026', 180_000);
    await pay(ids.f!, '2025-2026', 180_000, 'refund', p2025);
    // 辛 paid 2025-2026 only: owes 2026-2027.
    await pay(ids.h!, '2025-2026', 120_000);

    const all = ok<ArrearsPage>(await admin.get('/api/v1/heating/arrears'));
    expect(all.items.map((r) => [r.name, r.owedFen])).toEqual([
      ['甲', 600_000],
      ['己', 360_000],
      ['丙', 250_000],
      ['辛', 120_000],
    ]);
    const a = all.items[0]!;
    expect(a.seasons).toEqual([
      { season: '2025-2026', dueFen: 300_000, paidFen: 0, owedFen: 300_000, basis: 'last_fee' },
      { season: '2026-2027', dueFen: 300_000, paidFen: 0, owedFen: 300_000, basis: 'last_fee' },
    ]);
    expect(all.items.find((r) => r.name === '丙')!.seasons).toEqual([{ season: '2026-2027', dueFen: 400_000, paidFen: 150_000, owedFen: 250_000, basis: 'bill' }]);
    expect(a.phone).toMatch(/\*{4}/); // masked
    expect(a).toMatchObject({ compound: '幸福家园', building: '1号楼', unit: '1单元', room: '101' });

    // Totals per season, newest first; a season filter keeps that season's debts only.
    const summary = ok<ArrearsSummary>(await admin.get('/api/v1/heating/arrears/summary'));
    expect(summary.dueSeason).toBe('2026-2027');
    expect(summary.seasons).toEqual([
      { season: '2026-2027', households: 4, owedFen: 300_000 + 180_000 + 250_000 + 120_000 },
      { season: '2025-2026', households: 2, owedFen: 300_000 + 180_000 },
    ]);
    expect(summary.total).toEqual({ households: 4, owedFen: 1_330_000 });
    const season = ok<ArrearsPage>(await admin.get('/api/v1/heating/arrears?season=2025-2026'));
    expect(season.items.map((r) => [r.name, r.owedFen, r.seasons.length])).toEqual([
      ['甲', 300_000, 1],
      ['己', 180_000, 1],
    ]);
    // Filtered by building; paged by amount (keyset).
    const b1 = ok<ArrearsSummary>(await admin.get(`/api/v1/heating/arrears/summary?compound=${encodeURIComponent('幸福家园')}&building=${encodeURIComponent('1号楼')}`));
    expect(b1.total).toEqual({ households: 2, owedFen: 850_000 });
    const first = ok<ArrearsPage>(await admin.get('/api/v1/heating/arrears?limit=3'));
    const rest = ok<ArrearsPage>(await admin.get(`/api/v1/heating/arrears?limit=3&cursor=${first.nextCursor}`));
    expect([...first.items, ...rest.items].map((r) => r.name)).toEqual(['甲', '己', '丙', '辛']);
    expect(rest.nextCursor).toBeNull();

    // Before 1 December 2026 the 2026-2027 season is not due (丙's bill for it neither): a rebuild on 20 November leaves 2025-2026.
    now = bj('2026-11-20 10:00');
    await rebuild();
    const early = ok<ArrearsSummary>(await admin.get('/api/v1/heating/arrears/summary'));
    expect(early.dueSeason).toBe('2025-2026');
    expect(early.seasons).toEqual([{ season: '2025-2026', households: 2, owedFen: 480_000 }]);
    now = bj('2026-12-06 10:00');
    await rebuild();
    expect(ok<ArrearsSummary>(await admin.get('/api/v1/heating/arrears/summary')).total).toEqual({ households: 4, owedFen: 1_330_000 });
    // A payment is heard at once (the transactions' written hook): 辛 pays, and owes nothing.
    await pay(ids.h!, '2026-2027', 120_000);
    expect(ok<ArrearsPage>(await admin.get('/api/v1/heating/arrears')).items.map((r) => r.name)).toEqual(['甲', '己', '丙']);
  });

  it('counts households, open tickets and arrears per compound, building and unit', async () => {
    const compounds = await level(admin);
    expect(compounds.level).toBe('compound');
    expect(compounds.items.map((i) => i.key)).toEqual(['幸福家园', '阳光小区']);
    expect(node(compounds, '幸福家园')).toEqual({ key: '幸福家园', households: 7, openTickets: 2, arrearsHouseholds: 3, arrearsFen: 1_210_000 });
    expect(node(compounds, '阳光小区')).toEqual({ key: '阳光小区', households: 1, openTickets: 0, arrearsHouseholds: 0, arrearsFen: 0 });
    expect(compounds.arrearsAsOf).not.toBeNull();

    const buildings = await level(admin, `?compound=${encodeURIComponent('幸福家园')}`);
    expect(buildings.level).toBe('building');
    expect(buildings.items).toEqual([
      { key: '1号楼', households: 5, openTickets: 1, arrearsHouseholds: 2, arrearsFen: 850_000 },
      { key: '2号楼', households: 2, openTickets: 1, arrearsHouseholds: 1, arrearsFen: 360_000 },
    ]);
    const units = await level(admin, `?compound=${encodeURIComponent('幸福家园')}&building=${encodeURIComponent('1号楼')}`);
    expect(units.items).toEqual([
      { key: '1单元', households: 3, openTickets: 1, arrearsHouseholds: 2, arrearsFen: 850_000 },
      { key: '2单元', households: 2, openTickets: 0, arrearsHouseholds: 0, arrearsFen: 0 },
    ]);
    // The list opened from a node filters the same households.
    const list = ok(await admin.get(`/api/v1/customers?compound=${encodeURIComponent('幸福家园')}&building=${encodeURIComponent('1号楼')}&unit=${encodeURIComponent('1单元')}&withTotal=true`));
    expect(list.total).toBe(3);
    expect(list.items.map((c: { name: string }) => c.name).sort()).toEqual(['丙', '乙', '甲'].sort());
  });

  it("keeps to the reader's data scope", async () => {
    // The agent owns 庚 only (2号楼, one open ticket, no arrears).
    const compounds = await level(agent);
    expect(compounds.items).toEqual([{ key: '幸福家园', households: 1, openTickets: 1, arrearsHouseholds: 0, arrearsFen: 0 }]);
    const buildings = await level(agent, `?compound=${encodeURIComponent('幸福家园')}`);
    expect(buildings.items.map((i) => [i.key, i.households])).toEqual([['2号楼', 1]]);
    expect(ok<ArrearsPage>(await agent.get('/api/v1/heating/arrears')).items).toEqual([]);
    expect(ok<ArrearsSummary>(await agent.get('/api/v1/heating/arrears/summary')).total).toEqual({ households: 0, owedFen: 0 });
    // Sending a notice is a service manager's action.
    problemOf(await agent.post('/api/v1/heating/notices', { kind: 'outage', compound: '幸福家园', text: '停暖' }), 403);
    problemOf(await agent.get('/api/v1/heating/notices'), 403);
  });

  it("sends an outage notice to exactly one building's consenting households, reporting the blocked ones by reason", async () => {
    // 乙 has had three care messages this week (the weekly cap): the notice reaches it all the same.
    for (let i = 0; i < 3; i++) ok(await admin.post(`/api/v1/customers/${ids.b}/messages`, { channel: 'sms', body: `关怀 ${i}`, category: 'care' }), 201);
    const preview = ok(await admin.get(`/api/v1/heating/notices/preview?compound=${encodeURIComponent('幸福家园')}&building=${encodeURIComponent('1号楼')}&channel=sms`));
    expect(preview).toMatchObject({ households: 5, inline: true });
    const text = '【测试热力】因管网抢修，幸福家园1号楼12月7日8:00至18:00停暖，给您带来不便敬请谅解。';
    const key = randomUUID();
    const body = { kind: 'outage', compound: '幸福家园', building: '1号楼', text };
    const firstRes = await admin.post('/api/v1/heating/notices', body, { 'idempotency-key': key });
    const first = ok<NoticeView>(firstRes, 201);
    // 甲, 乙, 戊 consent and have a mobile; 丙 refused SMS; 丁 has no phone.
    expect(first).toMatchObject({ status: 'done', households: 5, reached: 3, blocked: 2, channel: 'sms', kind: 'outage' });
    expect(first.counts).toEqual({ queued: 3, quietHours: 0, blocked: { no_consent: 1, no_recipient: 1, frequency_cap: 0, deleted: 0 } });
    expect(preview.reachable).toBe(3);
    const sent = rowsOf<{ customer_id: string; status: string; reason: string | null; category: string; body: string }>(
      await ctx.database.db.execute(sql`select customer_id, status, reason, category, body from messages where source_id = ${first.id}::uuid order by customer_id`),
    );
    expect(sent.filter((m) => m.status !== 'suppressed').map((m) => m.customer_id).sort()).toEqual([ids.a, ids.b, ids.e].sort());
    expect(sent.filter((m) => m.status === 'suppressed').map((m) => [m.customer_id, m.reason])).toEqual([[ids.c, 'no_consent']]);
    expect(sent.every((m) => m.category === 'transactional' && m.body === text)).toBe(true);
    // The same Idempotency-Key sends once: the same answer, no new notice, no new message.
    const again = await admin.post('/api/v1/heating/notices', body, { 'idempotency-key': key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(firstRes.body);
    expect(await scalar('select count(*)::int as n from heating_notices')).toBe(1);
    expect(await scalar(`select count(*)::int as n from messages where source_kind = 'heating_notice'`)).toBe(4);
    // Audited; the typed text is kept as a transactional template, reused by the same text.
    const audit = await scalar(`select count(*)::int as n from audit_log where action = 'heating_notice' and entity_id = '${first.id}'`);
    expect(audit).toBe(1);
    now = bj('2026-12-06 10:05'); // listed newest first: a later notice
    const second = ok<NoticeView>(await admin.post('/api/v1/heating/notices', { ...body, building: '2号楼' }), 201);
    expect(second.templateId).toBe(first.templateId);
    expect(second).toMatchObject({ households: 2, reached: 2, blocked: 0 });
    // Read back with the outbox's delivery; listed newest first.
    const read = ok<NoticeView>(await admin.get(`/api/v1/heating/notices/${first.id}`));
    expect(read.delivery.queued + read.delivery.sending + read.delivery.sent + read.delivery.failed).toBe(3);
    expect(read.delivery.suppressed).toBe(1);
    expect(ok(await admin.get('/api/v1/heating/notices')).items.map((n: NoticeView) => n.id)).toEqual([second.id, first.id]);
  });

  it('sends a template to a compound of hundreds as a durable run', async () => {
    const tpl = ok(await admin.post('/api/v1/message-templates', { name: '抢修通知模板', channel: 'sms', category: 'care', bodyZh: '{{name}}您好：您所在小区正在抢修，预计今晚恢复供暖。' }), 201);
    const rows = Array.from({ length: 320 }, (_, i) => {
      const p = `+86137${String(10_000_000 + i).slice(0, 8)}`;
      const name = `住户${i}`;
      const address = { compound: '大成小区', building: `${1 + (i % 4)}号楼`, unit: '1单元' };
      return {
        name,
        phones: i % 10 === 0 ? [] : [p],
        ...address,
        consent: { sms: i % 5 !== 1, email: false, phone: true, wechat: false },
        searchText: searchTextOf({ name, email: null, province: null, city: null, district: null, street: null, room: null, ...address }),
        phoneDigits: phoneDigitsOf(i % 10 === 0 ? [] : [p]),
      };
    });
    await ctx.database.db.transaction((tx) => customerBulkLoad.insert(tx, rows as never));
    const created = ok<NoticeView>(await admin.post('/api/v1/heating/notices', { kind: 'repair', compound: '大成小区', templateId: tpl.id }), 201);
    expect(created).toMatchObject({ households: 320, status: 'queued', templateName: '抢修通知模板' });
    let done = created;
    await waitFor(async () => (done = ok<NoticeView>(await admin.get(`/api/v1/heating/notices/${created.id}`))).status === 'done', 'the notice run');
    // 32 without a phone; of the others, every fifth refused SMS (i % 5 = 1, none of them phoneless): 64.
    expect(done.counts).toEqual({ queued: 224, quietHours: 0, blocked: { no_consent: 64, no_recipient: 32, frequency_cap: 0, deleted: 0 } });
    expect(done.progress).toEqual({ done: 320, total: 320 });
    expect(await scalar(`select count(*)::int as n from messages where source_id = '${created.id}' and status <> 'suppressed'`)).toBe(224);
    expect(await scalar(`select count(*)::int as n from audit_log where action = 'heating_notice_done' and entity_id = '${created.id}'`)).toBe(1);
  });

  it('refuses bad input with problem+json naming the field, in the caller’s language', async () => {
    const zh = problemOf(await admin.get(`/api/v1/heating/tree?building=${encodeURIComponent('1号楼')}`), 400);
    expect(zh.errors[0]).toMatchObject({ field: 'building' });
    expect(zh.errors[0]!.message).toContain('小区');
    const en = problemOf(await admin.lang('en').get(`/api/v1/heating/tree?building=${encodeURIComponent('1号楼')}`), 400);
    expect(en.errors[0]!.message).toContain('compound');
    const none = problemOf(await admin.post('/api/v1/heating/notices', { kind: 'outage', compound: '幸福家园' }), 400);
    expect(none.errors[0]).toMatchObject({ field: 'text' });
    const kind = problemOf(await admin.lang('en').post('/api/v1/heating/notices', { kind: 'flood', compound: '幸福家园', text: 'x' }), 400);
    expect(kind.errors[0]!.field).toBe('kind');
    expect(kind.errors[0]!.message).toMatch(/Notice type/);
    const empty = problemOf(await admin.post('/api/v1/heating/notices', { kind: 'outage', compound: '无此小区', text: '停暖' }), 400);
    expect(empty.errors[0]).toMatchObject({ field: 'compound' });
    expect(empty.errors[0]!.message).toContain('无此小区');
    const season = problemOf(await admin.lang('en').get('/api/v1/heating/arrears?season=2025-2027'), 400);
    expect(season.errors[0]).toMatchObject({ field: 'season' });
    expect(await scalar('select count(*)::int as n from heating_notices')).toBe(3);
  });
});
