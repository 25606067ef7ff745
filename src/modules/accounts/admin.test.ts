/**
 * First-run setup, and administering users, teams and roles.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { problemOf } from '../../test/http.js';

type Team = { id: string; name: string; kind: string; parentId: string | null };

describe('first-run setup', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ setup: false });
  });
  afterAll(() => ctx.close());

  const valid = {
    companyName: '冰城热力集团',
    template: 'heating',
    admin: { username: 'Boss', displayName: '总经理', password: 'Heating2024', mobile: '13704510000' },
  };

  it('GET /api/v1/setup says setup is needed before it runs', async () => {
    expect((await ctx.anon.get('/api/v1/setup')).json()).toEqual({ needed: true, companyName: null });
  });

  it('validation errors name every wrong field (admin.password …) and nothing is written', async () => {
    const p = problemOf(
      await ctx.anon.post('/api/v1/setup', { companyName: '', template: 'bakery', admin: { username: 'a', password: 'short' } }),
      400,
    );
    expect(p.errors.map((e) => e.field).sort()).toEqual(['admin.displayName', 'admin.password', 'admin.username', 'companyName', 'template']);
    expect(p.errors.find((e) => e.field === 'admin.password')!.message).toBe('「密码」至少 8 个字符');
    expect(p.errors.find((e) => e.field === 'companyName')!.message).toBe('「公司名称」为必填项');

    const en = problemOf(await ctx.anon.lang('en').post('/api/v1/setup', { ...valid, admin: { ...valid.admin, mobile: '12345' } }), 400);
    expect(en.errors).toEqual([{ field: 'admin.mobile', message: '"Mobile" is not a valid phone number: 12345' }]);

    const weak = problemOf(await ctx.anon.post('/api/v1/setup', { ...valid, admin: { ...valid.admin, password: 'onlyletters' } }), 400);
    expect(weak.errors.map((e) => e.field)).toEqual(['admin.password']);
    expect(weak.errors[0]!.message).toContain('字母和数字');

    for (const table of ['users', 'teams', 'settings', 'audit_log']) expect(await countRows(ctx.database, table)).toBe(0);
    expect((await ctx.anon.get('/api/v1/setup')).json().needed).toBe(true);
  });

  it('creates the company, the heating template’s teams and the first admin', async () => {
    const res = await ctx.anon.post('/api/v1/setup', valid);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().admin).toMatchObject({ username: 'boss', displayName: '总经理', roleKey: 'admin', mobile: '+8613704510000' });
    expect((await ctx.anon.get('/api/v1/setup')).json()).toEqual({ needed: false, companyName: '冰城热力集团' });

    const admin = await ctx.login('boss', 'Heating2024');
    const teams = (await admin.get('/api/v1/teams')).json().items as Team[];
    const byName = Object.fromEntries(teams.map((t) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual(['一线客服班组', '客户经理部', '客服中心', '维修班组'].sort());
    expect(byName['客服中心']).toMatchObject({ kind: 'department', parentId: null });
    expect(byName['客户经理部']).toMatchObject({ kind: 'department', parentId: null });
    expect(byName['一线客服班组']).toMatchObject({ kind: 'group', parentId: byName['客服中心']!.id });
    expect(byName['维修班组']).toMatchObject({ kind: 'group', parentId: byName['客服中心']!.id });
    expect((await admin.get('/api/v1/settings')).json()).toEqual({ companyName: '冰城热力集团', template: 'heating', timezone: 'Asia/Shanghai', currency: 'CNY', hotline: null, logoUrl: null });
    const audit = (await admin.get('/api/v1/audit?action=setup')).json().items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ via: 'system', changes: { companyName: '冰城热力集团', template: 'heating', admin: 'boss' } });
  });

  it('a second setup → 409 and nothing changes', async () => {
    const before = {
      users: await countRows(ctx.database, 'users'),
      teams: await countRows(ctx.database, 'teams'),
      audit: await countRows(ctx.database, 'audit_log'),
    };
    const again = { companyName: '抢注公司', template: 'blank', admin: { username: 'intruder', displayName: '入侵者', password: 'Intrude2024' } };
    const p = problemOf(await ctx.anon.post('/api/v1/setup', again), 409);
    expect(p.detail).toBe('系统已完成初始化，不能再次执行');
    expect(problemOf(await ctx.anon.lang('en').post('/api/v1/setup', again), 409).detail).toBe('Setup has already been completed');
    expect(await countRows(ctx.database, 'users')).toBe(before.users);
    expect(await countRows(ctx.database, 'teams')).toBe(before.teams);
    expect(await countRows(ctx.database, 'audit_log')).toBe(before.audit);
    expect((await ctx.anon.get('/api/v1/setup')).json().companyName).toBe('冰城热力集团');
    problemOf(await ctx.anon.post('/api/v1/auth/login', { login: 'intruder', password: 'Intrude2024' }), 401);
  });
});

describe('users, teams and roles', () => {
  let ctx: TestContext;
  let teams: Record<string, Team>;
  beforeAll(async () => {
    ctx = await createTestContext();
    teams = Object.fromEntries(((await ctx.admin.get('/api/v1/teams')).json().items as Team[]).map((t) => [t.name, t]));
  });
  afterAll(() => ctx.close());

  describe('users', () => {
    it('creates a user in a team; the password is never returned', async () => {
      const res = await ctx.admin.post('/api/v1/users', {
        username: 'Li.Hua',
        displayName: '李华',
        password: 'Kefu2024x',
        roleKey: 'agent',
        teamId: teams['一线客服班组']!.id,
        mobile: '+86 136-0451-7788',
        email: 'lihua@example.com',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ username: 'li.hua', mobile: '+8613604517788', teamId: teams['一线客服班组']!.id, active: true });
      expect(res.body).not.toMatch(/password|scrypt/i);
      const audit = (await ctx.admin.get(`/api/v1/audit?entityType=user&action=create&entityId=${res.json().id}`)).json().items;
      expect(audit[0].changes).toEqual({ username: 'li.hua', roleKey: 'agent', teamId: teams['一线客服班组']!.id });
    });

    it('a duplicate username (in any case) → 409 naming username; a duplicate mobile → 409 naming mobile', async () => {
      const before = await countRows(ctx.database, 'users');
      const dup = problemOf(
        await ctx.admin.post('/api/v1/users', { username: 'LI.HUA', displayName: '另一个李华', password: 'Kefu2024x', roleKey: 'viewer' }),
        409,
      );
      expect(dup.errors).toEqual([{ field: 'username', message: '用户名「li.hua」已被使用' }]);
      const en = problemOf(
        await ctx.admin.lang('en').post('/api/v1/users', { username: 'li.hua', displayName: 'x', password: 'Kefu2024x', roleKey: 'viewer' }),
        409,
      );
      expect(en.errors).toEqual([{ field: 'username', message: 'The username "li.hua" is taken' }]);
      const mobile = problemOf(
        await ctx.admin.post('/api/v1/users', { username: 'other.one', displayName: 'x', password: 'Kefu2024x', roleKey: 'viewer', mobile: '13604517788' }),
        409,
      );
      expect(mobile.errors.map((e) => e.field)).toEqual(['mobile']);
      expect(await countRows(ctx.database, 'users')).toBe(before);
    });

    it('bad user input names the fields', async () => {
      const p = problemOf(
        await ctx.admin.post('/api/v1/users', { username: 'x y', displayName: '', password: 'Kefu2024x', roleKey: 'boss', teamId: 'nope', extra: 1 }),
        400,
      );
      expect(p.errors.map((e) => e.field).sort()).toEqual(['displayName', 'extra', 'roleKey', 'teamId', 'username']);
      const noTeam = problemOf(
        await ctx.admin.post('/api/v1/users', {
          username: 'ghost.team',
          displayName: 'x',
          password: 'Kefu2024x',
          roleKey: 'agent',
          teamId: '00000000-0000-4000-8000-000000000000',
        }),
        400,
      );
      expect(noTeam.errors).toEqual([{ field: 'teamId', message: '找不到该团队' }]);
      expect(problemOf(await ctx.admin.patch('/api/v1/users/00000000-0000-4000-8000-000000000000', { displayName: 'x' }), 404).detail).toBe(
        '找不到该用户',
      );
    });

    it('the last active admin can be neither demoted nor deactivated', async () => {
      const demote = problemOf(await ctx.admin.patch(`/api/v1/users/${ctx.admin.userId}`, { roleKey: 'manager' }), 409);
      expect(demote.detail).toBe('至少需要保留一名启用的管理员');
      expect((await ctx.admin.get('/api/v1/auth/me')).json().user.roleKey).toBe('admin');

      // A user manager who is not an admin tries to deactivate the only admin.
      const roles = (await ctx.admin.get('/api/v1/roles')).json().items as { key: string; permissions: string[] }[];
      const original = roles.find((r) => r.key === 'manager')!.permissions;
      await ctx.admin.patch('/api/v1/roles/manager', { permissions: [...original, 'user:manage'] });
      try {
        const hr = await ctx.newUser({ role: 'manager', username: 'hr.manager' });
        // Refused before the last-admin rule is even reached: the admin's role is stronger than the HR manager's.
        const off = problemOf(await hr.lang('en').patch(`/api/v1/users/${ctx.admin.userId}`, { active: false }), 403);
        expect(off.detail).toBe('You cannot grant or change a role stronger than your own (admin)');
        expect((await ctx.admin.get('/api/v1/auth/me')).statusCode).toBe(200);

        // With a second admin, one of them may step down.
        const second = await ctx.newUser({ role: 'admin', username: 'second.admin' });
        const stepDown = await second.patch(`/api/v1/users/${second.userId}`, { roleKey: 'manager' });
        expect(stepDown.statusCode, stepDown.body).toBe(200);
        expect(stepDown.json().roleKey).toBe('manager');
      } finally {
        await ctx.admin.patch('/api/v1/roles/manager', { permissions: original });
      }
    });

    it('colleagues without user:manage see names but not contact details', async () => {
      const agent = await ctx.newUser({ role: 'agent' });
      const list = (await agent.get('/api/v1/users')).json().items as { username: string; mobile: string | null }[];
      expect(list.find((u) => u.username === 'li.hua')).toMatchObject({ mobile: null });
    });
  });

  describe('teams', () => {
    it('creates nested teams; a duplicate name → 409 naming name', async () => {
      const north = await ctx.newTeam('北区服务部');
      const res = await ctx.admin.post('/api/v1/teams', { name: '北区一班', parentId: north });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ name: '北区一班', kind: 'group', parentId: north });
      const dup = problemOf(await ctx.admin.post('/api/v1/teams', { name: '北区一班' }), 409);
      expect(dup.errors).toEqual([{ field: 'name', message: '团队名称「北区一班」已存在' }]);
      const nul = problemOf(await ctx.admin.post('/api/v1/teams', { name: '北区\u0000二班' }), 400);
      expect(nul.errors.map((e) => e.field)).toEqual(['name']);
      const noParent = problemOf(await ctx.admin.post('/api/v1/teams', { name: '孤儿班', parentId: '00000000-0000-4000-8000-000000000000' }), 400);
      expect(noParent.errors.map((e) => e.field)).toEqual(['parentId']);
    });

    it('refuses a cycle: a team under itself or under its own descendant', async () => {
      const dept = await ctx.newTeam('循环测试部');
      const group = await ctx.newTeam('循环测试组', dept);
      const leaf = await ctx.newTeam('循环测试小队', group);
      const self = problemOf(await ctx.admin.patch(`/api/v1/teams/${dept}`, { parentId: dept }), 400);
      expect(self.errors).toEqual([{ field: 'parentId', message: '上级团队不能是自己或自己的下级' }]);
      const deep = problemOf(await ctx.admin.lang('en').patch(`/api/v1/teams/${dept}`, { parentId: leaf }), 400);
      expect(deep.errors).toEqual([{ field: 'parentId', message: 'A team cannot be its own parent or descendant' }]);
      const after = ((await ctx.admin.get('/api/v1/teams')).json().items as Team[]).find((t) => t.id === dept)!;
      expect(after.parentId).toBeNull();
      // Moving a leaf elsewhere is fine.
      const moved = await ctx.admin.patch(`/api/v1/teams/${leaf}`, { parentId: dept, name: '循环测试小队（改）' });
      expect(moved.json()).toMatchObject({ parentId: dept, name: '循环测试小队（改）' });
    });

    it('refuses to delete a team with members or sub-teams; an empty team is deleted', async () => {
      const dept = await ctx.newTeam('待撤销部门');
      const group = await ctx.newTeam('待撤销班组', dept);
      const member = await ctx.newUser({ role: 'agent', teamId: group });
      const before = await countRows(ctx.database, 'teams');
      const withMember = problemOf(await ctx.admin.delete(`/api/v1/teams/${group}`), 409);
      expect(withMember.detail).toBe('团队下仍有成员、下级团队或客户，不能删除');
      const withChild = problemOf(await ctx.admin.lang('en').delete(`/api/v1/teams/${dept}`), 409);
      expect(withChild.detail).toBe('The team still has members, sub-teams or customers and cannot be deleted');
      expect(((await ctx.admin.get('/api/v1/teams')).json().items as Team[]).map((t) => t.id)).toEqual(expect.arrayContaining([dept, group]));

      await ctx.admin.patch(`/api/v1/users/${member.userId}`, { teamId: null });
      // A customer of the team also keeps it.
      const customer = await ctx.newCustomer({ name: '团队客户', teamId: group });
      problemOf(await ctx.admin.delete(`/api/v1/teams/${group}`), 409);
      await ctx.admin.patch(`/api/v1/customers/${customer.id}`, { version: customer.version, teamId: null });
      expect((await ctx.admin.delete(`/api/v1/teams/${group}`)).statusCode).toBe(204);
      expect((await ctx.admin.delete(`/api/v1/teams/${dept}`)).statusCode).toBe(204);
      const left = ((await ctx.admin.get('/api/v1/teams')).json().items as Team[]).map((t) => t.id);
      expect(left).not.toContain(dept);
      expect(await countRows(ctx.database, 'teams')).toBe(before); // soft delete
      problemOf(await ctx.admin.delete(`/api/v1/teams/${dept}`), 404);
    });
  });

  describe('roles', () => {
    it('lists the built-in roles with scope and permissions', async () => {
      const roles = (await ctx.admin.get('/api/v1/roles')).json().items as { key: string; scope: string; permissions: string[] }[];
      expect(roles.map((r) => r.key).sort()).toEqual(['account_manager', 'admin', 'agent', 'manager', 'marketer', 'viewer']);
      expect(roles.find((r) => r.key === 'agent')).toMatchObject({ scope: 'own' });
      expect(roles.find((r) => r.key === 'viewer')!.permissions.sort()).toEqual(['customer:read', 'goal:read', 'kb:read', 'loyalty:read', 'segment:read', 'survey:read', 'ticket:read', 'user:read']);
    });

    it('a role change takes effect for the very next request of a signed-in user', async () => {
      const viewer = await ctx.newUser({ role: 'viewer' });
      await ctx.newCustomer({ name: '角色测试客户' });
      problemOf(await viewer.post('/api/v1/customers', { name: '观察员想建客户' }), 403);
      expect((await viewer.get('/api/v1/auth/me')).json().permissions).toEqual(['customer:read', 'goal:read', 'kb:read', 'loyalty:read', 'segment:read', 'survey:read', 'ticket:read', 'user:read']);

      const grant = await ctx.admin.patch('/api/v1/roles/viewer', { permissions: ['customer:read', 'customer:write', 'user:read'] });
      expect(grant.statusCode, grant.body).toBe(200);
      expect(grant.json()).toMatchObject({ key: 'viewer', customized: true });
      const created = await viewer.post('/api/v1/customers', { name: '观察员建的客户' });
      expect(created.statusCode, created.body).toBe(201);

      await ctx.admin.patch('/api/v1/roles/viewer', { scope: 'own', permissions: ['user:read'] });
      problemOf(await viewer.get('/api/v1/customers'), 403);
      expect((await viewer.get('/api/v1/auth/me')).json()).toMatchObject({ scope: 'own', permissions: ['user:read'] });

      await ctx.admin.patch('/api/v1/roles/viewer', { scope: 'all', permissions: ['customer:read', 'user:read'] });
      const names = ((await viewer.get('/api/v1/customers')).json().items as { name: string }[]).map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['角色测试客户', '观察员建的客户']));
      const audit = (await ctx.admin.get('/api/v1/audit?entityType=role&entityId=viewer')).json().items;
      expect(audit).toHaveLength(3);
      expect(audit[2].changes.permissions).toEqual([['customer:read', 'user:read', 'ticket:read', 'kb:read', 'segment:read', 'survey:read', 'goal:read', 'loyalty:read'], ['customer:read', 'customer:write', 'user:read']]);
    });

    it('a user’s new role takes effect at once', async () => {
      const user = await ctx.newUser({ role: 'viewer' });
      problemOf(await user.get('/api/v1/customers/export.csv'), 403);
      await ctx.admin.patch(`/api/v1/users/${user.userId}`, { roleKey: 'marketer' });
      expect((await user.get('/api/v1/customers/export.csv')).statusCode).toBe(200);
    });

    it('a user manager who is not an admin can neither grant nor touch a stronger role', async () => {
      // A manager given user:manage (but not role:manage or settings:manage).
      const mgrPerms = ['customer:read', 'customer:write', 'customer:delete', 'customer:export', 'customer:pii', 'transaction:write', 'product:manage', 'user:read', 'user:manage', 'audit:read', 'token:manage', 'ticket:read', 'ticket:write', 'kb:read', 'segment:read', 'survey:read', 'goal:read', 'feedback:read', 'feedback:manage', 'loyalty:read', 'loyalty:write'];
      expect((await ctx.admin.patch('/api/v1/roles/manager', { permissions: mgrPerms })).statusCode).toBe(200);
      const manager = await ctx.newUser({ role: 'manager' });
      const adminsBefore = await countRows(ctx.database, 'users');

      const grant = problemOf(
        await manager.post('/api/v1/users', { username: 'sneaky.admin', displayName: 'x', password: 'Passw0rd!', roleKey: 'admin' }),
        403,
      );
      expect(grant.errors).toEqual([{ field: 'roleKey', message: '你不能授予或修改比自己权限更高的角色（admin）' }]);
      expect(await countRows(ctx.database, 'users')).toBe(adminsBefore);

      const self = problemOf(await manager.patch(`/api/v1/users/${manager.userId}`, { roleKey: 'admin' }), 403);
      expect(self.errors[0]!.field).toBe('roleKey');
      const adminId = ((await ctx.admin.get('/api/v1/auth/me')).json() as { user: { id: string } }).user.id;
      problemOf(await manager.patch(`/api/v1/users/${adminId}`, { active: false }), 403);
      problemOf(await manager.post(`/api/v1/users/${adminId}/password`, { password: 'Hijack123' }), 403);
      expect((await ctx.login('admin', 'Admin1234')).userId).toBe(adminId);

      // Weaker roles are fine.
      const ok = await manager.post('/api/v1/users', { username: 'new.agent', displayName: '新客服', password: 'Passw0rd!', roleKey: 'agent' });
      expect(ok.statusCode, ok.body).toBe(201);

      // And a role editor cannot add permissions it lacks.
      await ctx.admin.patch('/api/v1/roles/manager', { permissions: [...mgrPerms, 'role:manage'] });
      const widen = problemOf(await manager.patch('/api/v1/roles/viewer', { permissions: ['customer:read', 'settings:manage'] }), 403);
      expect(widen.detail).toContain('settings:manage');
    });

    it('the admin role is fixed; unknown roles and permissions are refused', async () => {
      expect(problemOf(await ctx.admin.patch('/api/v1/roles/admin', { scope: 'own' }), 403).detail).toBe('管理员角色的权限不能修改');
      expect(problemOf(await ctx.admin.patch('/api/v1/roles/janitor', { scope: 'own' }), 404).detail).toBe('找不到该角色');
      const bad = problemOf(await ctx.admin.patch('/api/v1/roles/agent', { scope: 'everyone', permissions: ['customer:fly'] }), 400);
      expect(bad.errors.map((e) => e.field).sort()).toEqual(['permissions.0', 'scope']);
      const [row] = ((await ctx.database.db.execute(sql`select scope from roles where key = 'admin'`)) as unknown as { rows: { scope: string }[] }).rows;
      expect(row!.scope).toBe('all');
    });
  });
});
