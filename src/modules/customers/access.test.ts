/**
 * Who may see and change which customers: data scopes (own / team), read-only roles, and masking of personal data.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, countRows, createTestContext, type TestContext } from '../../test/harness.js';
import { problemOf } from '../../test/http.js';

type Customer = Record<string, any>;

const names = (res: LightMyRequestResponse): string[] => (res.json().items as { name: string }[]).map((c) => c.name).sort();

/** Rows of the exported CSV (BOM and header dropped), as arrays of cells. Fixtures avoid commas and quotes. */
function csvRows(res: LightMyRequestResponse): string[][] {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  const lines = res.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
  return lines.slice(1).map((l) => l.split(','));
}

/** A digest of every table a request could write to: equal digests mean nothing was written. */
async function snapshot(ctx: TestContext): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['customers', 'customer_contacts', 'users', 'teams', 'roles', 'api_tokens', 'settings', 'audit_log']) {
    const res = (await ctx.database.db.execute(
      sql.raw(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ${table} t`),
    )) as unknown as { rows: { n: number; h: string }[] };
    out[table] = `${res.rows[0]!.n}:${res.rows[0]!.h}`;
  }
  return out;
}

const AGENT_PERMISSIONS = ['customer:read', 'customer:write', 'customer:pii', 'user:read', 'customer:delete', 'customer:export'];

describe('data scopes', () => {
  let ctx: TestContext;
  let north: string, northOne: string, south: string;
  let zhang: Client, li: Client, wang: Client;
  let zhangHome: Customer, liOrg: Customer, liGone: Customer, wangHome: Customer, northShared: Customer;
  let liContactId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    // Agents may delete and export too, so that only their scope (still "own") decides.
    const grant = await ctx.admin.patch('/api/v1/roles/agent', { permissions: AGENT_PERMISSIONS });
    expect(grant.json().scope).toBe('own');
    north = await ctx.newTeam('北区服务部');
    northOne = await ctx.newTeam('北区一班', north);
    south = await ctx.newTeam('南区服务部');
    zhang = await ctx.newUser({ role: 'agent', teamId: north, username: 'agent.zhang' });
    li = await ctx.newUser({ role: 'agent', teamId: northOne, username: 'agent.li' });
    wang = await ctx.newUser({ role: 'agent', teamId: south, username: 'agent.wang' });

    zhangHome = await ctx.newCustomer({ name: '张家客户', phones: ['13811110001'], tags: ['张的标签'], address: { compound: '北苑小区' } }, zhang);
    liOrg = await ctx.newCustomer({ kind: 'organization', name: '李家单位', phones: ['13822220002'], tags: ['李的标签'] }, li);
    const contact = await li.post(`/api/v1/customers/${liOrg.id}/contacts`, { name: '李联系人', phones: ['13922220002'] });
    expect(contact.statusCode, contact.body).toBe(201);
    liContactId = contact.json().id;
    liGone = await ctx.newCustomer({ name: '李家已删客户', phones: ['13822220003'] }, li);
    expect((await ctx.admin.delete(`/api/v1/customers/${liGone.id}`)).statusCode).toBe(204);
    wangHome = await ctx.newCustomer({ name: '王家客户', phones: ['13833330003'], tags: ['王的标签'] }, wang);
    northShared = await ctx.newCustomer({ name: '北区公共客户', ownerId: null, teamId: north });
  });
  afterAll(() => ctx.close());

  describe('an agent with the "own customers" scope', () => {
    it('owns what they create: owner and team come from the creator', () => {
      expect(zhangHome).toMatchObject({ ownerId: zhang.userId, teamId: north });
      expect(liOrg).toMatchObject({ ownerId: li.userId, teamId: northOne });
    });

    it('cannot read another agent’s customer (404, as if it did not exist)', async () => {
      for (const c of [liOrg, wangHome, northShared]) {
        const p = problemOf(await zhang.get(`/api/v1/customers/${c.id}`), 404);
        expect(p.detail).toBe('找不到该客户');
      }
      expect(problemOf(await zhang.lang('en').get(`/api/v1/customers/${liOrg.id}`), 404).detail).toBe('Customer not found');
    });

    it('lists only their own customers (also among deleted ones, and in totals and tags)', async () => {
      const res = await zhang.get('/api/v1/customers?withTotal=true');
      expect(names(res)).toEqual(['张家客户']);
      expect(res.json().total).toBe(1);
      expect(names(await zhang.get('/api/v1/customers?deleted=only'))).toEqual([]);
      expect(names(await zhang.get(`/api/v1/customers?ownerId=${li.userId}`))).toEqual([]);
      expect(names(await zhang.get(`/api/v1/customers?teamId=${northOne}`))).toEqual([]);
      expect((await zhang.get('/api/v1/customers/tags')).json().items).toEqual([{ tag: '张的标签', count: 1 }]);
    });

    it('search finds nothing of other agents: by name, by a phone fragment or by a full phone number', async () => {
      for (const q of ['李家', '王家', '客户', '2222', '13822220002', '13833330003']) {
        const found = names(await zhang.get(`/api/v1/customers?q=${encodeURIComponent(q)}`));
        expect(found.filter((n) => n !== '张家客户'), q).toEqual([]);
      }
      expect(names(await zhang.get(`/api/v1/customers?q=${encodeURIComponent('张家')}`))).toEqual(['张家客户']);
    });

    it('exports only their own customers', async () => {
      const rows = csvRows(await zhang.get('/api/v1/customers/export.csv'));
      expect(rows.map((r) => r[2])).toEqual(['张家客户']);
      expect(csvRows(await zhang.get('/api/v1/customers/export.csv?deleted=only'))).toEqual([]);
    });

    it('cannot edit another agent’s customer (404) and nothing is written', async () => {
      const before = await snapshot(ctx);
      problemOf(await zhang.patch(`/api/v1/customers/${liOrg.id}`, { version: liOrg.version, name: '被改名' }), 404);
      problemOf(await zhang.patch(`/api/v1/customers/${wangHome.id}`, { version: wangHome.version, ownerId: zhang.userId }), 404);
      expect(await snapshot(ctx)).toEqual(before);
    });

    it('cannot delete or restore another agent’s customer (404)', async () => {
      const before = await snapshot(ctx);
      problemOf(await zhang.delete(`/api/v1/customers/${liOrg.id}`), 404);
      problemOf(await zhang.post(`/api/v1/customers/${liGone.id}/restore`), 404);
      expect(await snapshot(ctx)).toEqual(before);
    });

    it('cannot reveal another agent’s customer (404) and no reveal is audited', async () => {
      const before = await snapshot(ctx);
      const p = problemOf(await zhang.post(`/api/v1/customers/${liOrg.id}/reveal`, { reason: '好奇' }), 404);
      expect(p.detail).toBe('找不到该客户');
      expect(await snapshot(ctx)).toEqual(before);
    });

    it('cannot read another agent’s customer history (404)', async () => {
      problemOf(await zhang.get(`/api/v1/customers/${liOrg.id}/history`), 404);
    });

    it('cannot list, add, edit or remove another agent’s contacts (404)', async () => {
      const before = await snapshot(ctx);
      problemOf(await zhang.get(`/api/v1/customers/${liOrg.id}/contacts`), 404);
      problemOf(await zhang.post(`/api/v1/customers/${liOrg.id}/contacts`, { name: '冒充联系人' }), 404);
      problemOf(await zhang.patch(`/api/v1/customers/${liOrg.id}/contacts/${liContactId}`, { name: '改名' }), 404);
      problemOf(await zhang.delete(`/api/v1/customers/${liOrg.id}/contacts/${liContactId}`), 404);
      expect(await snapshot(ctx)).toEqual(before);
    });

    it('their own customers work end to end', async () => {
      expect((await zhang.get(`/api/v1/customers/${zhangHome.id}`)).json().name).toBe('张家客户');
      const edited = await zhang.patch(`/api/v1/customers/${zhangHome.id}`, { version: zhangHome.version, stage: 'active' });
      expect(edited.statusCode, edited.body).toBe(200);
      expect(edited.json()).toMatchObject({ stage: 'active', version: zhangHome.version + 1 });
      expect((await zhang.post(`/api/v1/customers/${zhangHome.id}/reveal`, {})).json().phones).toEqual(['13811110001']);
      expect(names(await zhang.get('/api/v1/customers?q=1111'))).toEqual(['张家客户']);

      const org = await ctx.newCustomer({ kind: 'organization', name: '张家单位' }, zhang);
      const contact = await zhang.post(`/api/v1/customers/${org.id}/contacts`, { name: '张联系人', phones: ['13911110001'] });
      expect(contact.statusCode).toBe(201);
      expect((await zhang.patch(`/api/v1/customers/${org.id}/contacts/${contact.json().id}`, { title: '主任' })).json().title).toBe('主任');
      expect((await zhang.get(`/api/v1/customers/${org.id}/contacts`)).json().items.map((c: { name: string }) => c.name)).toEqual(['张联系人']);
      expect((await zhang.delete(`/api/v1/customers/${org.id}/contacts/${contact.json().id}`)).statusCode).toBe(204);

      expect((await zhang.delete(`/api/v1/customers/${org.id}`)).statusCode).toBe(204);
      expect(names(await zhang.get('/api/v1/customers?deleted=only'))).toEqual(['张家单位']);
      expect((await zhang.post(`/api/v1/customers/${org.id}/restore`)).statusCode).toBe(200);
      const history = (await zhang.get(`/api/v1/customers/${org.id}/history`)).json().items.map((h: { action: string }) => h.action);
      expect(history).toEqual(['restore', 'delete', 'contact_delete', 'contact_update', 'contact_create', 'create']);
    });

    it('cannot assign a customer to an owner outside their scope (403 naming ownerId)', async () => {
      const before = await snapshot(ctx);
      const create = problemOf(await zhang.post('/api/v1/customers', { name: '送给李的客户', ownerId: li.userId }), 403);
      expect(create.errors).toEqual([{ field: 'ownerId', message: '不能把客户分配给你的数据权限范围以外的负责人' }]);
      const current = (await zhang.get(`/api/v1/customers/${zhangHome.id}`)).json() as Customer;
      const move = problemOf(await zhang.lang('en').patch(`/api/v1/customers/${zhangHome.id}`, { version: current.version, ownerId: wang.userId }), 403);
      expect(move.errors).toEqual([{ field: 'ownerId', message: 'You cannot assign the customer to an owner outside your data scope' }]);
      const toTeam = problemOf(await zhang.post('/api/v1/customers', { name: '无主客户', ownerId: null, teamId: south }), 403);
      expect(toTeam.errors.map((e) => e.field)).toEqual(['ownerId']);
      expect(await snapshot(ctx)).toEqual(before);
    });
  });

  describe('an agent with the "team" scope', () => {
    beforeAll(async () => {
      const res = await ctx.admin.patch('/api/v1/roles/agent', { scope: 'team' });
      expect(res.json().scope).toBe('team');
    });

    it('reaches the customers of their team and its sub-teams, not of other teams', async () => {
      expect(names(await zhang.get('/api/v1/customers'))).toEqual(['北区公共客户', '李家单位', '张家单位', '张家客户'].sort());
      expect(names(await zhang.get('/api/v1/customers?deleted=only'))).toEqual(['李家已删客户']);
      expect((await zhang.get(`/api/v1/customers/${liOrg.id}`)).json().ownerName).toBeTruthy();
      expect((await zhang.get(`/api/v1/customers/${liOrg.id}/contacts`)).json().items).toHaveLength(1);
      expect((await zhang.get(`/api/v1/customers/${liOrg.id}/history`)).statusCode).toBe(200);
      expect((await zhang.post(`/api/v1/customers/${liOrg.id}/reveal`, {})).json().contacts[0].phones).toEqual(['13922220002']);
      expect(names(await zhang.get('/api/v1/customers?q=13822220002'))).toEqual(['李家单位']);
      const exported = csvRows(await zhang.get('/api/v1/customers/export.csv')).map((r) => r[2]).sort();
      expect(exported).toEqual(['北区公共客户', '李家单位', '张家单位', '张家客户'].sort());

      problemOf(await zhang.get(`/api/v1/customers/${wangHome.id}`), 404);
      problemOf(await zhang.get(`/api/v1/customers/${wangHome.id}/contacts`), 404);
      expect(names(await zhang.get('/api/v1/customers?q=13833330003'))).toEqual([]);
    });

    it('does not reach up: the sub-team agent does not see the parent team’s customers', async () => {
      expect(names(await li.get('/api/v1/customers'))).toEqual(['李家单位']);
      problemOf(await li.get(`/api/v1/customers/${zhangHome.id}`), 404);
      problemOf(await li.get(`/api/v1/customers/${northShared.id}`), 404);
      expect(names(await wang.get('/api/v1/customers'))).toEqual(['王家客户']);
    });

    it('may edit, and restore, customers in reach', async () => {
      const edited = await zhang.patch(`/api/v1/customers/${liOrg.id}`, { version: liOrg.version, notes: '北区组长跟进' });
      expect(edited.statusCode, edited.body).toBe(200);
      expect(edited.json().ownerId).toBe(li.userId);
      expect((await zhang.post(`/api/v1/customers/${liGone.id}/restore`)).statusCode).toBe(200);
    });

    it('may assign to an owner in reach, but not to one outside (403 naming ownerId)', async () => {
      const current = (await zhang.get(`/api/v1/customers/${zhangHome.id}`)).json() as Customer;
      const out = problemOf(await zhang.patch(`/api/v1/customers/${zhangHome.id}`, { version: current.version, ownerId: wang.userId }), 403);
      expect(out.errors.map((e) => e.field)).toEqual(['ownerId']);
      const moved = await zhang.patch(`/api/v1/customers/${zhangHome.id}`, { version: current.version, ownerId: li.userId });
      expect(moved.statusCode, moved.body).toBe(200);
      expect(moved.json()).toMatchObject({ ownerId: li.userId, teamId: northOne });
      expect(names(await li.get('/api/v1/customers'))).toContain('张家客户');
    });
  });
});

describe('read-only and limited roles', () => {
  let ctx: TestContext;
  let viewer: Client, marketer: Client;
  let person: Customer, org: Customer, gone: Customer;
  let contactId: string, emptyTeam: string, adminTokenId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    viewer = await ctx.newUser({ role: 'viewer', username: 'read.only' });
    marketer = await ctx.newUser({ role: 'marketer', username: 'market.ing' });
    person = await ctx.newCustomer({
      name: '赵敏',
      phones: ['13812345678', '0451-88886666'],
      idNumber: '11010519491231002X',
      address: { city: '哈尔滨市', compound: '阳光小区' },
    });
    org = await ctx.newCustomer({ kind: 'organization', name: '哈尔滨第一中学', phones: ['0451-86661234'] });
    const contact = await ctx.admin.post(`/api/v1/customers/${org.id}/contacts`, { name: '刘老师', phones: ['13900002222'], isPrimary: true });
    contactId = contact.json().id;
    gone = await ctx.newCustomer({ name: '已删除的客户' });
    await ctx.admin.delete(`/api/v1/customers/${gone.id}`);
    emptyTeam = await ctx.newTeam('空班组');
    adminTokenId = (await ctx.admin.post('/api/v1/tokens', { name: '管理员令牌' })).json().id;
  });
  afterAll(() => ctx.close());

  describe('a viewer cannot write: 403 problem+json and nothing written', () => {
    const writes: [string, () => Promise<LightMyRequestResponse>][] = [
      ['POST /customers', () => viewer.post('/api/v1/customers', { name: '观察员新建' })],
      ['PATCH /customers/:id', () => viewer.patch(`/api/v1/customers/${person.id}`, { version: person.version, name: '改名' })],
      ['DELETE /customers/:id', () => viewer.delete(`/api/v1/customers/${person.id}`)],
      ['POST /customers/:id/restore', () => viewer.post(`/api/v1/customers/${gone.id}/restore`)],
      ['POST /customers/:id/contacts', () => viewer.post(`/api/v1/customers/${org.id}/contacts`, { name: '新联系人' })],
      ['PATCH /customers/:id/contacts/:cid', () => viewer.patch(`/api/v1/customers/${org.id}/contacts/${contactId}`, { name: '改名' })],
      ['DELETE /customers/:id/contacts/:cid', () => viewer.delete(`/api/v1/customers/${org.id}/contacts/${contactId}`)],
      [
        'POST /users',
        () => viewer.post('/api/v1/users', { username: 'sneaky', displayName: '偷建', password: 'Sneaky2024', roleKey: 'admin' }),
      ],
      ['PATCH /users/:id (self promotion)', () => viewer.patch(`/api/v1/users/${viewer.userId}`, { roleKey: 'admin' })],
      ['POST /users/:id/password', () => viewer.post(`/api/v1/users/${ctx.admin.userId}/password`, { password: 'Hijack2024' })],
      ['POST /teams', () => viewer.post('/api/v1/teams', { name: '偷建班组' })],
      ['PATCH /teams/:id', () => viewer.patch(`/api/v1/teams/${emptyTeam}`, { name: '改名班组' })],
      ['DELETE /teams/:id', () => viewer.delete(`/api/v1/teams/${emptyTeam}`)],
      ['PATCH /roles/:key', () => viewer.patch('/api/v1/roles/viewer', { permissions: ['customer:read', 'customer:write'] })],
      ['POST /tokens', () => viewer.post('/api/v1/tokens', { name: '观察员令牌', permissions: ['customer:read'] })],
      ['DELETE /tokens/:id', () => viewer.delete(`/api/v1/tokens/${adminTokenId}`)],
      ['PATCH /settings', () => viewer.patch('/api/v1/settings', { companyName: '被篡改的公司' })],
    ];
    for (const [label, call] of writes) {
      it(label, async () => {
        const before = await snapshot(ctx);
        const counts = {
          customers: await countRows(ctx.database, 'customers'),
          contacts: await countRows(ctx.database, 'customer_contacts'),
          audit: await countRows(ctx.database, 'audit_log'),
        };
        const p = problemOf(await call(), 403);
        expect(p).toMatchObject({ code: 'forbidden', detail: '没有权限执行此操作' });
        expect(await snapshot(ctx)).toEqual(before);
        expect({
          customers: await countRows(ctx.database, 'customers'),
          contacts: await countRows(ctx.database, 'customer_contacts'),
          audit: await countRows(ctx.database, 'audit_log'),
        }).toEqual(counts);
      });
    }

    it('…and the message is English with Accept-Language: en', async () => {
      expect(problemOf(await viewer.lang('en').post('/api/v1/customers', { name: 'x' }), 403).detail).toBe(
        'You do not have permission to do this',
      );
    });

    it('a viewer can still read', async () => {
      expect(names(await viewer.get('/api/v1/customers'))).toEqual(['哈尔滨第一中学', '赵敏']);
      expect((await viewer.get(`/api/v1/customers/${person.id}/history`)).statusCode).toBe(200);
      expect(problemOf(await viewer.get('/api/v1/audit'), 403).code).toBe('forbidden');
    });
  });

  describe('masking of phone and ID numbers', () => {
    it('viewer and marketer see masked phones and ID numbers in the list and in a customer', async () => {
      for (const who of [viewer, marketer, ctx.admin]) {
        const listed = (await who.get('/api/v1/customers?q=' + encodeURIComponent('赵敏'))).json().items[0] as Customer;
        const one = (await who.get(`/api/v1/customers/${person.id}`)).json() as Customer;
        for (const c of [listed, one]) {
          expect(c.phones).toEqual(['138****5678', '045****6666']);
          expect(c.idNumber).toBe('110***********002X');
          expect(c.piiMasked).toBe(true);
        }
        expect(JSON.stringify(one)).not.toMatch(/13812345678|88886666|11010519491231002X/);
      }
    });

    it('contacts are masked too', async () => {
      for (const who of [viewer, marketer]) {
        const contacts = (await who.get(`/api/v1/customers/${org.id}/contacts`)).json().items;
        expect(contacts).toEqual([expect.objectContaining({ name: '刘老师', phones: ['139****2222'], piiMasked: true })]);
      }
    });

    it('the marketer’s CSV export is masked; the viewer may not export at all', async () => {
      const res = await marketer.get('/api/v1/customers/export.csv');
      const row = csvRows(res).find((r) => r[2] === '赵敏')!;
      expect(row[3]).toBe('138****5678 045****6666');
      expect(row[7]).toBe('110***********002X');
      expect(res.body).not.toMatch(/13812345678|88886666|13900002222|11010519491231002X/);
      expect(problemOf(await viewer.get('/api/v1/customers/export.csv'), 403).code).toBe('forbidden');
      const audit = (await ctx.admin.get(`/api/v1/audit?action=export&actorId=${marketer.userId}`)).json().items;
      expect(audit[0].changes).toMatchObject({ format: 'csv', unmasked: false });
    });

    it('a pii holder’s export has full numbers, headed in the caller’s language', async () => {
      const zh = await ctx.admin.get('/api/v1/customers/export.csv');
      expect(zh.body.startsWith('\uFEFFID,类型,姓名/名称,电话,')).toBe(true);
      expect(csvRows(zh).find((r) => r[2] === '赵敏')!.slice(3, 8)).toEqual(['13812345678 045188886666', '', '', '', '11010519491231002X']);
      const en = await ctx.admin.lang('en').get('/api/v1/customers/export.csv');
      expect(en.body.split('\r\n')[0]).toContain('ID,Type,Name,Phones,Email');
      expect(en.headers['content-disposition']).toMatch(/^attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"$/);
    });

    it('viewer and marketer reveal → 403 and nothing is audited', async () => {
      const before = await countRows(ctx.database, 'audit_log');
      for (const who of [viewer, marketer]) {
        const p = problemOf(await who.post(`/api/v1/customers/${person.id}/reveal`, { reason: '想看看' }), 403);
        expect(p.code).toBe('forbidden');
      }
      expect(await countRows(ctx.database, 'audit_log')).toBe(before);
    });

    it('a pii holder’s reveal returns full numbers and is audited', async () => {
      const res = await ctx.admin.post(`/api/v1/customers/${person.id}/reveal`, { reason: '客户来电核实' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ phones: ['13812345678', '045188886666'], idNumber: '11010519491231002X', contacts: [] });
      const orgReveal = (await ctx.admin.post(`/api/v1/customers/${org.id}/reveal`, { fields: ['phones'] })).json();
      expect(orgReveal).toEqual({ phones: ['045186661234'], idNumber: null, contacts: [{ id: contactId, phones: ['13900002222'] }] });
      const idOnly = (await ctx.admin.post(`/api/v1/customers/${person.id}/reveal`, { fields: ['idNumber'] })).json();
      expect(idOnly).toEqual({ phones: null, idNumber: '11010519491231002X', contacts: [] });

      const audit = (await ctx.admin.get(`/api/v1/audit?action=reveal&entityId=${person.id}`)).json().items;
      expect(audit).toHaveLength(2);
      expect(audit[1]).toMatchObject({
        action: 'reveal',
        entityType: 'customer',
        actorId: ctx.admin.userId,
        changes: { fields: ['phones', 'idNumber'], reason: '客户来电核实' },
      });
      const history = (await ctx.admin.get(`/api/v1/customers/${person.id}/history`)).json().items;
      expect(history[0]).toMatchObject({ action: 'reveal', changes: { fields: ['idNumber'] } });
    });

    it('history and the audit log never store full phone or ID numbers', async () => {
      const current = (await ctx.admin.get(`/api/v1/customers/${person.id}`)).json() as Customer;
      const edit = await ctx.admin.patch(`/api/v1/customers/${person.id}`, {
        version: current.version,
        phones: ['137 1234 0000'],
        idNumber: '230102198805060017',
      });
      expect(edit.statusCode, edit.body).toBe(200);
      await ctx.admin.patch(`/api/v1/customers/${org.id}/contacts/${contactId}`, { phones: ['13900003333'] });
      // Exporting a search for a full number must not write that number into the log either.
      expect((await ctx.admin.get('/api/v1/customers/export.csv?q=13712340000')).statusCode).toBe(200);
      expect((await marketer.get('/api/v1/customers/export.csv?q=%2B86%20137-1234-0000')).statusCode).toBe(200);
      const exports = (await ctx.admin.get('/api/v1/audit?action=export&limit=2')).json().items;
      expect(exports.map((e: { changes: { filters: { q: string } } }) => e.changes.filters.q)).toEqual(['137****0000', '137****0000']);

      const history = (await ctx.admin.get(`/api/v1/customers/${person.id}/history`)).json().items;
      const update = history.find((h: { action: string }) => h.action === 'update');
      expect(update.changes).toEqual({
        phones: [['138****5678', '045****6666'], ['137****0000']],
        idNumber: ['110***********002X', '230***********0017'],
      });
      const create = history.find((h: { action: string }) => h.action === 'create');
      expect(create.changes.phones).toEqual([null, ['138****5678', '045****6666']]);
      const orgHistory = (await ctx.admin.get(`/api/v1/customers/${org.id}/history`)).json().items;
      expect(orgHistory[0]).toMatchObject({
        action: 'contact_update',
        changes: { before: { phones: ['139****2222'] }, after: { phones: ['139****3333'] } },
      });

      const all = (await ctx.database.db.execute(sql`select coalesce(changes::text, '') as c from audit_log`)) as unknown as {
        rows: { c: string }[];
      };
      const full = /13812345678|88886666|86661234|13900002222|13900003333|13712340000|1371234|11010519491231002X|230102198805060017/;
      expect(all.rows.filter((r) => full.test(r.c.replace(/[\s-]/g, ''))).map((r) => r.c)).toEqual([]);
    });
  });
});
