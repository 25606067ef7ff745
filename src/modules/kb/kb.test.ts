/**
 * Knowledge base: the heating template's starter articles (seeded once), Chinese search through jieba tokens
 * (words, whole sentences, two-character fragments), suggestions for a ticket's text, 插入回复 counts, the public
 * answers page (drafts and internal articles hidden, views counted), versions and the trash, validation naming the
 * field in zh-CN and English, permissions, and script in a body stored as text. Both article lists page by keyset
 * cursor: walking every page (searched or not) gives each visible article once, in the list's order, with the same
 * total on each page; a forged cursor is a 400 naming `cursor`.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, countRows, createTestContext, type TestContext } from '../../test/harness.js';
import type { KbArticle, KbArticlePage, KbCategory, KbPublicArticlePage, KbSuggestionList } from './kb.contract.js';
import { ensureKbSeed } from './index.js';
import { problemOf, ok } from '../../test/http.js';

const titles = (page: { items: { title: string }[] }) => page.items.map((a) => a.title);

type Page = KbArticlePage | KbPublicArticlePage;

/** Follows `nextCursor` from the first page to the last: every page's items, and each page's total. */
async function walk(client: Client, path: string, limit: number): Promise<{ ids: string[]; totals: number[]; pages: number }> {
  const ids: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page = ok<Page>(await client.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
    expect(page.items.length).toBeLessThanOrEqual(limit);
    if (page.nextCursor) expect(page.items).toHaveLength(limit);
    ids.push(...page.items.map((a) => a.id));
    totals.push(page.total);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { ids, totals, pages };
}

/** A cursor as the lists make them (platform/http/cursor.ts): the sort values, then the id. */
const cursorOf = (values: unknown[], id: unknown = '0f1e2d3c-4b5a-4968-8776-655443322110') => Buffer.from(JSON.stringify([...values, id])).toString('base64url');

describe('knowledge base', () => {
  let ctx: TestContext;
  let agent: Client;
  let viewer: Client;
  let categories: KbCategory[];
  const cat = (name: string) => categories.find((c) => c.name === name)!.id;

  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent' });
    viewer = await ctx.newUser({ role: 'viewer' });
    categories = ok<{ items: KbCategory[] }>(await ctx.admin.get('/api/v1/kb/categories')).items;
  });
  afterAll(() => ctx.close());

  it('the heating template seeds categories and starter articles once', async () => {
    expect(categories.map((c) => c.name)).toEqual(['供暖问题', '缴费与发票', '维修与应急', '服务与投诉']);
    expect(categories.map((c) => c.articleCount)).toEqual([3, 3, 1, 1]);
    const page = ok<KbArticlePage>(await ctx.admin.get('/api/v1/kb/articles?limit=100'));
    expect(page.total).toBe(8);
    expect(titles(page)).toEqual(expect.arrayContaining(['暖气不热怎么办', '室温不达标的检测标准', '如何报停/恢复供暖', '缴费方式', '漏水应急处理', '供暖期时间', '发票开具', '投诉渠道']));
    const season = page.items.find((a) => a.title === '供暖期时间')!;
    expect(ok<KbArticle>(await agent.get(`/api/v1/kb/articles/${season.id}`)).body).toContain('10 月 20 日至次年 4 月 20 日');
    // A second run (another process, a restart) writes nothing.
    const before = await countRows(ctx.database, 'kb_articles');
    await ensureKbSeed(ctx.database.db);
    expect(await countRows(ctx.database, 'kb_articles')).toBe(before);
    expect(await countRows(ctx.database, 'kb_categories')).toBe(4);
  });

  it('Chinese search: a sentence, a word, two-character fragments', async () => {
    const search = async (q: string) => titles(ok<KbArticlePage>(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent(q)}`)));
    expect((await search('家里暖气不太热'))[0]).toBe('暖气不热怎么办');
    expect((await search('暖气'))[0]).toBe('暖气不热怎么办');
    expect(await search('暖气')).toContain('如何报停/恢复供暖'); // 暖气 ≈ 供暖
    expect((await search('漏水'))[0]).toBe('漏水应急处理');
    expect((await search('发票'))[0]).toBe('发票开具');
    expect((await search('室温'))[0]).toBe('室温不达标的检测标准');
    // Two characters that are no word of their own: the fragment fallback.
    expect(await search('热怎')).toEqual(['暖气不热怎么办']);
    expect((await search('报停'))[0]).toBe('如何报停/恢复供暖');
    const hit = ok<KbArticlePage>(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent('排气阀')}`)).items[0]!;
    expect(hit.title).toBe('暖气不热怎么办');
    expect(hit.snippet).toContain('排气阀');
    expect(await search('完全无关的内容xyz')).toEqual([]);
  });

  it('suggestions rank the right article first for a realistic complaint', async () => {
    const suggest = async (text: string) =>
      ok<KbSuggestionList>(await agent.get(`/api/v1/kb/suggestions?limit=5&text=${encodeURIComponent(text)}`)).items;
    const complaint =
      '您好，我是幸福小区3号楼2单元501的住户，这几天家里的暖气片一直不热，摸着只有一点温乎，屋里冻得受不了，老人孩子都在家，麻烦尽快派人来看看是怎么回事。';
    const items = await suggest(complaint);
    expect(items[0]!.title).toBe('暖气不热怎么办');
    expect(Object.keys(items[0]!).sort()).toEqual(['body', 'id', 'snippet', 'title']);
    expect(items[0]!.body).toContain('排气');
    expect(items.length).toBeLessThanOrEqual(5);
    expect((await suggest('卫生间暖气管道突然跑水了，地上全是水，楼下邻居也说天花板在滴水'))[0]!.title).toBe('漏水应急处理');
    expect((await suggest('想问一下今年的采暖费在哪里交，能用微信交费吗'))[0]!.title).toBe('缴费方式');
    expect((await suggest('房子今年冬天没人住，想申请停暖'))[0]!.title).toBe('如何报停/恢复供暖');
    expect(await suggest('的了吗')).toEqual([]);
    expect(await suggest('')).toEqual([]);
    // Up to a few thousand characters.
    expect(ok(await agent.get(`/api/v1/kb/suggestions?text=${encodeURIComponent('暖气不热'.repeat(1000))}`)).items[0].title).toBe('暖气不热怎么办');
    problemOf(await agent.get(`/api/v1/kb/suggestions?text=${encodeURIComponent('暖'.repeat(5001))}`), 400);
  });

  it('long ticket texts: POST /suggestions takes 4,000 characters over real HTTP, where the same text in a GET URL gets 431', async () => {
    const base = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const headers = { cookie: agent.cookie!, 'x-csrf-token': agent.csrf!, 'content-type': 'application/json' };
    // A long call transcript whose point comes at its end, far past what fits in a URL.
    const ending = '另外卫生间暖气管道突然跑水了，地上全是水，楼下邻居也说天花板在滴水。';
    const text = `客户来电记录：${'嗯'.repeat(4000 - 7 - ending.length)}${ending}`;
    expect(text).toHaveLength(4000);
    const posted = await fetch(`${base}/api/v1/kb/suggestions`, { method: 'POST', headers, body: JSON.stringify({ text, limit: 3 }) });
    expect(posted.status, await posted.clone().text()).toBe(200);
    const { items } = (await posted.json()) as KbSuggestionList;
    expect(items[0]!.title).toBe('漏水应急处理');
    expect(items.length).toBeLessThanOrEqual(3);
    expect(Object.keys(items[0]!).sort()).toEqual(['body', 'id', 'snippet', 'title']);
    // GET stays for short texts; half this text in a URL is already over Node's 16 KB header limit.
    const got = await fetch(`${base}/api/v1/kb/suggestions?text=${encodeURIComponent(text.slice(-2000))}`, { headers: { cookie: agent.cookie! } });
    expect(got.status).toBe(431);
    // Validation: over 5,000 characters names the field; signed out is 401.
    const tooLong = problemOf(await agent.post('/api/v1/kb/suggestions', { text: '暖'.repeat(5001) }), 400);
    expect(tooLong.errors[0]!.field).toBe('text');
    problemOf(await agent.post('/api/v1/kb/suggestions', { text: '暖气', limit: 11 }), 400);
    problemOf(await ctx.anon.post('/api/v1/kb/suggestions', { text: '暖气' }), 401);
    expect(ok<KbSuggestionList>(await agent.post('/api/v1/kb/suggestions', {})).items).toEqual([]);
  });

  it('an old version is restored as a new version: re-indexed, audited, refused when stale', async () => {
    const a = ok<KbArticle>(
      await ctx.admin.post('/api/v1/kb/articles', { title: '换热站巡检要点', summary: '第一版摘要', body: '巡检时记录板式换热器的压差。', status: 'published' }),
      201,
    );
    const v2 = ok<KbArticle>(await ctx.admin.patch(`/api/v1/kb/articles/${a.id}`, { title: '换热站巡检要点（新）', summary: null, body: '巡检时检查循环泵的声音。', version: 1 }));
    expect(v2.version).toBe(2);
    // Agents cannot; a stale version is refused naming the field; an unknown version is 404.
    problemOf(await agent.post(`/api/v1/kb/articles/${a.id}/versions/1/restore`, { version: 2 }), 403);
    expect(problemOf(await ctx.admin.post(`/api/v1/kb/articles/${a.id}/versions/1/restore`, { version: 1 }), 409).errors[0]!.field).toBe('version');
    problemOf(await ctx.admin.post(`/api/v1/kb/articles/${a.id}/versions/9/restore`, { version: 2 }), 404);
    problemOf(await ctx.admin.post(`/api/v1/kb/articles/${a.id}/versions/1/restore`, {}), 400);

    const restored = ok<KbArticle>(await ctx.admin.post(`/api/v1/kb/articles/${a.id}/versions/1/restore`, { version: 2 }));
    expect(restored).toMatchObject({ version: 3, title: '换热站巡检要点', summary: '第一版摘要', body: '巡检时记录板式换热器的压差。', status: 'published' });
    const versions = ok(await ctx.admin.get(`/api/v1/kb/articles/${a.id}/versions`)).items as { version: number; title: string }[];
    expect(versions.map((v) => [v.version, v.title])).toEqual([
      [3, '换热站巡检要点'],
      [2, '换热站巡检要点（新）'],
      [1, '换热站巡检要点'],
    ]);
    // Search follows the restored text.
    expect(titles(ok(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent('板式换热器压差')}`)))[0]).toBe('换热站巡检要点');
    expect(titles(ok(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent('循环泵')}`)))).not.toContain('换热站巡检要点');
    const audit = ok(await ctx.admin.get(`/api/v1/audit?entityType=kb_article&entityId=${a.id}`)).items as { action: string; changes: Record<string, unknown> }[];
    const entry = audit.find((e) => e.action === 'restore_version')!;
    expect(entry.changes).toMatchObject({ restoredFrom: 1, title: ['换热站巡检要点（新）', '换热站巡检要点'] });
    // Deleted articles are restored from the trash first.
    expect((await ctx.admin.delete(`/api/v1/kb/articles/${a.id}`)).statusCode).toBe(204);
    problemOf(await ctx.admin.post(`/api/v1/kb/articles/${a.id}/versions/2/restore`, { version: 3 }), 409);
    ok(await ctx.admin.post(`/api/v1/kb/articles/${a.id}/restore`));
  });

  it('public search: equally relevant answers come most-viewed first', async () => {
    const make = async () =>
      ok<KbArticle>(await ctx.admin.post('/api/v1/kb/articles', { title: '供热站参观预约', body: '参观供热站需要提前三天预约。', status: 'published', isPublic: true }), 201);
    const older = await make();
    const newer = await make();
    const search = async () =>
      (ok(await ctx.anon.get(`/api/v1/public/kb/articles?q=${encodeURIComponent('供热站参观预约')}`)) as { items: { id: string }[] }).items
        .map((a) => a.id)
        .filter((id) => id === older.id || id === newer.id);
    expect(await search()).toEqual([newer.id, older.id]);
    ok(await ctx.anon.get(`/api/v1/public/kb/articles/${older.id}`));
    expect(await search()).toEqual([older.id, newer.id]);
  });

  it('插入回复 counts uses; the list shows them; it is audited', async () => {
    const id = ok<KbArticlePage>(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent('漏水应急处理')}`)).items[0]!.id;
    expect(ok(await agent.post(`/api/v1/kb/articles/${id}/uses`))).toEqual({ useCount: 1 });
    expect(ok(await agent.post(`/api/v1/kb/articles/${id}/uses`))).toEqual({ useCount: 2 });
    const listed = ok<KbArticlePage>(await agent.get('/api/v1/kb/articles?limit=100')).items.find((a) => a.id === id)!;
    expect(listed.useCount).toBe(2);
    const audit = ok(await ctx.admin.get(`/api/v1/audit?entityType=kb_article&entityId=${id}`)).items as { action: string }[];
    expect(audit.filter((a) => a.action === 'use')).toHaveLength(2);
    problemOf(await agent.post('/api/v1/kb/articles/0f1e2d3c-4b5a-4968-8776-655443322110/uses'), 404);
  });

  it('editors create, change (versions), delete and restore; readers see published articles only', async () => {
    const created = ok<KbArticle>(
      await ctx.admin.post('/api/v1/kb/articles', {
        title: '地暖不热的排查方法',
        body: '地暖分水器的每一路阀门都要打开。',
        categoryId: cat('供暖问题'),
        tags: ['地暖', '地暖'],
        status: 'draft',
      }),
      201,
    );
    expect(created).toMatchObject({ status: 'draft', isPublic: false, tags: ['地暖'], version: 1, author: { name: '系统管理员' } });
    // A draft: invisible to agents, in search and by id.
    expect(titles(ok(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent('地暖')}`)))).not.toContain('地暖不热的排查方法');
    problemOf(await agent.get(`/api/v1/kb/articles/${created.id}`), 404);
    problemOf(await agent.patch(`/api/v1/kb/articles/${created.id}`, { status: 'published' }), 403);

    const published = ok<KbArticle>(await ctx.admin.patch(`/api/v1/kb/articles/${created.id}`, { status: 'published', body: '地暖分水器的每一路阀门都要打开，并检查过滤器。', version: 1 }));
    expect(published.version).toBe(2);
    expect(titles(ok(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent('分水器')}`)))).toEqual(['地暖不热的排查方法']);
    const stale = problemOf(await ctx.admin.patch(`/api/v1/kb/articles/${created.id}`, { title: '旧版本的修改', version: 1 }), 409);
    expect(stale.errors[0]!.field).toBe('version');
    const versions = ok(await ctx.admin.get(`/api/v1/kb/articles/${created.id}/versions`)).items as { version: number; body: string }[];
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions[1]!.body).toBe('地暖分水器的每一路阀门都要打开。');

    expect((await ctx.admin.delete(`/api/v1/kb/articles/${created.id}`)).statusCode).toBe(204);
    expect(titles(ok(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent('分水器')}`)))).toEqual([]);
    expect(titles(ok(await ctx.admin.get('/api/v1/kb/articles?deleted=only')))).toEqual(['地暖不热的排查方法']);
    ok(await ctx.admin.post(`/api/v1/kb/articles/${created.id}/restore`));
    expect(titles(ok(await agent.get(`/api/v1/kb/articles?q=${encodeURIComponent('分水器')}`)))).toEqual(['地暖不热的排查方法']);
    const actions = (ok(await ctx.admin.get(`/api/v1/audit?entityType=kb_article&entityId=${created.id}`)).items as { action: string }[]).map((a) => a.action);
    expect(actions.sort()).toEqual(['create', 'delete', 'restore', 'update']);

    // Readers cannot write; viewers read.
    problemOf(await agent.post('/api/v1/kb/articles', { title: '客服想写', body: '内容' }), 403);
    expect(ok(await viewer.get('/api/v1/kb/articles')).total).toBeGreaterThan(0);
  });

  it('categories: a tree, filtering by subtree, no cycles, only empty ones deleted', async () => {
    const child = ok<KbCategory>(await ctx.admin.post('/api/v1/kb/categories', { name: '地暖', parentId: cat('供暖问题') }), 201);
    const art = ok<KbArticle>(await ctx.admin.post('/api/v1/kb/articles', { title: '地暖温控器设置', body: '温控器调到 22 度。', categoryId: child.id, status: 'published' }), 201);
    const inParent = titles(ok(await agent.get(`/api/v1/kb/articles?limit=100&categoryId=${cat('供暖问题')}`)));
    expect(inParent).toContain('地暖温控器设置');
    expect(inParent).toContain('暖气不热怎么办');
    expect(inParent).not.toContain('发票开具');
    const cycle = problemOf(await ctx.admin.patch(`/api/v1/kb/categories/${cat('供暖问题')}`, { parentId: child.id }), 400);
    expect(cycle.errors[0]!.field).toBe('parentId');
    problemOf(await ctx.admin.post('/api/v1/kb/categories', { name: '地暖', parentId: cat('供暖问题') }), 409);
    problemOf(await ctx.admin.delete(`/api/v1/kb/categories/${child.id}`), 409);
    ok(await ctx.admin.patch(`/api/v1/kb/articles/${art.id}`, { categoryId: null }));
    expect((await ctx.admin.delete(`/api/v1/kb/categories/${child.id}`)).statusCode).toBe(204);
  });

  it('the public API shows only published, public articles and counts views', async () => {
    const internal = ok<KbArticle>(await ctx.admin.post('/api/v1/kb/articles', { title: '内部：暖气不热的派单口径', body: '内部话术', status: 'published', isPublic: false }), 201);
    const draft = ok<KbArticle>(await ctx.admin.post('/api/v1/kb/articles', { title: '草稿：暖气不热新说明', body: '未发布', status: 'draft', isPublic: true }), 201);
    const found = ok(await ctx.anon.get(`/api/v1/public/kb/articles?q=${encodeURIComponent('暖气不热')}`)) as { items: { id: string; title: string }[] };
    expect(found.items[0]!.title).toBe('暖气不热怎么办');
    expect(found.items.map((a) => a.id)).not.toContain(internal.id);
    expect(found.items.map((a) => a.id)).not.toContain(draft.id);
    problemOf(await ctx.anon.get(`/api/v1/public/kb/articles/${internal.id}`), 404);
    problemOf(await ctx.anon.get(`/api/v1/public/kb/articles/${draft.id}`), 404);
    const id = found.items[0]!.id;
    const one = ok(await ctx.anon.get(`/api/v1/public/kb/articles/${id}`));
    expect(one).not.toHaveProperty('useCount');
    ok(await ctx.anon.get(`/api/v1/public/kb/articles/${id}`));
    expect(ok<KbArticle>(await agent.get(`/api/v1/kb/articles/${id}`)).viewCount).toBe(2);
    const cats = (ok(await ctx.anon.get('/api/v1/public/kb/categories')) as { items: { name: string }[] }).items.map((c) => c.name);
    expect(cats).toEqual(['供暖问题', '缴费与发票', '维修与应急', '服务与投诉']);
    // Suggestions for agents include internal articles.
    expect((ok(await agent.get(`/api/v1/kb/suggestions?text=${encodeURIComponent('暖气不热派单口径')}`)) as KbSuggestionList).items.map((s) => s.id)).toContain(internal.id);
  });

  it('keyset pages: walking every page gives each visible article once, in order, with the same total (searched or not, agents and public)', async () => {
    // The public page's calls come from an address of their own (it is rate-limited per address).
    const visitor = new Client(ctx.app, null, null, null, { 'x-forwarded-for': '198.51.100.21' });
    // Five equally relevant answers (same text): three changed at the very same microsecond, two a microsecond later,
    // so rank, views and time tie and only the id (and the microseconds a millisecond clock would lose) tells them apart.
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const a = ok<KbArticle>(
        await ctx.admin.post('/api/v1/kb/articles', { title: '分户阀门检修说明', body: '分户阀门检修前先关闭供水阀。', categoryId: cat('维修与应急'), status: 'published', isPublic: true }),
        201,
      );
      made.push(a.id);
    }
    const draft = ok<KbArticle>(await ctx.admin.post('/api/v1/kb/articles', { title: '分户阀门检修草稿', body: '分户阀门检修草稿。', status: 'draft' }), 201);
    await ctx.database.executeSql(`update kb_articles set updated_at = case when id = any($1::uuid[]) then '2026-03-01 08:00:00.123457+00'::timestamptz else '2026-03-01 08:00:00.123456+00'::timestamptz end where title = '分户阀门检修说明'`, [
      made.slice(0, 2),
    ]);

    const cases: { client: Client; path: string; limit: number; all: number }[] = [
      { client: ctx.admin, path: '/api/v1/kb/articles', limit: 3, all: 100 },
      { client: ctx.admin, path: `/api/v1/kb/articles?q=${encodeURIComponent('分户阀门')}`, limit: 2, all: 100 },
      { client: ctx.admin, path: `/api/v1/kb/articles?categoryId=${cat('维修与应急')}`, limit: 2, all: 100 },
      { client: ctx.admin, path: '/api/v1/kb/articles?status=draft', limit: 1, all: 100 },
      { client: agent, path: `/api/v1/kb/articles?q=${encodeURIComponent('暖气')}`, limit: 2, all: 100 },
      { client: viewer, path: '/api/v1/kb/articles', limit: 4, all: 100 },
      { client: visitor, path: '/api/v1/public/kb/articles', limit: 3, all: 50 },
      { client: visitor, path: `/api/v1/public/kb/articles?q=${encodeURIComponent('分户阀门')}`, limit: 2, all: 50 },
      { client: visitor, path: `/api/v1/public/kb/articles?q=${encodeURIComponent('暖气')}&categoryId=${cat('供暖问题')}`, limit: 1, all: 50 },
    ];
    // The same list in one page is the order the pages must follow.
    const expectWalk = async (c: (typeof cases)[number]) => {
      const whole = ok<Page>(await c.client.get(`${c.path}${c.path.includes('?') ? '&' : '?'}limit=${c.all}`));
      expect(whole.nextCursor, c.path).toBeNull();
      expect(whole.items.length, c.path).toBe(whole.total);
      const walked = await walk(c.client, c.path, c.limit);
      expect(walked.ids, c.path).toEqual(whole.items.map((a) => a.id));
      expect(new Set(walked.ids).size, c.path).toBe(walked.ids.length);
      expect(walked.totals.every((n) => n === whole.total), c.path).toBe(true);
      expect(walked.pages, c.path).toBe(Math.max(1, Math.ceil(whole.total / c.limit)));
      return walked.ids;
    };
    for (const c of cases) await expectWalk(c);

    // What each list holds: the five (and, for editors, the draft) found; readers and the public page never see drafts.
    const searched = await walk(ctx.admin, `/api/v1/kb/articles?q=${encodeURIComponent('分户阀门')}`, 2);
    const mine = (ids: string[]) => ids.filter((id) => made.includes(id));
    const five = mine(searched.ids);
    expect(searched.ids).toContain(draft.id);
    // Equal rank: the later change first (two at .123457), then the id.
    const byIdDesc = (ids: string[]) => [...ids].sort().reverse();
    expect(five).toEqual([...byIdDesc(made.slice(0, 2)), ...byIdDesc(made.slice(2))]);
    const seen = await walk(viewer, `/api/v1/kb/articles?q=${encodeURIComponent('分户阀门')}`, 2);
    expect(seen.ids).not.toContain(draft.id);
    const open = await walk(visitor, `/api/v1/public/kb/articles?q=${encodeURIComponent('分户阀门')}`, 2);
    expect(mine(open.ids)).toEqual(five);
    // On the public page a view moves an equally relevant answer ahead of the others.
    expect(five[0]).not.toBe(made[4]);
    ok(await visitor.get(`/api/v1/public/kb/articles/${made[4]}`));
    const after = await walk(visitor, `/api/v1/public/kb/articles?q=${encodeURIComponent('分户阀门')}`, 2);
    expect(mine(after.ids)).toEqual([made[4], ...five.filter((id) => id !== made[4])]);
    expect(after.ids.filter((id) => id !== made[4])).toEqual(open.ids.filter((id) => id !== made[4]));
    expect(after.totals.every((n) => n === open.totals[0])).toBe(true);
    // The trash pages too.
    expect((await ctx.admin.delete(`/api/v1/kb/articles/${draft.id}`)).statusCode).toBe(204);
    expect(await expectWalk({ client: ctx.admin, path: '/api/v1/kb/articles?deleted=only', limit: 1, all: 100 })).toContain(draft.id);
  });

  it('a forged or foreign cursor is a 400 naming `cursor`, on both lists', async () => {
    const visitor = new Client(ctx.app, null, null, null, { 'x-forwarded-for': '198.51.100.22' });
    const first = ok<KbArticlePage>(await agent.get('/api/v1/kb/articles?limit=1'));
    const searchedFirst = ok<KbArticlePage>(await agent.get(`/api/v1/kb/articles?limit=1&q=${encodeURIComponent('暖气')}`));
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(searchedFirst.nextCursor).toEqual(expect.any(String));
    const forged = [
      'not-a-cursor',
      Buffer.from('["2026-01-01T00:00:00Z"]').toString('base64url'),
      cursorOf(['2026-01-01T00:00:00Z'], 'not-a-uuid'),
      cursorOf([{ a: 1 }]),
      cursorOf(['2026-02-30T00:00:00.000000Z']),
      cursorOf(['1e999', '2026-01-01T00:00:00Z']),
      cursorOf(['NaN', '2026-01-01T00:00:00Z']),
      cursorOf(['0.5', '1.5', '2026-01-01T00:00:00Z']),
      cursorOf([1, '2026-01-01T00:00:00Z']),
      'x'.repeat(301),
    ];
    const paths = ['/api/v1/kb/articles', `/api/v1/kb/articles?q=${encodeURIComponent('暖气')}`];
    const publicPaths = ['/api/v1/public/kb/articles', `/api/v1/public/kb/articles?q=${encodeURIComponent('暖气')}`];
    // A cursor of the unsearched list on the searched one (and the other way round) is refused as well.
    const foreign: [string, string][] = [
      [paths[1]!, first.nextCursor!],
      [paths[0]!, searchedFirst.nextCursor!],
      [publicPaths[0]!, first.nextCursor!],
      [publicPaths[1]!, first.nextCursor!],
    ];
    const attempts: [Client, string, string][] = [
      ...forged.flatMap((c) => paths.map((p): [Client, string, string] => [agent, p, c])),
      ...forged.flatMap((c) => publicPaths.map((p): [Client, string, string] => [visitor, p, c])),
      ...foreign.map(([p, c]): [Client, string, string] => [p.includes('/public/') ? visitor : agent, p, c]),
    ];
    for (const [client, path, cursor] of attempts) {
      const res = await client.get(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`);
      const problem = problemOf(res, 400);
      expect(problem.errors.map((e) => e.field), `${path} ${cursor}`).toEqual(['cursor']);
    }
    // offset is gone: an unknown parameter.
    expect(problemOf(await agent.get('/api/v1/kb/articles?offset=20'), 400).errors.map((e) => e.field)).toEqual(['offset']);
  });

  it('bad input: 4xx problem JSON naming the field, in zh-CN and English; nothing written', async () => {
    const before = await countRows(ctx.database, 'kb_articles');
    const empty = problemOf(await ctx.admin.post('/api/v1/kb/articles', { title: '  ', body: '正文' }), 400);
    expect(empty.errors).toEqual([{ field: 'title', message: '「标题」为必填项' }]);
    const unknown = problemOf(await ctx.admin.post('/api/v1/kb/articles', { title: '标题', body: '正文', categoryId: '0f1e2d3c-4b5a-4968-8776-655443322110' }), 400);
    expect(unknown.errors[0]).toEqual({ field: 'categoryId', message: '「分类」指向的分类不存在' });
    const long = problemOf(await ctx.admin.lang('en').post('/api/v1/kb/articles', { title: 'Too long', body: 'x'.repeat(50_001) }), 400);
    expect(long.errors).toEqual([{ field: 'body', message: '"Body" must be at most 50000 characters' }]);
    const blankBody = problemOf(await ctx.admin.post('/api/v1/kb/articles', { title: '标题', body: '   ' }), 400);
    expect(blankBody.errors[0]!.field).toBe('body');
    problemOf(await ctx.admin.post('/api/v1/kb/articles', { title: '标题', body: '正文', html: '<b>' }), 400);
    problemOf(await ctx.admin.post('/api/v1/kb/articles', { title: '标题', body: '正文', status: 'live' }), 400);
    problemOf(await ctx.admin.post('/api/v1/kb/categories', { name: '' }), 400);
    expect(await countRows(ctx.database, 'kb_articles')).toBe(before);
    problemOf(await ctx.anon.get('/api/v1/kb/articles'), 401);
  });

  it('the public API is rate-limited per address (problem+json 429 with Retry-After)', async () => {
    const client = ctx.anon.lang('zh-CN');
    let last: LightMyRequestResponse | null = null;
    for (let i = 0; i < 130; i++) {
      last = await client.request('GET', '/api/v1/public/kb/categories', undefined, { 'x-forwarded-for': '203.0.113.7' });
      if (last.statusCode === 429) break;
    }
    problemOf(last!, 429);
    expect(last!.headers['retry-after']).toBeDefined();
    // Signed-in agents are not throttled by it.
    expect((await agent.get('/api/v1/kb/categories')).statusCode).toBe(200);
  });

  it('script in a body is stored as it was written (the UI renders it as text)', async () => {
    const body = '<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>';
    const a = ok<KbArticle>(await ctx.admin.post('/api/v1/kb/articles', { title: '脚本测试', body, status: 'published', isPublic: true }), 201);
    expect(ok<KbArticle>(await ctx.admin.get(`/api/v1/kb/articles/${a.id}`)).body).toBe(body);
    expect(ok(await ctx.anon.get(`/api/v1/public/kb/articles/${a.id}`)).body).toBe(body);
  });
});
