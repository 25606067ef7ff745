/**
 * Survey results (issue #15 part 4) through HTTP on hand-built responses (inserted with the repository): the figures
 * equal stats.ts on the fixture computed by hand (NPS [10,10,9,9,8,7,6,3,0,10] → 20), per-question distributions,
 * SERVQUAL gaps weighted and not, breakdowns by compound / tier / agent / month, an account manager's data scope (own
 * customers, no anonymous answers), the Excel export read back with exceljs (masked phones without customer:pii,
 * audited), the customer timeline, the follow-up task of a detractor (one per response), the churn signal, and
 * `hearth surveys results ID --format json` in one real process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDatabase } from '../../app.js';
import { systemActor } from '../../platform/auth/permissions.js';
import { openDatabase } from '../../platform/db/client.js';
import { createTestContext, scratchPostgresDatabase, TEST_DB_KIND, type Client, type TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';
import { seedDataDir } from '../../test/provided.js';
import { killChildren, runHearth } from '../../test/spawn.js';
import { customerValueTier } from '../analytics/index.js';
import { taskLedger } from '../interactions/index.js';
import { onResponseCompleted, surveyChurnSignal } from './followup.js';
import { cesOfScores, csatOfScores, npsOfScores, servqualOf } from './stats.js';
import type { SurveyResults, SurveyView } from './surveys.contract.js';
import { insertResponse } from './surveys.repository.js';
import { createSurvey } from './surveys.service.js';

const definition = {
  title: { zh: '供暖服务满意度' },
  questions: [
    { id: 'rec', type: 'nps', text: { zh: '推荐意愿' }, required: true },
    { id: 'sat', type: 'csat', text: { zh: '满意度' }, required: false },
    { id: 'effort', type: 'ces', text: { zh: '办理难易' }, required: false },
    { id: 'chan', type: 'single', text: { zh: '渠道' }, required: false, options: [{ value: 'a', text: { zh: '电话' } }, { value: 'b', text: { zh: '微信' } }] },
    { id: 'likes', type: 'multiple', text: { zh: '看重' }, required: false, options: [{ value: 'x', text: { zh: '温度' } }, { value: 'y', text: { zh: '价格' } }, { value: 'z', text: { zh: '服务' } }] },
    { id: 'mx', type: 'matrix', text: { zh: '评价' }, required: false, rows: [{ id: 'r1', text: { zh: '室温' } }, { id: 'r2', text: { zh: '态度' } }], scale: { min: 1, max: 5 } },
    {
      id: 'sq',
      type: 'servqual',
      text: { zh: '服务质量' },
      required: false,
      items: [
        { id: 'i1', dimension: 'reliability', text: { zh: '按时供热' } },
        { id: 'i2', dimension: 'reliability', text: { zh: '温度达标' } },
        { id: 'i3', dimension: 'tangibles', text: { zh: '营业厅整洁' } },
      ],
    },
    { id: 'why', type: 'text', text: { zh: '原因' }, required: false },
  ],
  dimensionWeights: { reliability: 60, tangibles: 40, responsiveness: 0, assurance: 0, empathy: 0 },
};

const NPS = [10, 10, 9, 9, 8, 7, 6, 3, 0, 10];
const CSAT = [5, 4, 4, 3, 2, 1, 5, 5, null, null];
const CES = [7, 6, 5, 4, 3, null, null, null, null, null];
const SQ = [
  { i1: { e: 7, p: 5 }, i2: { e: 6, p: 6 }, i3: { e: 5, p: 6 } },
  { i1: { e: 6, p: 4 }, i3: { e: 4, p: 4 } },
];

describe('survey results', () => {
  let ctx: TestContext;
  let am: Client;
  let marketer: Client;
  let survey: SurveyView;
  const customers: { id: string; phone: string }[] = [];
  const responses: { id: string; customerId: string | null; nps: number; csat: number | null }[] = [];
  const results = async (as: Client, query = '') => ok<SurveyResults>(await as.get(`/api/v1/surveys/${survey.id}/results${query}`));

  beforeAll(async () => {
    ctx = await createTestContext();
    am = await ctx.newUser({ role: 'account_manager', username: 'svr.am' });
    marketer = await ctx.newUser({ role: 'marketer', username: 'svr.marketer' });
    survey = ok<SurveyView>(await ctx.admin.post('/api/v1/surveys', { name: '冬季满意度', kind: 'nps', definition }), 201);
    for (let i = 0; i < 9; i++) {
      const phone = `1390000000${i}`;
      const c = await ctx.newCustomer({ name: `住户${i + 1}`, phones: [phone], address: { compound: i < 4 ? '幸福小区' : '阳光小区' }, ownerId: i < 4 ? am.userId : ctx.admin.userId });
      customers.push({ id: c.id as string, phone });
    }
    // Ten complete responses (the last anonymous), a day apart in November, and one partial that never counts.
    for (let i = 0; i < 10; i++) {
      const answers: Record<string, unknown> = { rec: NPS[i] };
      if (CSAT[i] !== null) answers.sat = CSAT[i];
      if (CES[i] !== null) answers.effort = CES[i];
      if (i < 3) answers.chan = i === 0 ? 'a' : 'b';
      if (i < 2) answers.likes = i === 0 ? ['x', 'y'] : ['y'];
      if (i < 2) answers.mx = i === 0 ? { r1: 5, r2: 4 } : { r1: 3 };
      if (i < 2) answers.sq = SQ[i];
      if (i < 3) answers.why = `原因${i + 1}`;
      const row = await insertResponse(ctx.database.db, {
        surveyId: survey.id,
        versionId: survey.currentVersionId,
        customerId: i < 9 ? customers[i]!.id : null,
        status: 'complete',
        answers,
        nps: NPS[i]!,
        csat: CSAT[i] ?? null,
        ces: CES[i] ?? null,
        channel: i < 9 ? 'sms' : 'qr',
        agentId: i < 2 ? am.userId : null,
        startedAt: new Date(Date.UTC(2026, 10, 1 + i, 2)),
        completedAt: new Date(Date.UTC(2026, 10, 1 + i, 2)),
      });
      responses.push({ id: row.id, customerId: row.customerId, nps: NPS[i]!, csat: CSAT[i] ?? null });
    }
    await insertResponse(ctx.database.db, { surveyId: survey.id, versionId: survey.currentVersionId, customerId: customers[0]!.id, status: 'partial', answers: { rec: 0 }, nps: 0, channel: 'sms' });
  });
  afterAll(async () => {
    killChildren();
    await ctx?.close();
  });

  it('computes the headline figures as stats.ts does on the fixture', async () => {
    const r = await results(ctx.admin);
    expect(r.responses).toBe(10);
    expect(r.nps).toEqual(npsOfScores(NPS));
    expect(r.nps).toMatchObject({ n: 10, promoters: 5, passives: 2, detractors: 3, nps: 20 });
    const csat = csatOfScores(CSAT.filter((x): x is number => x !== null));
    expect(r.csat).toEqual({ n: 8, satisfiedShare: 62.5, mean: 3.625, ci95: csat.ci95 });
    expect(r.ces).toEqual(cesOfScores([7, 6, 5, 4, 3]));
    expect(r.ces).toMatchObject({ n: 5, mean: 5, easyShare: 60 });
    expect(r).toMatchObject({ version: 1, invited: 0, responseRate: null, by: null, breakdown: [] });
  });

  it('gives per-question distributions, text samples and SERVQUAL gaps', async () => {
    const r = await results(ctx.admin);
    const byId = Object.fromEntries(r.questions.map((x) => [x.id, x]));
    expect(byId.rec!.counts.map((c) => c.count)).toEqual([1, 0, 0, 1, 0, 0, 1, 1, 1, 2, 3]);
    expect(byId.rec!.mean).toBeCloseTo(7.2);
    expect(byId.chan!.counts).toEqual([{ value: 'a', label: '电话', count: 1 }, { value: 'b', label: '微信', count: 2 }]);
    expect(byId.likes!.counts.map((c) => c.count)).toEqual([1, 2, 0]);
    expect(byId.likes!.answered).toBe(2);
    expect(byId.mx!.rows).toEqual([
      { id: 'r1', label: '室温', counts: [0, 0, 1, 0, 1], mean: 4 },
      { id: 'r2', label: '态度', counts: [0, 0, 0, 1, 0], mean: 4 },
    ]);
    expect(byId.why!.answered).toBe(3);
    expect(byId.why!.samples!.map((s) => s.text)).toEqual(['原因3', '原因2', '原因1']);
    // SERVQUAL by hand: i1 gap (4.5 − 6.5) = −2, i2 0, i3 (5 − 4.5) = 0.5; reliability −1, tangibles 0.5;
    // unweighted (−1 + 0.5) / 2 = −0.25; weighted 0.6·(−1) + 0.4·0.5 = −0.4.
    const sq = r.servqual!;
    expect(sq.items.map((i) => [i.id, i.n, i.gap])).toEqual([['i1', 2, -2], ['i2', 1, 0], ['i3', 2, 0.5]]);
    expect(sq.gap).toBeCloseTo(-0.25);
    expect(sq.weightedGap).toBeCloseTo(-0.4);
    const items = definition.questions[6]!.items!.map((i) => ({ id: i.id, dimension: i.dimension as 'reliability' | 'tangibles' }));
    const byHand = servqualOf(items, [{ itemId: 'i1', n: 2, sumE: 13, sumP: 9 }, { itemId: 'i2', n: 1, sumE: 6, sumP: 6 }, { itemId: 'i3', n: 2, sumE: 9, sumP: 10 }], definition.dimensionWeights);
    expect(sq.dimensions).toEqual(byHand.dimensions);
  });

  it('breaks down by compound, agent, month and value tier; filters by period', async () => {
    const byCompound = await results(ctx.admin, '?by=compound');
    const rows = Object.fromEntries(byCompound.breakdown.map((b) => [b.label, b]));
    expect(rows['幸福小区']).toMatchObject({ responses: 4, nps: { nps: 100 } });
    expect(rows['阳光小区']).toMatchObject({ responses: 5, nps: npsOfScores([8, 7, 6, 3, 0]) });
    expect(rows['（未知）']).toMatchObject({ key: 'none', responses: 1, nps: { nps: 100 } });
    const byAgent = await results(ctx.admin, '?by=agent');
    expect(byAgent.breakdown.find((b) => b.key === am.userId)).toMatchObject({ responses: 2, label: expect.stringMatching(/^account_manager /) });
    const byMonth = await results(ctx.admin, '?by=month');
    expect(byMonth.breakdown).toEqual([expect.objectContaining({ key: '2026-11', responses: 10, nps: npsOfScores(NPS) })]);
    const week = await results(ctx.admin, '?from=2026-11-03&to=2026-11-05');
    expect(week.responses).toBe(3);
    expect(week.nps).toEqual(npsOfScores([9, 9, 8]));

    // A segment (current members): the households of 幸福小区; anonymous answers belong to none.
    const seg = ok<{ id: string }>(await ctx.admin.post('/api/v1/segments', { name: '幸福小区住户', rule: { field: 'customer.compound', op: 'eq', value: '幸福小区' } }), 201);
    const refresh = ok<{ id: string }>(await ctx.admin.post(`/api/v1/segments/${seg.id}/refresh`), 202);
    for (let k = 0; ; k++) {
      if (ok<{ status: string }>(await ctx.admin.get(`/api/v1/segments/refreshes/${refresh.id}`)).status === 'done') break;
      if (k > 3000) throw new Error('refresh did not finish');
      await new Promise((res) => setTimeout(res, 100));
    }
    const bySegment = await results(ctx.admin, '?by=segment');
    expect(bySegment.breakdown).toEqual([expect.objectContaining({ key: seg.id, label: '幸福小区住户', responses: 4, nps: npsOfScores([10, 10, 9, 9]) })]);

    // Value tiers come from an analytics run; the breakdown groups the fixture's scores by each customer's tier.
    const run = ok<{ id: string }>(await ctx.admin.post('/api/v1/analytics/runs', { asOf: '2026-11-30' }), 202);
    for (let k = 0; ; k++) {
      const s = ok<{ status: string }>(await ctx.admin.get(`/api/v1/analytics/runs/${run.id}`));
      if (s.status === 'done') break;
      if (s.status === 'failed' || k > 3000) throw new Error(`analytics run: ${JSON.stringify(s)}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    const expected = new Map<string, number[]>();
    for (let i = 0; i < 10; i++) {
      const tier = i < 9 ? ((await customerValueTier(ctx.database.db, customers[i]!.id)) ?? 'none') : 'none';
      expected.set(tier, [...(expected.get(tier) ?? []), NPS[i]!]);
    }
    const byTier = await results(ctx.admin, '?by=tier');
    expect(Object.fromEntries(byTier.breakdown.map((b) => [b.key, [b.responses, b.nps]]))).toEqual(
      Object.fromEntries([...expected].map(([k, scores]) => [k, [scores.length, npsOfScores(scores)]])),
    );

    // The NPS feeds the scorecard's word-of-mouth value (口碑): the latest answer, ranked among the 9 customers who
    // answered (10, 10, 9, 9, 8, 7, 6, 3, 0): the two 10s share mid-rank 8/9, the 0 has 0.5/9.
    const wordOfMouth = async (i: number) =>
      ok<{ scores: { kinds: Record<string, number>; indicators: Record<string, number> } }>(await ctx.admin.get(`/api/v1/customers/${customers[i]!.id}/analytics`)).scores;
    expect((await wordOfMouth(0)).kinds.wordOfMouth).toBeCloseTo(88.9, 5);
    expect((await wordOfMouth(0)).indicators.nps).toBeCloseTo(88.9, 5);
    expect((await wordOfMouth(6)).kinds.wordOfMouth).toBeCloseTo(27.8, 5);
    expect((await wordOfMouth(8)).kinds.wordOfMouth).toBeCloseTo(5.6, 5);
    const inputs = ok<{ items: { key: string; kind: string }[] }>(await ctx.admin.get('/api/v1/analytics/scorecard-inputs'));
    expect(inputs.items).toContainEqual(expect.objectContaining({ key: 'surveys.nps', kind: 'wordOfMouth' }));
    const settings = ok<{ indicators: { metric: string; field?: string | null }[] }>(await ctx.admin.get('/api/v1/analytics/settings'));
    const k = settings.indicators.findIndex((i) => i.metric === 'input');
    expect(settings.indicators[k]).toMatchObject({ field: 'surveys.nps', kind: 'wordOfMouth', weight: 0 });
    const wrong = { ...settings, indicators: settings.indicators.map((ind, j) => (j === k ? { ...ind, field: 'surveys.nope' } : ind)) };
    const refused = await ctx.admin.put('/api/v1/analytics/settings', wrong);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: `indicators.${k}.field`, message: expect.stringContaining('surveys.nope') })]);
  });

  it("keeps an account manager to their own customers' answers (no anonymous ones)", async () => {
    const r = await results(am);
    expect(r.responses).toBe(4);
    expect(r.nps).toEqual(npsOfScores([10, 10, 9, 9]));
    expect(r.questions.find((x) => x.id === 'why')!.samples!.map((s) => s.text)).toEqual(['原因3', '原因2', '原因1']);
    expect((await am.get(`/api/v1/surveys/${survey.id}/responses.xlsx`)).statusCode).toBe(403);
    expect((await ctx.admin.get(`/api/v1/surveys/${survey.id}/results?version=7`)).statusCode).toBe(400);
  });

  it('exports the complete responses to Excel, masked without customer:pii, audited', async () => {
    const read = async (as: Client) => {
      const res = await as.get(`/api/v1/surveys/${survey.id}/responses.xlsx`);
      expect(res.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const sheet = wb.worksheets[0]!;
      const out: unknown[][] = [];
      sheet.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    const rows = await read(marketer);
    expect(rows).toHaveLength(11);
    const header = rows[0] as string[];
    expect(header.slice(0, 7)).toEqual(['完成时间', '渠道', '户号', '客户', '电话', '小区', '坐席']);
    expect(header).toContain('推荐意愿');
    expect(header).toContain('评价 · 室温');
    expect(header).toContain('可靠性 · 按时供热（期望）');
    const first = rows[1]!;
    expect(first[3]).toBe('住户1');
    expect(first[4]).toBe('139****0000');
    expect(first[header.indexOf('推荐意愿')]).toBe(10);
    expect(first[header.indexOf('看重')]).toBe('温度、价格');
    expect(first[header.indexOf('可靠性 · 按时供热（感知）')]).toBe(5);
    expect(rows[10]![3] ?? '').toBe(''); // the anonymous answer
    const full = await read(ctx.admin);
    expect(String(full[1]![4]).replace(/\D/g, '')).toContain('13900000000');
    const audit = ok<{ items: { action: string; changes: Record<string, unknown> }[] }>(await ctx.admin.get(`/api/v1/audit?entityType=survey&entityId=${survey.id}&action=export`));
    expect(audit.items.map((a) => a.changes.unmasked).sort()).toEqual([false, true]);
  });

  it("shows the answer on the customer's timeline", async () => {
    const timeline = ok<{ items: { kind: string; title: string; data: Record<string, unknown> }[] }>(await ctx.admin.get(`/api/v1/customers/${customers[0]!.id}/timeline`));
    const ev = timeline.items.find((e) => e.kind === 'survey_response');
    expect(ev).toMatchObject({ title: '完成满意度调查《冬季满意度》：NPS 10 · CSAT 5 · CES 7', data: { responseId: responses[0]!.id, nps: 10 } });
    const en = ok<{ items: { kind: string; title: string }[] }>(await ctx.admin.lang('en').get(`/api/v1/customers/${customers[0]!.id}/timeline`));
    expect(en.items.find((e) => e.kind === 'survey_response')!.title).toBe('Completed the survey “冬季满意度”: NPS 10 · CSAT 5 · CES 7');
  });

  it('opens one follow-up task for a detractor or a CSAT of 1–2, for the owner; a detractor is a churn reason', async () => {
    const detractor = responses[6]!; // NPS 6, customer 7 (owned by the admin)
    const complete = (r: (typeof responses)[number]) => ({ id: r.id, surveyId: survey.id, customerId: r.customerId, status: 'complete', nps: r.nps, csat: r.csat });
    const id = await ctx.database.db.transaction((tx) => onResponseCompleted(tx, complete(detractor)));
    expect(id).toBeTruthy();
    expect(await ctx.database.db.transaction((tx) => onResponseCompleted(tx, complete(detractor)))).toBeNull();
    expect(await ctx.database.db.transaction((tx) => onResponseCompleted(tx, complete(responses[0]!)))).toBeNull(); // a promoter
    const lowCsat = await ctx.database.db.transaction((tx) => onResponseCompleted(tx, complete(responses[4]!))); // NPS 8, CSAT 2
    expect(lowCsat).toBeTruthy();
    expect(await ctx.database.db.transaction((tx) => onResponseCompleted(tx, complete(responses[9]!)))).toBeNull(); // anonymous
    const tasks = await ctx.database.db.select().from(taskLedger).where(sql`${taskLedger.customerId} = ${detractor.customerId}`);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ type: 'return_visit', assigneeId: ctx.admin.userId, status: 'open' });
    expect(tasks[0]!.title).toBe('回访不满意客户：住户7（冬季满意度 NPS 6）');

    const signal = await surveyChurnSignal.evaluate(ctx.database.db, null, { date: '2026-11-30', end: new Date('2026-11-30T00:00:00Z') });
    expect([...signal.keys()].sort()).toEqual([customers[6]!.id, customers[7]!.id, customers[8]!.id].sort());
    expect(signal.get(customers[8]!.id)![0]).toMatchObject({ code: 'survey_detractor', points: 25 });
    expect((await surveyChurnSignal.evaluate(ctx.database.db, [customers[0]!.id], { date: '2026-11-30', end: new Date('2026-11-30T00:00:00Z') })).size).toBe(0);
    expect((await surveyChurnSignal.evaluate(ctx.database.db, null, { date: '2027-06-30', end: new Date('2027-06-30T00:00:00Z') })).size).toBe(0);
  });

  it('hearth surveys results ID --format json prints the figures', { timeout: 240_000 }, async () => {
    // Its own small database (the CLI is another process; PGlite allows one per data directory).
    const env: Record<string, string> = { LANG: 'zh_CN.UTF-8' };
    let drop = async () => {};
    if (TEST_DB_KIND === 'postgres') {
      const scratch = await scratchPostgresDatabase('hearth_svr_cli');
      env.DATABASE_URL = scratch.url;
      drop = scratch.drop;
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'hearth-svr-cli-'));
      env.DATA_DIR = dir;
      await seedDataDir(dir); // the run's migrated data directory: no initdb and no migrations here (cli.test.ts covers those)
      drop = async () => rmSync(dir, { recursive: true, force: true });
    }
    try {
      const database = await openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: 1 } : { kind: 'pglite', dataDir: env.DATA_DIR! });
      let id: string;
      try {
        await prepareDatabase(database);
        const s = await database.db.transaction((tx) => createSurvey(tx, systemActor('cli'), { name: 'CLI', kind: 'nps', definition: definition as never }));
        id = s.id;
        for (const nps of NPS) {
          await insertResponse(database.db, { surveyId: s.id, versionId: s.currentVersionId, status: 'complete', answers: { rec: nps }, nps, channel: 'qr', completedAt: new Date() });
        }
      } finally {
        await database.close();
      }
      const out = await runHearth(['surveys', 'results', id, '--format', 'json'], env);
      expect(out.code, out.stderr).toBe(0);
      const r = JSON.parse(out.stdout.trim().split('\n').pop()!);
      expect(Object.keys(r).slice(0, 5)).toEqual(['responses', 'nps', 'csat', 'ces', 'servqual']);
      expect(r).toMatchObject({ responses: 10, nps: { nps: 20, promoters: 5, detractors: 3 }, csat: { n: 0 }, servqual: { gap: null } });
    } finally {
      await drop();
    }
  });
});
