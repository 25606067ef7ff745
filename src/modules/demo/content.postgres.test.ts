/**
 * The demo's content (content.ts), loaded: after a load every menu page has data — knowledge base, segments with
 * members, goals with progress, a finished analytics run (and the 360 band's figures from it), duplicate pairs, a
 * finished import with rejected rows, the performance and report pages — and an interrupted load, whose module runs
 * (import, analytics, refresh) had finished without their checkpoint, writes none of them twice.
 *
 * On PostgreSQL only: two demo loads with their history, 8× the time on PGlite (101 s against 14 in CI), and what they
 * check is the demo's content, not the database. Loading on PGlite is shown by demo.test.ts (through the API and a
 * resume interrupted three times), slice.pglite.test.ts and e2e/demo.test.ts.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type TestContext } from '../../test/harness.js';
import { planActivity, playOutside, type ActivityDeps } from './activity.js';
import { DEMO_SEGMENTS, KB_ARTICLES, STATIC_LIST } from './content.data.js';
import { ANALYTICS_EARLIER_DAYS, duplicateVolume, importFileName, type ContentScript } from './content.js';
import { loadDemo, todayInShanghai } from './demo.service.js';
import { household, planDemo } from './generator.js';


type Article = { title: string; status: string; isPublic: boolean; viewCount: number; useCount: number; categoryId: string | null };
type Segment = { id: string; name: string; kind: string; memberCount: number; refreshedAt: string | null };
type Goal = { name: string; metric: { key: string }; ownerKind: string; progress: { value: number | null; status: string } };
type Job = { fileName: string; status: string; created: number; skipped: number; rejected: number; id: string };
type Pair = { a: { id: string }; b: { id: string }; reasons: string[] };

/** What the pages show of the demo's content, in a form two loads can be compared by. */
async function pages(c: TestContext) {
  const get = async <T,>(url: string): Promise<T> => {
    const res = await c.admin.get(url);
    expect(res.statusCode, url).toBe(200);
    return res.json() as T;
  };
  const articles = (await get<{ items: Article[] }>('/api/v1/kb/articles?limit=100')).items;
  const categories = (await get<{ items: { id: string; name: string; parentId: string | null }[] }>('/api/v1/kb/categories')).items;
  const segments = (await get<{ items: Segment[] }>('/api/v1/segments?limit=100')).items;
  const goals = (await get<{ items: Goal[] }>('/api/v1/goals?when=all')).items;
  const runs = (await get<{ items: { asOf: string; status: string }[] }>('/api/v1/analytics/runs')).items;
  const pairs = (await get<{ items: Pair[] }>('/api/v1/customers/duplicates?limit=100')).items;
  const imports = (await get<{ items: Job[] }>('/api/v1/imports?limit=20')).items;
  return { articles, categories, segments, goals, runs, pairs, imports };
}

const activity = { log: () => undefined, fallbackUrl: 'http://localhost:3000' };

describe('loading the demo content', () => {
  let ctx: TestContext;
  let other: TestContext;
  const params = { seed: 11, size: 400, asOf: todayInShanghai() };
  const actor = systemActor('cli');
  beforeAll(async () => {
    ctx = await createTestContext();
    other = await createTestContext();
  });
  afterAll(async () => {
    await ctx.close();
    await other.close();
  });

  it('fills every page: knowledge base, segments, goals, analytics, duplicates, imports, performance and reports', async () => {
    const done = await loadDemo(ctx.database.db, actor, params, { activity });
    expect(done).toMatchObject({ status: 'done', loaded: 400 });
    const p = await pages(ctx);

    // 知识库: the template's starter articles and the demo's, in their categories; public ones read, some used.
    const titles = p.articles.map((a) => a.title);
    for (const a of KB_ARTICLES) expect(titles).toContain(a.title);
    expect(titles).toContain('暖气不热怎么办');
    expect(p.articles.filter((a) => a.status === 'published').length).toBeGreaterThanOrEqual(KB_ARTICLES.length - 1 + 8);
    expect(p.articles.filter((a) => a.viewCount > 0).length).toBe(KB_ARTICLES.filter((a) => a.isPublic && a.status === 'published').length);
    expect(p.articles.some((a) => !a.isPublic && a.useCount > 0)).toBe(true);
    const devices = p.categories.find((x) => x.name === '室内设施与调节')!;
    expect(p.categories.find((x) => x.id === devices.parentId)?.name).toBe('供暖问题');
    expect(p.articles.find((a) => a.title === '温控阀的使用与调节')?.categoryId).toBe(devices.id);
    expect(p.categories.filter((x) => x.name === '供暖问题')).toHaveLength(1);

    // 客户细分: each dynamic segment refreshed, with members where the data has them; the hand-kept list filled.
    const byName = new Map(p.segments.map((s) => [s.name, s]));
    for (const s of DEMO_SEGMENTS) expect(byName.get(s.name)?.refreshedAt, s.name).not.toBeNull();
    for (const name of ['高价值客户', '独居老人']) expect(byName.get(name)!.memberCount, name).toBeGreaterThan(0);
    expect(DEMO_SEGMENTS.filter((s) => byName.get(s.name)!.memberCount > 0).length).toBeGreaterThanOrEqual(3);
    expect(byName.get(STATIC_LIST.name)).toMatchObject({ kind: 'static' });
    expect(byName.get(STATIC_LIST.name)!.memberCount).toBeGreaterThan(0);

    // 目标: the template's two and the operator's, for the company, a team and a person, with progress.
    const goals = new Map(p.goals.map((g) => [g.name, g]));
    expect(goals.has('投诉 24 小时内答复')).toBe(true);
    expect(goals.has('投诉量同比下降 30%')).toBe(true);
    expect(new Set(p.goals.map((g) => g.ownerKind))).toEqual(new Set(['company', 'team', 'user']));
    expect(p.goals.length).toBeGreaterThanOrEqual(9);
    // (Measured whatever the day: revenue so far this year, churn against last year's payers, the arrears segment's size.)
    for (const name of ['全年热费收入', '年度流失率控制在 5% 以内', '欠费住户压降到 1% 以内']) expect(goals.get(name)?.progress.value, name).not.toBeNull();
    expect(p.goals.filter((g) => g.progress.status !== 'no_data').length).toBeGreaterThanOrEqual(3);

    // 价值分析: one finished run as of the as-of date, and the 360 band's figures from it.
    // Two runs to compare: 30 days before the as-of date and on it.
    const earlier = new Date(Date.parse(`${params.asOf}T00:00:00Z`) - ANALYTICS_EARLIER_DAYS * 86_400_000).toISOString().slice(0, 10);
    expect(p.runs.map((r) => `${r.asOf}|${r.status}`).sort()).toEqual([`${earlier}|done`, `${params.asOf}|done`]);
    const plan = planDemo(params);
    const summary = (await ctx.admin.get(`/api/v1/customers/${household(plan, 0).customer.id}/summary`)).json() as { figures: { key: string; value: unknown }[] };
    for (const key of ['analytics.value_tier', 'analytics.clv', 'analytics.churn']) expect(summary.figures.find((f) => f.key === key)?.value, key).not.toBeNull();
    expect((await ctx.admin.get('/api/v1/analytics/tiers')).statusCode).toBe(200);

    // 疑似重复: the households registered twice, by phone and by name and address.
    expect(p.pairs.length).toBeGreaterThanOrEqual(duplicateVolume(400));
    expect(p.pairs.some((x) => x.reasons.includes('phone'))).toBe(true);
    expect(p.pairs.some((x) => x.reasons.includes('name_address'))).toBe(true);

    // 最近的导入: the developer's list, finished, with its rejected rows and their reasons.
    const job = p.imports.find((j) => j.fileName === importFileName(plan))!;
    expect(job).toMatchObject({ status: 'done', created: 12, skipped: 1, rejected: 3 });
    const rejects = (await ctx.admin.get(`/api/v1/imports/${job.id}/rejects`)).json() as { items: { row: number; reason: string }[] };
    expect(rejects.items.map((r) => r.row)).toEqual([5, 9, 12]);
    expect(rejects.items.every((r) => r.reason.length > 0)).toBe(true);

    // 团队绩效 and 报表: last month has agents' figures (tickets, return visits due); last month's report has figures.
    const [y, m] = params.asOf.split('-').map(Number) as [number, number];
    const month = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
    const perf = (await ctx.admin.get(`/api/v1/performance?month=${month}`)).json() as { rows: unknown[] };
    expect(perf.rows.length).toBeGreaterThan(0);
    const owner = ((await ctx.admin.get(`/api/v1/customers/${household(plan, 0).customer.id}`)).json() as { ownerId: string }).ownerId;
    expect(((await ctx.admin.get(`/api/v1/performance/notes?userId=${owner}`)).json() as { items: unknown[] }).items).toHaveLength(1);
    const report = (await ctx.admin.get('/api/v1/reports/value?cadence=month')).json() as { sections: { figures: { value: number | null }[] }[] };
    expect(report.sections.flatMap((s) => s.figures).some((f) => f.value !== null)).toBe(true);
  }, 300_000);

  it('resumes a load whose import, analytics run and refresh had finished without their checkpoint, writing nothing twice', async () => {
    const db = other.database.db;
    const scripts = planActivity(planDemo(params));
    const index = (step: ContentScript['step']) => scripts.findIndex((x) => x.kind === 'content' && x.step === step);
    const deps: ActivityDeps = { actor, runtime: activity, managerOf: () => 'unused' };
    const stopBefore = async (k: number) => {
      const stop = new AbortController();
      const status = await loadDemo(db, actor, params, { activity, signal: stop.signal, onProgress: (p) => p.played === k && stop.abort() });
      expect(status).toMatchObject({ status: 'loading', history: { played: k } });
    };
    // Each run played as an interrupted attempt would have (its own transactions done, the load's checkpoint not).
    for (const step of ['import', 'analytics', 'refresh'] as const) {
      await stopBefore(index(step));
      await playOutside(db, scripts[index(step)]!, deps);
    }
    expect(await loadDemo(db, actor, params, { activity })).toMatchObject({ status: 'done', loaded: 400 });

    // As many module runs as the uninterrupted load made (two analytics runs, one import, one refresh of the demo's own).
    const count = async (c: TestContext, table: string) => Number(rowsOf<{ n: number }>(await c.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);
    for (const table of ['analytics_runs', 'import_jobs', 'segment_refreshes', 'kb_articles', 'goals', 'customers', 'training_notes']) expect(await count(other, table), table).toBe(await count(ctx, table));
    expect(await count(other, 'analytics_runs')).toBe(2);
    expect(await count(other, 'import_jobs')).toBe(1);
    // The same pages as the uninterrupted load.
    const brief = async (c: TestContext) => {
      const p = await pages(c);
      return {
        articles: p.articles.map((a) => `${a.title}|${a.status}|${a.isPublic}|${a.viewCount}|${a.useCount}`).sort(),
        categories: p.categories.map((x) => x.name).sort(),
        segments: p.segments.map((s) => `${s.name}|${s.kind}|${s.memberCount}`).sort(),
        goals: p.goals.map((g) => `${g.name}|${g.metric.key}|${g.ownerKind}|${g.progress.value}`).sort(),
        runs: p.runs.map((r) => `${r.asOf}|${r.status}`),
        pairs: p.pairs.map((x) => `${x.a.id}|${x.b.id}|${x.reasons.join()}`),
        imports: p.imports.map((j) => `${j.fileName}|${j.status}|${j.created}|${j.skipped}|${j.rejected}`),
      };
    };
    expect(await brief(other)).toEqual(await brief(ctx));
  }, 300_000);
});
