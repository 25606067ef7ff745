/**
 * Customers: creating, editing under optimistic concurrency, soft delete, keyset pages, filters, search, history,
 * contacts.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { countCustomers } from './customers.repository.js';
import { problemOf } from '../../test/http.js';

type Customer = Record<string, any> & { id: string; name: string; version: number };

const names = (res: LightMyRequestResponse): string[] => {
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { name: string }[]).map((c) => c.name).sort();
};

describe('customers', () => {
  let ctx: TestContext;
  let agent: Client, viewer: Client;

  beforeAll(async () => {
    ctx = await createTestContext();
    agent = await ctx.newUser({ role: 'agent', username: 'kefu.wang' });
    viewer = await ctx.newUser({ role: 'viewer', username: 'guan.cha' });
  });
  afterAll(() => ctx.close());

  /** Moves a customer in time (fixtures for date filters and ties in the sort order). */
  async function setTimes(id: string, createdAt: string, updatedAt = createdAt): Promise<void> {
    await ctx.database.db.execute(
      sql`update customers set created_at = ${createdAt}::timestamptz, updated_at = ${updatedAt}::timestamptz where id = ${id}::uuid`,
    );
  }

  describe('creating', () => {
    it('stores every field, normalises phones, collapses duplicates and masks personal data in the response', async () => {
      const res = await ctx.admin.post('/api/v1/customers', {
        kind: 'person',
        name: '  王小明  ',
        phones: ['138 1234 5678', '+86 138-1234-5678', '0451-88886666', ''],
        email: 'wang.xm@example.com',
        gender: 'male',
        birthday: '1985-08-15',
        lunarBirthday: { month: 7, day: 1 },
        idType: 'resident',
        idNumber: '11010519491231002x',
        address: {
          province: '黑龙江省',
          city: '哈尔滨市',
          district: '南岗区',
          street: '学府路',
          compound: '幸福家园',
          building: '3号楼',
          unit: '2单元',
          room: '',
        },
        tags: ['VIP', '暖气不热', 'VIP'],
        preferences: { contactChannel: 'wechat', contactTime: '晚上', language: 'zh-CN', interests: ['地暖'] },
        source: '热线',
        stage: 'active',
        consent: { sms: true },
        notes: '老客户，冬季多次来电',
      });
      expect(res.statusCode, res.body).toBe(201);
      const c = res.json() as Customer;
      expect(c).toMatchObject({
        kind: 'person',
        name: '王小明',
        phones: ['138****5678', '045****6666'],
        email: 'wang.xm@example.com',
        gender: 'male',
        birthday: '1985-08-15',
        lunarBirthday: { month: 7, day: 1, leap: false },
        idType: 'resident',
        idNumber: '110***********002X',
        piiMasked: true,
        address: {
          province: '黑龙江省',
          city: '哈尔滨市',
          district: '南岗区',
          street: '学府路',
          compound: '幸福家园',
          building: '3号楼',
          unit: '2单元',
          room: null,
        },
        tags: ['VIP', '暖气不热'],
        preferences: { contactChannel: 'wechat', contactTime: '晚上', language: 'zh-CN', interests: ['地暖'] },
        source: '热线',
        stage: 'active',
        ownerId: ctx.admin.userId,
        ownerName: '系统管理员',
        teamId: null,
        consent: { phone: false, sms: true, email: false, wechat: false },
        notes: '老客户，冬季多次来电',
        version: 1,
        deletedAt: null,
      });
      expect(c.createdAt).toBe(c.updatedAt);

      const stored = ((await ctx.database.db.execute(sql`select phones, id_number from customers where id = ${c.id}::uuid`)) as unknown as {
        rows: { phones: string[]; id_number: string }[];
      }).rows[0]!;
      expect(stored).toEqual({ phones: ['+8613812345678', '+8645188886666'], id_number: '11010519491231002X' });
      const revealed = (await ctx.admin.post(`/api/v1/customers/${c.id}/reveal`, {})).json();
      expect(revealed.phones).toEqual(['13812345678', '045188886666']);
      expect((await ctx.admin.get(`/api/v1/customers/${c.id}`)).json()).toEqual(c);
    });

    it('applies the defaults: a new person owned by the creator, in the creator’s team, with no consent', async () => {
      const team = await ctx.newTeam('默认值班组');
      const member = await ctx.newUser({ role: 'agent', teamId: team });
      const c = await ctx.newCustomer({ name: '最简客户' }, member);
      expect(c).toMatchObject({
        kind: 'person',
        phones: [],
        tags: [],
        stage: 'new',
        ownerId: member.userId,
        teamId: team,
        email: null,
        idNumber: null,
        idType: null,
        consent: { phone: false, sms: false, email: false, wechat: false },
        preferences: {},
        version: 1,
      });
    });

    it('an admin may create an unowned customer or assign it to anyone', async () => {
      expect((await ctx.newCustomer({ name: '无主客户', ownerId: null })).ownerId).toBeNull();
      const assigned = await ctx.newCustomer({ name: '分给客服的客户', ownerId: agent.userId });
      const agentName = ((await ctx.admin.get('/api/v1/users')).json().items as { id: string; displayName: string }[]).find(
        (u) => u.id === agent.userId,
      )!.displayName;
      expect(assigned).toMatchObject({ ownerId: agent.userId, ownerName: agentName });
      expect(names(await agent.get(`/api/v1/customers?q=${encodeURIComponent('分给客服')}`))).toEqual(['分给客服的客户']);
    });

    it('an inactive user cannot be made owner (400 naming ownerId)', async () => {
      const leaver = await ctx.newUser({ role: 'agent' });
      await ctx.admin.patch(`/api/v1/users/${leaver.userId}`, { active: false });
      const p = problemOf(await ctx.admin.post('/api/v1/customers', { name: '给离职员工', ownerId: leaver.userId }), 400);
      expect(p.errors).toEqual([{ field: 'ownerId', message: '找不到该用户' }]);
    });
  });

  describe('editing', () => {
    it('two edits from the same version: the second gets 409 saying someone else changed it (zh and en)', async () => {
      const c = await ctx.newCustomer({ name: '并发客户', stage: 'new' });
      const first = await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: c.version, stage: 'active' });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({ stage: 'active', version: 2 });

      const before = await countRows(ctx.database, 'audit_log');
      const second = problemOf(await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: c.version, stage: 'churned' }), 409);
      expect(second.code).toBe('conflict');
      expect(second.errors.map((e) => e.field)).toEqual(['version']);
      expect(second.detail).toBe('该客户已被他人修改（当前版本 2，你提交的是 1），请刷新后重试');
      const en = problemOf(await ctx.admin.lang('en').patch(`/api/v1/customers/${c.id}`, { version: c.version, name: 'x' }), 409);
      expect(en.detail).toBe('This customer was changed by someone else (current version 2, yours 1); reload and try again');
      expect(await countRows(ctx.database, 'audit_log')).toBe(before);

      const now = (await ctx.admin.get(`/api/v1/customers/${c.id}`)).json();
      expect(now).toMatchObject({ stage: 'active', name: '并发客户', version: 2 });
      const stale = problemOf(await ctx.admin.delete(`/api/v1/customers/${c.id}`, { version: 1 }), 409);
      expect(stale.detail).toContain('已被他人修改');
      expect((await ctx.admin.delete(`/api/v1/customers/${c.id}`, { version: 2 })).statusCode).toBe(204);
    });

    it('history shows the edit with before and after of the changed fields only', async () => {
      const c = await ctx.newCustomer({ name: '历史客户', address: { city: '哈尔滨市', compound: '红旗小区' }, tags: ['老用户'] });
      const edit = await agent.lang('en').get(`/api/v1/customers/${c.id}`); // out of the agent's scope
      expect(edit.statusCode).toBe(404);
      const res = await ctx.admin.patch(`/api/v1/customers/${c.id}`, {
        version: 1,
        name: '历史客户（改）',
        address: { room: '101' },
        tags: ['老用户', '缴费困难'],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().address).toMatchObject({ city: '哈尔滨市', compound: '红旗小区', room: '101' });

      const history = (await ctx.admin.get(`/api/v1/customers/${c.id}/history`)).json().items;
      expect(history.map((h: { action: string }) => h.action)).toEqual(['update', 'create']);
      expect(history[0]).toMatchObject({
        actorId: ctx.admin.userId,
        actorName: '系统管理员',
        via: 'session',
        entityType: 'customer',
        entityId: c.id,
        changes: { name: ['历史客户', '历史客户（改）'], room: [null, '101'], tags: [['老用户'], ['老用户', '缴费困难']] },
      });
      expect(Object.keys(history[0].changes).sort()).toEqual(['name', 'room', 'tags']);
      expect(history[1].changes).toMatchObject({ name: [null, '历史客户'], city: [null, '哈尔滨市'] });
    });

    it('changing phones or ID numbers needs the personal-data permission (403 naming the field)', async () => {
      const roles = (await ctx.admin.get('/api/v1/roles')).json().items as { key: string; permissions: string[] }[];
      const original = roles.find((r) => r.key === 'marketer')!.permissions;
      await ctx.admin.patch('/api/v1/roles/marketer', { permissions: [...original, 'customer:write'] });
      try {
        const marketer = await ctx.newUser({ role: 'marketer' });
        const c = await ctx.newCustomer({ name: '营销客户', phones: ['13612345678'] });
        const p = problemOf(await marketer.patch(`/api/v1/customers/${c.id}`, { version: 1, phones: ['13600000000'] }), 403);
        expect(p.errors).toEqual([{ field: 'phones', message: '修改「电话」需要查看个人信息的权限' }]);
        const id = problemOf(await marketer.lang('en').patch(`/api/v1/customers/${c.id}`, { version: 1, idNumber: null }), 403);
        expect(id.errors).toEqual([{ field: 'idNumber', message: 'Changing "ID number" needs the personal-data permission' }]);
        const ok = await marketer.patch(`/api/v1/customers/${c.id}`, { version: 1, tags: ['活动邀约'] });
        expect(ok.statusCode, ok.body).toBe(200);
        expect(ok.json().phones).toEqual(['136****5678']);
      } finally {
        await ctx.admin.patch('/api/v1/roles/marketer', { permissions: original });
      }
    });
  });

  describe('soft delete and restore', () => {
    it('delete hides the customer from the list, deleted=only shows it, restore brings it back; both are in history', async () => {
      const c = await ctx.newCustomer({ name: '待删客户', tags: ['删除测试'] });
      expect(names(await ctx.admin.get('/api/v1/customers?tag=' + encodeURIComponent('删除测试')))).toEqual(['待删客户']);

      expect((await ctx.admin.delete(`/api/v1/customers/${c.id}`)).statusCode).toBe(204);
      expect(names(await ctx.admin.get('/api/v1/customers?tag=' + encodeURIComponent('删除测试')))).toEqual([]);
      expect(names(await ctx.admin.get(`/api/v1/customers?q=${encodeURIComponent('待删')}`))).toEqual([]);
      const deleted = await ctx.admin.get('/api/v1/customers?deleted=only&tag=' + encodeURIComponent('删除测试'));
      expect(names(deleted)).toEqual(['待删客户']);
      expect(deleted.json().items[0].deletedAt).not.toBeNull();
      expect((await ctx.admin.get('/api/v1/customers/tags')).json().items.map((t: { tag: string }) => t.tag)).not.toContain('删除测试');
      const exported = (await ctx.admin.get('/api/v1/customers/export.csv')).body;
      expect(exported).not.toContain('待删客户');
      // Still readable by id (for the restore screen), no longer editable.
      expect((await ctx.admin.get(`/api/v1/customers/${c.id}`)).json().deletedAt).not.toBeNull();
      problemOf(await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: 2, name: 'x' }), 404);
      // Deleting again changes nothing.
      expect((await ctx.admin.delete(`/api/v1/customers/${c.id}`)).statusCode).toBe(204);

      const restored = await ctx.admin.post(`/api/v1/customers/${c.id}/restore`);
      expect(restored.statusCode, restored.body).toBe(200);
      expect(restored.json()).toMatchObject({ name: '待删客户', deletedAt: null, version: 3 });
      expect(names(await ctx.admin.get('/api/v1/customers?tag=' + encodeURIComponent('删除测试')))).toEqual(['待删客户']);
      expect(names(await ctx.admin.get('/api/v1/customers?deleted=only&tag=' + encodeURIComponent('删除测试')))).toEqual([]);
      problemOf(await ctx.admin.post(`/api/v1/customers/${c.id}/restore`), 409);

      const history = (await ctx.admin.get(`/api/v1/customers/${c.id}/history`)).json().items;
      expect(history.map((h: { action: string }) => h.action)).toEqual(['restore', 'delete', 'create']);
      expect(history[1].changes).toEqual({ name: '待删客户' });
      expect(await countRows(ctx.database, 'customers')).toBeGreaterThan(0);
    });
  });

  describe('keyset pagination', () => {
    const TAG = '翻页测试';
    let expected: Record<'createdAt' | 'updatedAt' | 'name', { id: string; key: string }[]>;

    beforeAll(async () => {
      const rows: { id: string; createdAt: string; updatedAt: string; name: string }[] = [];
      for (let i = 0; i < 45; i++) {
        // 15 names × 3, 9 creation instants × 5, 12 update instants: plenty of ties, broken by id.
        const name = `翻页客户${String(i % 15).padStart(2, '0')}`;
        const c = await ctx.newCustomer({ name, tags: [TAG] });
        const createdAt = `2023-03-0${1 + (i % 9)}T10:00:00.123456Z`;
        const updatedAt = `2023-06-${10 + (i % 12)}T08:30:00.000001Z`;
        await setTimes(c.id, createdAt, updatedAt);
        rows.push({ id: c.id, createdAt, updatedAt, name });
      }
      const order = (key: 'createdAt' | 'updatedAt' | 'name') =>
        rows
          .map((r) => ({ id: r.id, key: r[key] }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      expected = { createdAt: order('createdAt'), updatedAt: order('updatedAt'), name: order('name') };
    });

    for (const sort of ['createdAt', 'updatedAt', 'name'] as const) {
      for (const order of ['asc', 'desc'] as const) {
        it(`sort=${sort} order=${order}: every customer exactly once, in order, ties broken by id`, async () => {
          for (const limit of [10, 7]) {
            const seen: string[] = [];
            const pageSizes: number[] = [];
            let cursor: string | null = null;
            for (let guard = 0; guard < 20; guard++) {
              const url: string = `/api/v1/customers?tag=${encodeURIComponent(TAG)}&sort=${sort}&order=${order}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
              const res = await ctx.admin.get(url);
              expect(res.statusCode, res.body).toBe(200);
              const page = res.json() as { items: Customer[]; nextCursor: string | null; total: number | null };
              expect(page.total).toBeNull();
              seen.push(...page.items.map((c) => c.id));
              pageSizes.push(page.items.length);
              cursor = page.nextCursor;
              if (!cursor) break;
            }
            const want = order === 'asc' ? expected[sort] : [...expected[sort]].reverse();
            expect(new Set(seen).size).toBe(45);
            expect(seen).toEqual(want.map((r) => r.id));
            expect(pageSizes).toEqual(limit === 10 ? [10, 10, 10, 10, 5] : [7, 7, 7, 7, 7, 7, 3]);
          }
        });
      }
    }

    it('an exactly full last page has no next cursor', async () => {
      const res = (await ctx.admin.get(`/api/v1/customers?tag=${encodeURIComponent(TAG)}&limit=45`)).json();
      expect(res.items).toHaveLength(45);
      expect(res.nextCursor).toBeNull();
      const first = (await ctx.admin.get(`/api/v1/customers?tag=${encodeURIComponent(TAG)}&limit=44`)).json();
      const rest = (await ctx.admin.get(`/api/v1/customers?tag=${encodeURIComponent(TAG)}&limit=44&cursor=${first.nextCursor}`)).json();
      expect(rest.items).toHaveLength(1);
      expect(rest.nextCursor).toBeNull();
    });

    it('withTotal counts all matches, not just the page', async () => {
      const res = (await ctx.admin.get(`/api/v1/customers?tag=${encodeURIComponent(TAG)}&limit=5&withTotal=true`)).json();
      expect(res.items).toHaveLength(5);
      expect(res.total).toBe(45);
      const some = (await ctx.admin.get(`/api/v1/customers?q=${encodeURIComponent('翻页客户01')}&limit=1&withTotal=true`)).json();
      expect(some.total).toBe(3);
      expect((await ctx.admin.get(`/api/v1/customers?tag=${encodeURIComponent(TAG)}&withTotal=false`)).json().total).toBeNull();
      expect(res.totalExact).toBe(true);
    });

    it('above the exact-count limit the total is the planner estimate, marked as not exact', async () => {
      await ctx.database.db.execute(sql`analyze customers`);
      const filter = { scope: { kind: 'all' as const }, deleted: 'exclude' as const, tag: TAG };
      expect(await countCustomers(ctx.database.db, filter, 100)).toEqual({ count: 45, exact: true });
      const capped = await countCustomers(ctx.database.db, filter, 10);
      expect(capped.exact).toBe(false);
      expect(capped.count).toBeGreaterThan(10);
    });
  });

  describe('filters', () => {
    const TAG = '筛选测试';
    let ids: Record<string, string>;
    let teamA: string, teamB: string;
    let ownerA: Client;

    beforeAll(async () => {
      teamA = await ctx.newTeam('筛选一组');
      teamB = await ctx.newTeam('筛选二组');
      ownerA = await ctx.newUser({ role: 'account_manager', teamId: teamA });
      const make = async (name: string, body: Record<string, unknown>) => (await ctx.newCustomer({ name, tags: [TAG], ...body })).id;
      ids = {
        a: await make('筛选甲', { tags: [TAG, '暖气不热'], stage: 'at_risk', address: { city: '哈尔滨市', compound: '阳光小区' }, ownerId: ownerA.userId }),
        b: await make('筛选乙', { stage: 'at_risk', address: { city: '大庆市', compound: '阳光小区' }, ownerId: null, teamId: teamB }),
        c: await make('筛选丙', { tags: [TAG, '暖气不热', 'VIP'], stage: 'loyal', address: { city: '哈尔滨市', compound: '月亮湾' } }),
        d: await make('筛选丁', { kind: 'organization', stage: 'new', address: { city: '哈尔滨市' }, ownerId: ownerA.userId, teamId: teamB }),
      };
      await setTimes(ids.a!, '2023-04-30T23:59:00+08:00');
      await setTimes(ids.b!, '2023-05-01T06:00:00+08:00');
      await setTimes(ids.c!, '2023-05-01T23:30:00+08:00');
      await setTimes(ids.d!, '2023-05-02T00:10:00+08:00');
    });

    const query = async (q: string) => names(await ctx.admin.get(`/api/v1/customers?tag=${encodeURIComponent(TAG)}&${q}`));
    const all = ['筛选丁', '筛选丙', '筛选甲', '筛选乙'].sort();

    it('tag', async () => {
      expect(await query('')).toEqual(all);
      expect(names(await ctx.admin.get(`/api/v1/customers?tag=${encodeURIComponent('暖气不热')}&q=${encodeURIComponent('筛选')}`))).toEqual(['筛选丙', '筛选甲'].sort());
      expect(names(await ctx.admin.get('/api/v1/customers?tag=VIP&q=' + encodeURIComponent('筛选')))).toEqual(['筛选丙']);
      expect(names(await ctx.admin.get('/api/v1/customers?tag=' + encodeURIComponent('暖气')))).not.toContain('筛选甲'); // whole tags only
      const tags = (await ctx.admin.get('/api/v1/customers/tags')).json().items as { tag: string; count: number }[];
      expect(tags.find((t) => t.tag === TAG)).toEqual({ tag: TAG, count: 4 });
    });

    it('owner', async () => {
      expect(await query(`ownerId=${ownerA.userId}`)).toEqual(['筛选丁', '筛选甲'].sort());
      expect(await query(`ownerId=${ctx.admin.userId}`)).toEqual(['筛选丙']);
    });

    it('team', async () => {
      expect(await query(`teamId=${teamA}`)).toEqual(['筛选甲']);
      expect(await query(`teamId=${teamB}`)).toEqual(['筛选丁', '筛选乙'].sort());
    });

    it('stage', async () => {
      expect(await query('stage=at_risk')).toEqual(['筛选甲', '筛选乙'].sort());
      expect(await query('stage=churned')).toEqual([]);
    });

    it('kind', async () => {
      expect(await query('kind=organization')).toEqual(['筛选丁']);
    });

    it('city and compound', async () => {
      expect(await query(`city=${encodeURIComponent('哈尔滨市')}`)).toEqual(['筛选丁', '筛选丙', '筛选甲'].sort());
      expect(await query(`compound=${encodeURIComponent('阳光小区')}`)).toEqual(['筛选甲', '筛选乙'].sort());
      expect(await query(`city=${encodeURIComponent('哈尔滨')}`)).toEqual([]); // exact, not a fragment
    });

    it('createdFrom / createdTo: bare dates are whole days in UTC+8', async () => {
      expect(await query('createdFrom=2023-05-01&createdTo=2023-05-01')).toEqual(['筛选丙', '筛选乙'].sort());
      expect(await query('createdTo=2023-04-30')).toEqual(['筛选甲']);
      expect(await query('createdFrom=2023-05-02')).toEqual(['筛选丁']);
      expect(await query('createdFrom=2023-05-01T12:00:00Z')).toEqual(['筛选丁', '筛选丙'].sort());
      expect(await query(`createdTo=${encodeURIComponent('2023-05-01T00:00:00+08:00')}`)).toEqual(['筛选甲']);
    });

    it('filters combine, and apply to the export too', async () => {
      expect(await query(`stage=at_risk&city=${encodeURIComponent('哈尔滨市')}&createdTo=2023-04-30`)).toEqual(['筛选甲']);
      const csv = (await ctx.admin.get(`/api/v1/customers/export.csv?tag=${encodeURIComponent(TAG)}&stage=at_risk`)).body;
      const rows = csv.split('\r\n').slice(1).filter(Boolean).map((l) => l.split(',')[2]).sort();
      expect(rows).toEqual(['筛选甲', '筛选乙'].sort());
    });
  });

  describe('search', () => {
    beforeAll(async () => {
      await ctx.newCustomer({ name: '李幸运', phones: ['13955501234'], address: { city: '哈尔滨市', compound: '幸福家园', building: '3号楼', unit: '2单元' } });
      await ctx.newCustomer({ name: '满意度100%客户' });
      await ctx.newCustomer({ name: '张_三' });
      await ctx.newCustomer({ name: '张三丰' });
      await ctx.newCustomer({ name: 'Harbin Heating Co.', kind: 'organization', email: 'Service@Harbin-Heat.example', phones: ['0451-55512345'] });
    });

    const search = (who: Client, q: string) => who.get(`/api/v1/customers?q=${encodeURIComponent(q)}`).then(names);

    it('finds by a two-character Chinese fragment of the address, or the address written together', async () => {
      expect(await search(ctx.admin, '幸福')).toEqual(['李幸运', '王小明'].sort());
      expect(await search(ctx.admin, '3号楼2单元')).toEqual(['李幸运', '王小明'].sort());
      expect(await search(ctx.admin, '幸福家园 3号楼')).toEqual(['李幸运', '王小明'].sort());
    });

    it('finds by part of the name, ignoring case', async () => {
      expect(await search(ctx.admin, '幸运')).toEqual(['李幸运']);
      expect(await search(ctx.admin, 'heating')).toEqual(['Harbin Heating Co.']);
      expect(await search(viewer, 'harbin-heat.EXAMPLE')).toEqual(['Harbin Heating Co.']);
    });

    it('finds by a phone fragment for pii holders only', async () => {
      expect(await search(ctx.admin, '5550123')).toEqual(['李幸运']);
      expect(await search(ctx.admin, '555-0123')).toEqual(['李幸运']);
      expect(await search(ctx.admin, '55512345')).toEqual(['Harbin Heating Co.']);
      expect(await search(viewer, '5550123')).toEqual([]);
    });

    it('finds by a full phone number, in any format, for anyone', async () => {
      for (const q of ['13955501234', '139 5550 1234', '+86 139-5550-1234', '008613955501234']) {
        expect(await search(viewer, q), q).toEqual(['李幸运']);
      }
      expect(await search(viewer, '0451-55512345')).toEqual(['Harbin Heating Co.']);
    });

    it('% and _ in the query are literal', async () => {
      expect(await search(ctx.admin, '%')).toEqual(['满意度100%客户']);
      expect(await search(ctx.admin, '100%')).toEqual(['满意度100%客户']);
      expect(await search(ctx.admin, '_')).toEqual(['张_三']);
      expect(await search(ctx.admin, '张_')).toEqual(['张_三']);
      expect(await search(ctx.admin, '\\')).toEqual([]);
    });

    it('two-character fragments (the bigram index) find exactly what a pattern match finds, and follow edits', async () => {
      const byPattern = async (q: string) => {
        const res = (await ctx.database.db.execute(
          sql`select name from customers where deleted_at is null and search_text ilike ${'%' + q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'} order by name`,
        )) as unknown as { rows: { name: string }[] };
        return res.rows.map((r) => r.name).sort();
      };
      for (const q of ['幸福', '园3', '号楼', 'HA', 'o.', '张_', '0%', '李幸', '幸', '幸福家']) {
        expect(await search(ctx.admin, q), q).toEqual(await byPattern(q));
      }
      expect(await search(ctx.admin, '园3')).toEqual(['李幸运', '王小明'].sort());
      const [c] = (await ctx.admin.get(`/api/v1/customers?q=${encodeURIComponent('李幸运')}`)).json().items;
      const moved = await ctx.admin.patch(`/api/v1/customers/${c.id}`, { version: c.version, address: { city: '哈尔滨市', compound: '翠湖嘉园' } });
      expect(moved.statusCode).toBe(200);
      expect(await search(ctx.admin, '翠湖')).toEqual(['李幸运']);
      expect(await search(ctx.admin, '幸福')).toEqual(['王小明']);
      expect(await search(ctx.admin, '湖嘉')).toEqual(await byPattern('湖嘉'));
    });

    it('an empty query matches everything', async () => {
      const everyone = (await ctx.admin.get('/api/v1/customers?withTotal=true&limit=1')).json().total;
      expect((await ctx.admin.get('/api/v1/customers?q=%20%20&withTotal=true&limit=1')).json().total).toBe(everyone);
    });
  });

  describe('contacts', () => {
    it('only organisations have contacts (409 for a person)', async () => {
      const person = await ctx.newCustomer({ name: '个人客户' });
      const before = await countRows(ctx.database, 'customer_contacts');
      const p = problemOf(await ctx.admin.post(`/api/v1/customers/${person.id}/contacts`, { name: '不该有的联系人' }), 409);
      expect(p.detail).toBe('只有单位客户可以添加联系人');
      expect(problemOf(await ctx.admin.lang('en').post(`/api/v1/customers/${person.id}/contacts`, { name: 'x' }), 409).detail).toBe(
        'Only organisations have contacts',
      );
      expect(await countRows(ctx.database, 'customer_contacts')).toBe(before);
      expect((await ctx.admin.get(`/api/v1/customers/${person.id}/contacts`)).json().items).toEqual([]);
    });

    it('adds, edits, marks primary and removes contacts of an organisation, all in its history', async () => {
      const org = await ctx.newCustomer({ kind: 'organization', name: '第一供热站' });
      const zhao = await ctx.admin.post(`/api/v1/customers/${org.id}/contacts`, {
        name: '赵站长',
        title: '站长',
        phones: ['139 0451 0001'],
        email: 'zhao@example.com',
        isPrimary: true,
      });
      expect(zhao.statusCode, zhao.body).toBe(201);
      expect(zhao.json()).toMatchObject({ customerId: org.id, name: '赵站长', phones: ['139****0001'], isPrimary: true, piiMasked: true });
      const qian = (await ctx.admin.post(`/api/v1/customers/${org.id}/contacts`, { name: '钱会计', phones: ['13904510002'] })).json();
      expect(qian.isPrimary).toBe(false);

      const list = async () =>
        ((await ctx.admin.get(`/api/v1/customers/${org.id}/contacts`)).json().items as { name: string; isPrimary: boolean }[]).map(
          (c) => `${c.name}${c.isPrimary ? '*' : ''}`,
        );
      expect(await list()).toEqual(['赵站长*', '钱会计']);
      const promoted = await ctx.admin.patch(`/api/v1/customers/${org.id}/contacts/${qian.id}`, { isPrimary: true, title: '会计' });
      expect(promoted.json()).toMatchObject({ isPrimary: true, title: '会计' });
      expect(await list()).toEqual(['钱会计*', '赵站长']);

      expect((await ctx.admin.delete(`/api/v1/customers/${org.id}/contacts/${zhao.json().id}`)).statusCode).toBe(204);
      expect(await list()).toEqual(['钱会计*']);
      problemOf(await ctx.admin.patch(`/api/v1/customers/${org.id}/contacts/${zhao.json().id}`, { name: '复活' }), 404);

      const history = (await ctx.admin.get(`/api/v1/customers/${org.id}/history`)).json().items;
      expect(history.map((h: { action: string }) => h.action)).toEqual(['contact_delete', 'contact_update', 'contact_create', 'contact_create', 'create']);
      expect(history[1].changes).toMatchObject({ contactId: qian.id, before: { title: null }, after: { title: '会计' } });
    });

    it('a deleted organisation’s contacts can be read but not changed', async () => {
      const org = await ctx.newCustomer({ kind: 'organization', name: '已关停供热站' });
      const contact = (await ctx.admin.post(`/api/v1/customers/${org.id}/contacts`, { name: '孙师傅' })).json();
      await ctx.admin.delete(`/api/v1/customers/${org.id}`);
      expect((await ctx.admin.get(`/api/v1/customers/${org.id}/contacts`)).json().items).toHaveLength(1);
      problemOf(await ctx.admin.post(`/api/v1/customers/${org.id}/contacts`, { name: '新人' }), 404);
      problemOf(await ctx.admin.patch(`/api/v1/customers/${org.id}/contacts/${contact.id}`, { name: '改名' }), 404);
      problemOf(await ctx.admin.delete(`/api/v1/customers/${org.id}/contacts/${contact.id}`), 404);
    });
  });
});
