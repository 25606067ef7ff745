/**
 * Segments (客户细分) through HTTP: CRUD with versions, the trash and validation naming the rule's bad part in zh-CN and
 * English; the builder's preview (count and sample) equal to what a refresh makes members; refreshes that are
 * idempotent, record exits and re-entries, and write the day's count; static lists with their not-found report; an
 * account manager sees only the members in scope; Idempotency-Key on create; the field list.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { rowsOf } from '../../platform/db/client.js';
import { executeRefresh, queueNightlyRefresh, refreshNow, startRefresh } from './index.js';
import { refreshSlice, sliceEnd } from './segments.repository.js';
import { compileSegmentRule } from './segments.rules.js';
import { companyClock } from '../settings/index.js';
import { TEST_DB_KIND, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import type { RefreshView, SegmentAddReport, SegmentFieldList, SegmentHistory, SegmentMemberPage, SegmentPage, SegmentPreview, SegmentRemoveReport, SegmentView } from './segments.contract.js';
import { problemOf, ok } from '../../test/http.js';

const HAPPY = { field: 'customer.compound', op: 'eq', value: '幸福小区' };

describe('segments', () => {
  let ctx: TestContext;
  let manager: Client;
  let am: Client;
  let viewer: Client;
  const c: Record<string, string> = {};

  /** Refreshes a segment through the API and waits for its run to end. */
  async function refresh(id: string, as: Client = manager): Promise<RefreshView> {
    const run = ok<RefreshView>(await as.post(`/api/v1/segments/${id}/refresh`), 202);
    for (let i = 0; i < 600; i++) {
      const now = ok<RefreshView>(await as.get(`/api/v1/segments/refreshes/${run.id}`));
      if (['done', 'failed', 'cancelled'].includes(now.status)) return now;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('refresh did not finish');
  }

  async function members(id: string, as: Client = manager): Promise<string[]> {
    const page = ok<SegmentMemberPage>(await as.get(`/api/v1/segments/${id}/members?limit=200`));
    return page.items.map((m) => m.name).sort();
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    manager = await ctx.newUser({ role: 'manager', username: 'seg.manager' });
    am = await ctx.newUser({ role: 'account_manager', username: 'seg.am' });
    viewer = await ctx.newUser({ role: 'viewer', username: 'seg.viewer' });
    const mk = async (name: string, compound: string, ownerId: string | null, tags: string[] = []) =>
      (c[name] = (await ctx.newCustomer({ name, address: { city: '哈尔滨', compound }, tags, ...(ownerId ? { ownerId } : {}) })).id as string);
    await mk('幸福甲', '幸福小区', am.userId);
    await mk('幸福乙', '幸福小区', null);
    await mk('幸福丙', '幸福小区', am.userId, ['VIP']);
    await mk('阳光丁', '阳光小区', am.userId);
  });
  afterAll(async () => ctx?.close());

  it('refuses a bad rule naming the path of the bad part, in zh-CN and English', async () => {
    const body = { name: '坏规则', kind: 'dynamic', rule: { all: [HAPPY, { field: 'customer.nope', op: 'eq', value: 'x' }] } };
    const zh = problemOf(await manager.post('/api/v1/segments', body), 400);
    expect(zh.errors[0]!.field).toBe('rule.all.1.field');
    expect(zh.errors[0]!.message).toContain('没有可用于细分的字段');
    expect(zh.errors[0]!.message).toContain('customer.nope');
    const en = problemOf(await manager.lang('en').post('/api/v1/segments', body), 400);
    expect(en.errors[0]!.field).toBe('rule.all.1.field');
    expect(en.errors[0]!.message).toContain('There is no segment field');
    // A wrong operator, a missing rule, a rule on a static list, an empty name.
    const op = problemOf(await manager.post('/api/v1/segments', { name: 'x', rule: { field: 'customer.compound', op: 'gt', value: 1 } }), 400);
    expect(op.errors[0]!.field).toBe('rule.op');
    const missing = problemOf(await manager.lang('en').post('/api/v1/segments', { name: '无规则', kind: 'dynamic' }), 400);
    expect(missing.errors).toEqual([{ field: 'rule', message: expect.stringContaining('Rule') }]);
    const stat = problemOf(await manager.post('/api/v1/segments', { name: '静态', kind: 'static', rule: HAPPY }), 400);
    expect(stat.errors[0]).toEqual({ field: 'rule', message: '静态名单没有规则，成员需手动添加' });
    const name = problemOf(await manager.post('/api/v1/segments', { name: ' ', rule: HAPPY }), 400);
    expect(name.errors[0]!.field).toBe('name');
    expect(name.errors[0]!.message).toContain('名称');
    expect(rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from segments`))[0]!.n).toBe(0);
  });

  it('previews a rule: the count and a sample, equal to the members a refresh makes; refreshing twice changes nothing', async () => {
    const preview = ok<SegmentPreview>(await manager.post('/api/v1/segments/preview', { rule: HAPPY }));
    expect(preview.count).toBe(3);
    expect(preview.sample.map((s) => s.name).sort()).toEqual(['幸福丙', '幸福乙', '幸福甲']);
    expect(preview.sample[0]).toMatchObject({ city: '哈尔滨', compound: '幸福小区' });

    const seg = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '幸福小区住户', description: '供热片区', rule: HAPPY }), 201);
    expect(seg).toMatchObject({ kind: 'dynamic', memberCount: 0, refreshedAt: null, version: 1, rule: HAPPY, lastRefresh: null });
    const first = await refresh(seg.id);
    expect(first).toMatchObject({ status: 'done', entered: 3, exited: 0 });
    const after = ok<SegmentView>(await manager.get(`/api/v1/segments/${seg.id}`));
    expect(after.memberCount).toBe(preview.count);
    expect(after.refreshedAt).not.toBeNull();
    expect(after.lastRefresh?.id).toBe(first.id);
    expect(await members(seg.id)).toEqual(['幸福丙', '幸福乙', '幸福甲']);

    const second = await refresh(seg.id);
    expect(second).toMatchObject({ status: 'done', entered: 0, exited: 0 });
    const rows = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from segment_members where segment_id = ${seg.id}`));
    expect(rows[0]!.n).toBe(3);
    const listed = ok<SegmentPage>(await manager.get('/api/v1/segments'));
    expect(listed.items.find((s) => s.id === seg.id)).toMatchObject({ name: '幸福小区住户', memberCount: 3 });
    c.segment = seg.id;
  });

  it('records a leaving customer’s exit and a returning one’s new entry; the history has today’s count', async () => {
    const id = c.segment!;
    const move = async (name: string, compound: string) => {
      const cur = ok(await ctx.admin.get(`/api/v1/customers/${c[name]}`));
      ok(await ctx.admin.patch(`/api/v1/customers/${c[name]}`, { version: cur.version, address: { city: '哈尔滨', compound } }));
    };
    await move('幸福乙', '阳光小区');
    expect(await refresh(id)).toMatchObject({ status: 'done', entered: 0, exited: 1 });
    expect(await members(id)).toEqual(['幸福丙', '幸福甲']);
    await move('幸福乙', '幸福小区');
    expect(await refresh(id)).toMatchObject({ status: 'done', entered: 1, exited: 0 });
    const stays = rowsOf<{ exited: boolean }>(
      await ctx.database.db.execute(sql`select exited_at is not null as exited from segment_members where segment_id = ${id} and customer_id = ${c['幸福乙']} order by entered_at`),
    );
    expect(stays.map((s) => s.exited)).toEqual([true, false]);
    const hist = ok<SegmentHistory>(await manager.get(`/api/v1/segments/${id}/history`));
    expect(hist.items).toHaveLength(1);
    expect(hist.items[0]!.count).toBe(3);
    expect(hist.items[0]!.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('shows an account manager only the customers in scope: preview, members, counts and history', async () => {
    const preview = ok<SegmentPreview>(await am.post('/api/v1/segments/preview', { rule: HAPPY }));
    expect(preview.count).toBe(2);
    expect(preview.sample.map((s) => s.name).sort()).toEqual(['幸福丙', '幸福甲']);
    expect(await members(c.segment!, am)).toEqual(['幸福丙', '幸福甲']);
    const page = ok<SegmentMemberPage>(await am.get(`/api/v1/segments/${c.segment}/members`));
    expect(page.total).toBe(2);
    expect(ok<SegmentView>(await am.get(`/api/v1/segments/${c.segment}`)).memberCount).toBe(2);
    expect(ok<SegmentPage>(await am.get('/api/v1/segments')).items.find((s) => s.id === c.segment)!.memberCount).toBe(2);
    expect(ok<SegmentHistory>(await am.get(`/api/v1/segments/${c.segment}/history`)).items[0]!.count).toBe(2);
    // Reading is all an account manager may do.
    problemOf(await am.post('/api/v1/segments', { name: '客户经理的', rule: HAPPY }), 403);
    problemOf(await am.post(`/api/v1/segments/${c.segment}/refresh`), 403);
  });

  it('keeps static lists by hand, reporting ids that are not found or not members', async () => {
    const list = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '重点回访名单', kind: 'static' }), 201);
    expect(list.rule).toBeNull();
    const nobody = '00000000-0000-4000-8000-0000000000aa';
    const added = ok<SegmentAddReport>(await manager.post(`/api/v1/segments/${list.id}/members`, { customerIds: [c['幸福甲'], c['阳光丁'], nobody] }));
    expect(added).toEqual({ added: 2, alreadyMembers: 0, notFound: [nobody], memberCount: 2 });
    const again = ok<SegmentAddReport>(await manager.post(`/api/v1/segments/${list.id}/members`, { customerIds: [c['幸福甲']] }));
    expect(again).toEqual({ added: 0, alreadyMembers: 1, notFound: [], memberCount: 2 });
    expect(await members(list.id)).toEqual(['幸福甲', '阳光丁']);
    const removed = ok<SegmentRemoveReport>(await manager.post(`/api/v1/segments/${list.id}/members/remove`, { customerIds: [c['阳光丁'], c['幸福乙']] }));
    expect(removed).toEqual({ removed: 1, notMembers: [c['幸福乙']], memberCount: 1 });
    expect(await members(list.id)).toEqual(['幸福甲']);
    expect(ok<SegmentHistory>(await manager.get(`/api/v1/segments/${list.id}/history`)).items[0]!.count).toBe(1);
    // A static list is not refreshed; a dynamic one takes no hand-picked members.
    expect(problemOf(await manager.post(`/api/v1/segments/${list.id}/refresh`), 409).detail).toBe('静态名单不需要刷新，成员需手动维护');
    expect(problemOf(await manager.lang('en').post(`/api/v1/segments/${c.segment}/members`, { customerIds: [c['幸福甲']] }), 409).detail).toBe(
      'Only static lists have members added or removed by hand',
    );
    const bad = problemOf(await manager.post(`/api/v1/segments/${list.id}/members`, { customerIds: ['not-an-id'] }), 400);
    expect(bad.errors[0]!.field).toBe('customerIds.0');
  });

  it('updates with a version check, refuses duplicate names, deletes softly and restores', async () => {
    const seg = ok<SegmentView>(await manager.post('/api/v1/segments', { name: 'VIP 住户', rule: { field: 'customer.tags', op: 'hasAny', value: ['VIP'] } }), 201);
    const changed = ok<SegmentView>(await manager.patch(`/api/v1/segments/${seg.id}`, { version: 1, description: '贵宾' }));
    expect(changed).toMatchObject({ version: 2, description: '贵宾' });
    const stale = problemOf(await manager.patch(`/api/v1/segments/${seg.id}`, { version: 1, name: '新名' }), 409);
    expect(stale.detail).toContain('当前版本 2');
    const dup = problemOf(await manager.post('/api/v1/segments', { name: 'vip 住户', rule: HAPPY }), 409);
    expect(dup.errors[0]).toEqual({ field: 'name', message: '已有名为「vip 住户」的客户细分' });
    // A rule may not refer to its own segment.
    const cycle = problemOf(await manager.patch(`/api/v1/segments/${seg.id}`, { version: 2, rule: { field: 'segment.member', op: 'eq', value: seg.id } }), 400);
    expect(cycle.errors[0]!.field).toBe('rule');

    expect((await manager.delete(`/api/v1/segments/${seg.id}`)).statusCode).toBe(204);
    expect(ok<SegmentPage>(await manager.get('/api/v1/segments')).items.map((s) => s.id)).not.toContain(seg.id);
    expect(ok<SegmentPage>(await manager.get('/api/v1/segments?deleted=only')).items.map((s) => s.name)).toEqual(['VIP 住户']);
    problemOf(await manager.patch(`/api/v1/segments/${seg.id}`, { version: 3, name: '改' }), 409);
    // The name is free again while it is in the trash; restoring then clashes.
    const twin = ok<SegmentView>(await manager.post('/api/v1/segments', { name: 'VIP 住户', kind: 'static' }), 201);
    problemOf(await manager.post(`/api/v1/segments/${seg.id}/restore`), 409);
    expect((await manager.delete(`/api/v1/segments/${twin.id}`)).statusCode).toBe(204);
    const back = ok<SegmentView>(await manager.post(`/api/v1/segments/${seg.id}/restore`));
    expect(back).toMatchObject({ name: 'VIP 住户', deletedAt: null, version: 4 });
    problemOf(await manager.get('/api/v1/segments/00000000-0000-4000-8000-000000000000'), 404);
  });

  it('answers a repeated create with the same Idempotency-Key once', async () => {
    const headers = { 'idempotency-key': 'seg-create-1' };
    const a = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '幂等细分', kind: 'static' }, headers), 201);
    const b = await manager.post('/api/v1/segments', { name: '幂等细分', kind: 'static' }, headers);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json().id).toBe(a.id);
    const n = rowsOf<{ n: number }>(await ctx.database.db.execute(sql`select count(*)::int as n from segments where name = '幂等细分'`));
    expect(n[0]!.n).toBe(1);
  });

  it('pages segments by keyset and lists the builder’s fields; a viewer reads but does not change', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: SegmentPage = ok<SegmentPage>(await viewer.get(`/api/v1/segments?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      seen.push(...page.items.map((s) => s.name));
      cursor = page.nextCursor;
    } while (cursor);
    const all = ok<SegmentPage>(await viewer.get('/api/v1/segments?limit=100')).items.map((s) => s.name);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(4);
    problemOf(await viewer.get('/api/v1/segments?cursor=bad'), 400);
    const fields = ok<SegmentFieldList>(await viewer.lang('en').get('/api/v1/segments/fields'));
    const compound = fields.items.find((f) => f.key === 'customer.compound')!;
    expect(compound).toMatchObject({ type: 'text', group: 'customer' });
    expect(compound.ops).toContain('eq');
    expect(compound.opLabels.eq).toMatch(/\w/);
    problemOf(await viewer.post('/api/v1/segments', { name: '看客', kind: 'static' }), 403);
  });

  it('refreshes every dynamic segment once a night, 02:00–06:00 company time, whichever process asks first', async () => {
    const db = ctx.database.db;
    const base = Date.UTC(2031, 0, 10, 0);
    let at3: Date | null = null;
    let at12: Date | null = null;
    for (let h = 0; h < 24; h++) {
      const now = new Date(base + h * 3_600_000);
      const { hour } = await companyClock(db, now);
      if (hour === 3) at3 = now;
      if (hour === 12) at12 = now;
    }
    expect(await queueNightlyRefresh(db, systemActor(), at12!)).toBeNull();
    const run = await queueNightlyRefresh(db, systemActor(), at3!);
    expect(run).toMatchObject({ kind: 'nightly', segmentId: null, status: 'queued' });
    expect(await queueNightlyRefresh(db, systemActor(), at3!)).toBeNull();
    const done = await executeRefresh(db, run!.id);
    expect(done.status).toBe('done');
    const { today } = await companyClock(db, at3!);
    const counted = rowsOf<{ name: string; count: number }>(
      await db.execute(sql`select s.name, k.count from segment_counts k join segments s on s.id = k.segment_id where k.day = ${today}::date order by s.name`),
    );
    expect(counted).toEqual([
      { name: 'VIP 住户', count: 1 },
      { name: '幸福小区住户', count: 3 },
    ]);
    // The CLI's refresh of one segment: the same run, executed in the calling process.
    expect(await refreshNow(db, systemActor('cli'), c.segment)).toMatchObject({ kind: 'cli', status: 'done', entered: 0, exited: 0 });
  });

  it('gives the same members slice by slice as in one go (the id ranges of a resumable refresh)', async () => {
    const db = ctx.database.db;
    const list = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '分片验证', rule: { any: [HAPPY, { field: 'customer.compound', op: 'eq', value: '阳光小区' }] } }), 201);
    const condition = await compileSegmentRule(db, list.rule as never, new Date());
    let after: string | null = null;
    let slices = 0;
    let entered = 0;
    do {
      const upTo = await sliceEnd(db, after, 1);
      entered += (await refreshSlice(db, list.id, condition, { after, upTo })).entered;
      after = upTo;
      slices++;
    } while (after !== null);
    expect(slices).toBeGreaterThanOrEqual(4);
    expect(entered).toBe(4);
    expect(await members(list.id)).toEqual(['幸福丙', '幸福乙', '幸福甲', '阳光丁']);
    expect(await refresh(list.id)).toMatchObject({ status: 'done', entered: 0, exited: 0 });
  });

  it('moves a merged duplicate’s place on a static list to the survivor, and back on undo', async () => {
    const list = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '合并名单', kind: 'static' }), 201);
    const dup = await ctx.newCustomer({ name: '阳光丁（重复）', address: { city: '哈尔滨', compound: '阳光小区' } });
    ok(await manager.post(`/api/v1/segments/${list.id}/members`, { customerIds: [dup.id] }));
    const survivor = ok(await ctx.admin.get(`/api/v1/customers/${c['阳光丁']}`));
    const { merge } = ok(
      await ctx.admin.post('/api/v1/customers/merge', { survivorId: survivor.id, mergedId: dup.id, survivorVersion: survivor.version, mergedVersion: dup.version }),
    );
    expect(await members(list.id)).toEqual(['阳光丁']);
    expect(ok<SegmentView>(await manager.get(`/api/v1/segments/${list.id}`)).memberCount).toBe(1);
    ok(await ctx.admin.post(`/api/v1/customers/merges/${merge.id}/undo`, {}));
    expect(await members(list.id)).toEqual(['阳光丁（重复）']);
  });

  it('takes over a refresh whose process died and resumes after its last checkpoint', async () => {
    const db = ctx.database.db;
    const seg = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '接管验证', rule: { any: [HAPPY, { field: 'customer.compound', op: 'eq', value: '阳光小区' }] } }), 201);
    const run = (await startRefresh(db, systemActor(), { kind: 'manual', segmentId: seg.id }))!;
    const ids = rowsOf<{ id: string; name: string }>(
      await db.execute(sql`select id, name from customer_directory where deleted_at is null and compound in ('幸福小区', '阳光小区') order by id`),
    );
    // The dead process had committed the slices up to the second customer (and, here, entered nobody in them).
    const checkpoint = { segmentIds: [seg.id], index: 0, after: ids[1]!.id, now: new Date().toISOString(), entered: 0, exited: 0 };
    await db.execute(sql`update segment_refreshes set status = 'running', owner = 'gone:1:dead', heartbeat_at = now() - interval '2 minutes',
      checkpoint = ${JSON.stringify(checkpoint)}::jsonb where id = ${run.id}`);
    const done = await executeRefresh(db, run.id);
    expect(ids.length).toBeGreaterThanOrEqual(4);
    if (TEST_DB_KIND === 'pglite') {
      // PGlite walks id slices: the run goes on after the checkpoint's customer.
      expect(done).toMatchObject({ status: 'done', entered: ids.length - 2, exited: 0 });
      expect(await members(seg.id)).toEqual(ids.slice(2).map((r) => r.name).sort());
      // The next refresh, from the start, completes the membership.
      expect(await refresh(seg.id)).toMatchObject({ status: 'done', entered: 2 });
    } else {
      // PostgreSQL refreshes a segment in one statement: the taken-over run redoes the segment it was in, whole.
      expect(done).toMatchObject({ status: 'done', entered: ids.length, exited: 0 });
      expect(await refresh(seg.id)).toMatchObject({ status: 'done', entered: 0 });
    }
    expect(await members(seg.id)).toEqual(ids.map((r) => r.name).sort());
  });

  it('builds on another segment’s members, which then cannot be deleted while referred to', async () => {
    const onTop = { all: [{ field: 'segment.member', op: 'eq', value: c.segment }, { field: 'customer.tags', op: 'hasAny', value: ['VIP'] }] };
    const preview = ok<SegmentPreview>(await manager.post('/api/v1/segments/preview', { rule: onTop }));
    expect(preview.sample.map((x) => x.name)).toEqual(['幸福丙']);
    const seg = ok<SegmentView>(await manager.post('/api/v1/segments', { name: '幸福小区贵宾', rule: onTop }), 201);
    expect(await refresh(seg.id)).toMatchObject({ status: 'done', entered: 1 });
    expect(await members(seg.id)).toEqual(['幸福丙']);
    const inUse = problemOf(await manager.lang('en').delete(`/api/v1/segments/${c.segment}`), 409);
    expect(inUse.detail).toBe('The rules of other segments refer to it (幸福小区贵宾); it cannot be deleted');
    const unknown = problemOf(await manager.post('/api/v1/segments/preview', { rule: { field: 'segment.member', op: 'eq', value: '00000000-0000-4000-8000-0000000000bb' } }), 400);
    expect(unknown.errors).toEqual([{ field: 'rule', message: '规则引用的客户细分不存在或已删除' }]);
  });
});
