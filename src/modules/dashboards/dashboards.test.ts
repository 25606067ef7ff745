/**
 * The home page (首页, issue #17): which board each role lands on, which boards a user may switch to, a board a user
 * has nothing on refused on the `board` field in both languages, tiles left off without their permissions, and the
 * system tile's figures against the database's own. Each module's tiles have their own tests beside the module.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { problemOf } from '../../test/http.js';
import type { DashboardHome } from './dashboards.contract.js';
import { registerDashboardTile, registeredTiles } from './tiles.js';

describe('home dashboards', () => {
  let ctx: TestContext;
  const users: Record<string, Client> = {};
  beforeAll(async () => {
    ctx = await createTestContext();
    for (const role of ['manager', 'account_manager', 'agent', 'viewer', 'marketer']) users[role] = await ctx.newUser({ role });
  });
  afterAll(() => ctx.close());

  const home = async (c: Client, board?: string): Promise<DashboardHome> => {
    const res = await c.get(`/api/v1/dashboards/home${board ? `?board=${board}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as DashboardHome;
  };

  it('lands each role on its board; a user may switch only to boards with something for them', async () => {
    const admin = await home(ctx.admin);
    expect(admin.board).toBe('admin');
    expect(admin.boards).toEqual(['agent', 'account', 'manager', 'admin']);
    expect(admin.tiles.map((t) => t.key)).toContain('dashboards.system');
    expect((await home(users.manager!)).board).toBe('manager');
    expect((await home(users.marketer!)).board).toBe('manager');
    expect((await home(users.account_manager!)).board).toBe('account');
    expect((await home(users.viewer!)).board).toBe('account');
    const agent = await home(users.agent!);
    expect(agent.board).toBe('agent');
    expect(agent.boards).not.toContain('admin');
    // Every tile on a board is one registered for it, in order, and the asOf is now.
    const defs = new Map(registeredTiles().map((t) => [t.key, t]));
    for (const t of admin.tiles) expect(defs.get(t.key)!.boards).toContain('admin');
    expect(Math.abs(Date.parse(admin.asOf) - Date.now())).toBeLessThan(60_000);
    // The admin may look at the agent's board.
    const asAgent = await home(ctx.admin, 'agent');
    expect(asAgent.board).toBe('agent');
    expect(asAgent.tiles.every((t) => defs.get(t.key)!.boards.includes('agent'))).toBe(true);
  });

  it('refuses a board the user has nothing on, naming the field, in zh-CN and English; an unknown board is a 400; no session is a 401', async () => {
    const zh = problemOf(await users.agent!.lang('zh-CN').get('/api/v1/dashboards/home?board=admin'), 400);
    expect(zh.errors[0]).toMatchObject({ field: 'board', message: '没有可查看的「admin」看板' });
    const en = problemOf(await users.agent!.lang('en').get('/api/v1/dashboards/home?board=admin'), 400);
    expect(en.errors[0]).toMatchObject({ field: 'board', message: 'There is no “admin” board for you to see' });
    expect(problemOf(await ctx.admin.get('/api/v1/dashboards/home?board=boss'), 400).errors[0]!.field).toBe('board');
    expect((await ctx.anon.get('/api/v1/dashboards/home')).statusCode).toBe(401);
  });

  it('leaves a tile off for a user without its permissions', async () => {
    // settings:manage: the administrator has the system tile, a manager looking at the admin board (if any) does not.
    const manager = await home(users.manager!);
    expect(manager.tiles.map((t) => t.key)).not.toContain('dashboards.system');
    expect(() => registerDashboardTile({ ...registeredTiles()[0]! })).toThrow(/registered twice/);
  });

  it('the system tile shows the database size and the background queue as the database has them', async () => {
    const tile = (await home(ctx.admin)).tiles.find((t) => t.key === 'dashboards.system')!;
    expect(tile.title).toBe('系统状态');
    const [size] = rowsOf<{ bytes: string }>(await ctx.database.db.execute(sql`select pg_database_size(current_database()) as bytes`));
    const shown = tile.stats[0]!;
    expect(shown).toMatchObject({ label: '数据库大小', unit: 'bytes' });
    // The same figure, give or take what the requests in between wrote (sessions, audit): within 5 %.
    expect(Math.abs(shown.value! - Number(size!.bytes)) / Number(size!.bytes)).toBeLessThan(0.05);
    const queue = await ctx.database.db.execute(sql`select to_regclass('pgboss.job') is not null as ok`);
    const started = rowsOf<{ ok: boolean }>(queue)[0]!.ok;
    const expected = started
      ? rowsOf<{ q: number; a: number }>(await ctx.database.db.execute(sql`select count(*) filter (where state in ('created','retry'))::int as q, count(*) filter (where state = 'active')::int as a from pgboss.job`))[0]!
      : { q: 0, a: 0 };
    expect(tile.stats.slice(1).map((s) => s.value)).toEqual([expected.q, expected.a, 0]);
    const en = (await home(ctx.admin.lang('en'))).tiles.find((t) => t.key === 'dashboards.system')!;
    expect(en.title).toBe('System');
  });
});
