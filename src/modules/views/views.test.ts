/**
 * Saved views (issue #21) through HTTP: create, personal vs shared with a team, another team's member sees nothing,
 * rename and the duplicate name, delete + restore (undo), who may change or remove a view, page permissions, the
 * audit entries and bad input in the caller's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import type { SavedViewItem, SavedViewList } from './views.contract.js';

let ctx: TestContext;
let teamA: string;
let teamB: string;
let a1: Client;
let a2: Client;
let b1: Client;
let marketer: Client;

const list = async (c: Client, page = 'tickets', extra = ''): Promise<SavedViewItem[]> => ok<SavedViewList>(await c.get(`/api/v1/views?page=${page}${extra}`)).items;
const create = async (c: Client, body: Record<string, unknown>): Promise<SavedViewItem> => ok<SavedViewItem>(await c.post('/api/v1/views', body), 201);

describe('saved views', () => {
  beforeAll(async () => {
    ctx = await createTestContext();
    teamA = await ctx.newTeam('视图一组');
    teamB = await ctx.newTeam('视图二组');
    a1 = await ctx.newUser({ role: 'agent', teamId: teamA });
    a2 = await ctx.newUser({ role: 'agent', teamId: teamA });
    b1 = await ctx.newUser({ role: 'agent', teamId: teamB });
    marketer = await ctx.newUser({ role: 'marketer', teamId: teamA });
  });
  afterAll(async () => ctx?.close());

  it('saves personal and shared views; a team member sees the shared one, another team sees neither', async () => {
    const mine = await create(a1, { page: 'tickets', name: '  我的紧急工单 ', state: { query: 'status=new&priority=urgent', columns: ['title', 'status'] } });
    expect(mine).toMatchObject({ page: 'tickets', name: '我的紧急工单', teamId: null, mine: true, state: { query: 'status=new&priority=urgent', columns: ['title', 'status'] } });
    expect(mine.ownerName).toBeTruthy();
    const shared = await create(a1, { page: 'tickets', name: '组内待办', state: { query: 'status=assigned' }, teamId: teamA });
    expect(shared).toMatchObject({ teamId: teamA, teamName: '视图一组', mine: true });
    await create(a1, { page: 'customers', name: '北区客户', state: { query: 'city=北京', columns: ['name'] } });

    const own = await list(a1);
    expect(own.map((v) => v.name)).toEqual(['我的紧急工单', '组内待办']); // personal first, then shared
    const byName = await list(a1, 'tickets', '&order=name');
    expect(byName.map((v) => v.id).sort()).toEqual(own.map((v) => v.id).sort());
    expect((await list(a1, 'customers')).map((v) => v.name)).toEqual(['北区客户']);

    const seen = await list(a2);
    expect(seen.map((v) => v.name)).toEqual(['组内待办']);
    expect(seen[0]).toMatchObject({ mine: false, ownerName: mine.ownerName });
    expect(await list(b1)).toEqual([]);
    // The same name is fine for another owner.
    await create(a2, { page: 'tickets', name: '我的紧急工单', state: { query: '' } });
    // Another team's member cannot reach it at all.
    problemOf(await b1.patch(`/api/v1/views/${shared.id}`, { name: '偷改' }), 404);
    problemOf(await b1.delete(`/api/v1/views/${mine.id}`), 404);
  });

  it('renames; a duplicate name is a 409 naming `name`; only the owner changes a view; sharing only with one’s own team', async () => {
    const [first, second] = await list(a1);
    const renamed = ok<SavedViewItem>(await a1.patch(`/api/v1/views/${first!.id}`, { name: '紧急工单' }));
    expect(renamed.name).toBe('紧急工单');
    const dup = problemOf(await a1.patch(`/api/v1/views/${first!.id}`, { name: second!.name }), 409);
    expect(dup.errors?.[0]).toMatchObject({ field: 'name' });
    expect(JSON.stringify(dup)).toContain('已有同名视图');
    const dupCreate = problemOf(await a1.post('/api/v1/views', { page: 'tickets', name: '紧急工单', state: { query: '' } }, { 'accept-language': 'en' }), 409);
    expect(dupCreate.errors?.[0]).toMatchObject({ field: 'name' });
    expect(JSON.stringify(dupCreate)).toContain('already have a view');

    const sharedId = second!.id;
    const notOwner = problemOf(await a2.patch(`/api/v1/views/${sharedId}`, { name: '我来改' }), 403);
    expect(JSON.stringify(notOwner)).toContain('只有视图的创建者');
    problemOf(await a2.delete(`/api/v1/views/${sharedId}`), 403);
    const otherTeam = problemOf(await a1.patch(`/api/v1/views/${first!.id}`, { teamId: teamB }), 403);
    expect(otherTeam.errors?.[0]).toMatchObject({ field: 'teamId' });
    problemOf(await a1.post('/api/v1/views', { page: 'tickets', name: '别组', state: { query: '' }, teamId: teamB }), 403);

    // Share the personal one, then make it personal again; change its state.
    expect(ok<SavedViewItem>(await a1.patch(`/api/v1/views/${first!.id}`, { teamId: teamA })).teamId).toBe(teamA);
    expect((await list(a2)).map((v) => v.name)).toContain('紧急工单');
    const back = ok<SavedViewItem>(await a1.patch(`/api/v1/views/${first!.id}`, { teamId: null, state: { query: 'status=resolved', columns: ['title'] } }));
    expect(back).toMatchObject({ teamId: null, state: { query: 'status=resolved', columns: ['title'] } });
    expect((await list(a2)).map((v) => v.name)).not.toContain('紧急工单');
  });

  it('deletes softly and restores (undo); an admin may remove anyone’s view; the audit log has each step', async () => {
    const v = await create(a1, { page: 'tasks', name: '今天到期', state: { query: 'bucket=today' } });
    expect(v.state).toEqual({ query: 'bucket=today' });
    expect((await a1.delete(`/api/v1/views/${v.id}`)).statusCode).toBe(204);
    expect(await list(a1, 'tasks')).toEqual([]);
    // Its name is free again while it is removed; a restore then collides with the new one.
    const again = await create(a1, { page: 'tasks', name: '今天到期', state: { query: '' } });
    const clash = problemOf(await a1.post(`/api/v1/views/${v.id}/restore`), 409);
    expect(clash.errors?.[0]).toMatchObject({ field: 'name' });
    expect((await a1.delete(`/api/v1/views/${again.id}`)).statusCode).toBe(204);
    const restored = ok<SavedViewItem>(await a1.post(`/api/v1/views/${v.id}/restore`));
    expect(restored.name).toBe('今天到期');
    problemOf(await a1.post(`/api/v1/views/${v.id}/restore`), 409);
    expect((await list(a1, 'tasks')).map((x) => x.id)).toEqual([v.id]);

    // An admin removes it; the owner restores it.
    expect((await ctx.admin.delete(`/api/v1/views/${v.id}`)).statusCode).toBe(204);
    expect(ok<SavedViewItem>(await a1.post(`/api/v1/views/${v.id}/restore`)).id).toBe(v.id);

    const audit = ok<{ items: { action: string; entityType: string; entityLabel?: string }[] }>(await ctx.admin.get(`/api/v1/audit?entityType=saved_view&entityId=${v.id}`));
    const actions = audit.items.filter((e) => e.entityType === 'saved_view').map((e) => e.action);
    for (const a of ['create', 'delete', 'restore']) expect(actions).toContain(a);
  });

  it('refuses a page the user may not read, no sign-in, and bad input naming the field', async () => {
    problemOf(await marketer.post('/api/v1/views', { page: 'tickets', name: '营销看工单', state: { query: '' } }), 403);
    problemOf(await marketer.get('/api/v1/views?page=tickets'), 403);
    ok(await marketer.get('/api/v1/views?page=customers'));
    problemOf(await ctx.anon.get('/api/v1/views?page=tickets'), 401);

    const empty = problemOf(await a1.post('/api/v1/views', { page: 'tickets', name: '   ', state: { query: '' } }), 400);
    expect(empty.errors?.[0]).toMatchObject({ field: 'name' });
    expect(JSON.stringify(empty)).toContain('视图名称');
    const long = problemOf(await a1.post('/api/v1/views', { page: 'tickets', name: 'x'.repeat(61), state: { query: '' } }, { 'accept-language': 'en' }), 400);
    expect(long.errors?.[0]).toMatchObject({ field: 'name' });
    expect(JSON.stringify(long)).toContain('View name');
    const page = problemOf(await a1.post('/api/v1/views', { page: 'orders', name: '错', state: { query: '' } }), 400);
    expect(page.errors?.[0]).toMatchObject({ field: 'page' });
    const state = problemOf(await a1.post('/api/v1/views', { page: 'tickets', name: '错', state: { columns: 'title' } }), 400);
    expect(state.errors?.map((e) => e.field).join(',')).toContain('state');
    problemOf(await a1.get('/api/v1/views'), 400);
    problemOf(await a1.patch('/api/v1/views/not-a-uuid', { name: 'x' }), 400);
    problemOf(await a1.patch('/api/v1/views/00000000-0000-4000-8000-000000000000', { name: 'x' }), 404);
  });
});
