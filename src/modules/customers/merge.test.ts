/**
 * Duplicate customers: finding them (phone, email, ID number, similar name at the same address), dismissing a pair,
 * merging (chosen values, moved transactions and contacts, combined tags and phones, audit on both) and undoing it.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { problemOf, ok } from '../../test/http.js';

type Customer = Record<string, any>;
type Pair = { a: Customer; b: Customer; reasons: string[] };

describe('duplicate customers', () => {
  let ctx: TestContext;
  const home = { city: '哈尔滨市', compound: '幸福家园', building: '3号楼', unit: '2单元', room: '501' };

  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  /** Every pair the client is offered, as "name + name: reasons", walking all pages. */
  async function pairs(client: Client = ctx.admin, query = ''): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Pair[]; nextCursor: string | null } = ok(
        await client.get(`/api/v1/customers/duplicates?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`),
      );
      for (const p of page.items) out.push(`${[p.a.name, p.b.name].sort().join(' + ')}: ${p.reasons.join(',')}`);
      cursor = page.nextCursor;
    } while (cursor);
    return out.sort();
  }

  const get = async (id: string): Promise<Customer> => ok(await ctx.admin.get(`/api/v1/customers/${id}`));
  const history = async (id: string) => ok<{ items: { action: string; changes: any; actorName: string }[] }>(await ctx.admin.get(`/api/v1/customers/${id}/history`)).items;

  describe('finding', () => {
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const make = async (key: string, body: Record<string, unknown>) => (ids[key] = (await ctx.newCustomer(body)).id);
      await make('phone1', { name: '赵明', phones: ['13811112222'] });
      await make('phone2', { name: '赵明明', phones: ['0451-88886666', '+86 138 1111 2222'] });
      await make('email1', { name: '钱一', email: 'Qian@Example.com' });
      await make('email2', { name: '钱二', email: 'qian@example.com' });
      await make('id1', { name: '孙甲', idType: 'resident', idNumber: '11010519491231002X' });
      await make('id2', { name: '孙乙', idType: 'resident', idNumber: '11010519491231002x' });
      await make('org1', { kind: 'organization', name: '哈尔滨热力设备有限公司', address: { city: '哈尔滨市', street: '红旗大街 88 号' } });
      await make('org2', { kind: 'organization', name: '哈尔滨热力设备公司', address: { city: '哈尔滨市', street: '红旗大街88号' } });
      await make('home1', { name: '李建国', address: home });
      await make('home2', { name: '李建国', address: { ...home, building: '3 号楼' } });
      // Same address, other people (a household): not duplicates. Same name, other room: not duplicates.
      await make('spouse', { name: '王秀英', address: home });
      await make('neighbour', { name: '李建国', address: { ...home, room: '502' } });
      // Both: same phone and same email.
      await make('both1', { name: '周一', phones: ['13900001111'], email: 'zhou@example.com' });
      await make('both2', { name: '周二', phones: ['13900001111'], email: 'ZHOU@example.com' });
    });

    it('offers pairs sharing a phone, an email, an ID number, or a similar name at the same address, with the reasons', async () => {
      expect(await pairs()).toEqual(
        [
          '赵明 + 赵明明: phone',
          '钱一 + 钱二: email',
          '孙乙 + 孙甲: id_number',
          '哈尔滨热力设备公司 + 哈尔滨热力设备有限公司: name_address',
          '李建国 + 李建国: name_address',
          '周一 + 周二: email,phone',
        ].sort(),
      );
      expect(await pairs(ctx.admin, '&reason=email')).toEqual(['周一 + 周二: email,phone', '钱一 + 钱二: email'].sort());
    });

    it('masks phones and ID numbers like the rest of the API', async () => {
      const page: { items: Pair[] } = ok(await ctx.admin.get('/api/v1/customers/duplicates?limit=100'));
      const phone = page.items.find((p) => p.reasons.includes('phone') && [p.a.id, p.b.id].includes(ids.phone1!))!;
      const other = phone.a.id === ids.phone1 ? phone.b : phone.a;
      expect(other.phones).toEqual(['045****6666', '138****2222']);
      expect(other.piiMasked).toBe(true);
      const id = page.items.find((p) => p.reasons.includes('id_number'))!;
      expect([id.a.idNumber, id.b.idNumber]).toEqual(['110***********002X', '110***********002X']);
      expect(JSON.stringify(page)).not.toContain('13811112222');
      problemOf(await ctx.admin.get('/api/v1/customers/duplicates?cursor=bm9wZQ'), 400);
      problemOf(await ctx.admin.get('/api/v1/customers/duplicates?reason=name'), 400);
    });

    it('leaves out values shared by many customers (switchboards, placeholders) and deleted customers', async () => {
      const shared: string[] = [];
      for (let i = 0; i < 21; i++) shared.push((await ctx.newCustomer({ name: `总机客户${i}`, phones: ['045155550000'] })).id);
      expect((await pairs()).filter((p) => p.includes('总机'))).toEqual([]);
      for (const id of shared) expect((await ctx.admin.delete(`/api/v1/customers/${id}`)).statusCode).toBe(204);

      const extra = await ctx.newCustomer({ name: '赵明', phones: ['13811112222'] });
      expect((await pairs()).filter((p) => p.startsWith('赵明 + 赵明:'))).toEqual(['赵明 + 赵明: phone']);
      expect((await ctx.admin.delete(`/api/v1/customers/${extra.id}`)).statusCode).toBe(204);
      expect((await pairs()).filter((p) => p.startsWith('赵明 + 赵明:'))).toEqual([]);
    });

    it('offers only pairs inside the caller’s data scope', async () => {
      const agent = await ctx.newUser({ role: 'agent' });
      // One of the agent's own customers shares a phone with one outside the scope, two share an email.
      await ctx.newCustomer({ name: '吴自己', phones: ['13811112222'] }, agent);
      await ctx.newCustomer({ name: '吴甲', email: 'wu@example.com' }, agent);
      await ctx.newCustomer({ name: '吴乙', email: 'wu@example.com' }, agent);
      expect(await pairs(agent)).toEqual(['吴乙 + 吴甲: email']);
      // The administrator sees all of them.
      expect((await pairs()).filter((p) => p.includes('吴'))).toEqual(
        ['吴乙 + 吴甲: email', '吴自己 + 赵明: phone', '吴自己 + 赵明明: phone'].sort(),
      );
      const viewer = await ctx.newUser({ role: 'viewer' });
      expect((await pairs(viewer)).length).toBeGreaterThan(0);
      problemOf(await ctx.anon.get('/api/v1/customers/duplicates'), 401);
    });

    it('dismisses a pair as "not duplicates": stored, audited on both, not offered again', async () => {
      const res = await ctx.admin.post('/api/v1/customers/duplicates/dismiss', { customerId: ids.email2, otherId: ids.email1 });
      expect(res.statusCode, res.body).toBe(204);
      expect(await pairs()).not.toContain('钱一 + 钱二: email');
      expect(await countRows(ctx.database, 'customer_duplicate_dismissals')).toBe(1);
      for (const [id, other] of [[ids.email1!, ids.email2!], [ids.email2!, ids.email1!]] as const) {
        const h = await history(id);
        expect(h[0]).toMatchObject({ action: 'duplicate_dismiss', changes: { otherId: other }, actorName: '系统管理员' });
      }
      // Again: nothing new.
      const audit = await countRows(ctx.database, 'audit_log');
      expect((await ctx.admin.post('/api/v1/customers/duplicates/dismiss', { customerId: ids.email1, otherId: ids.email2 })).statusCode).toBe(204);
      expect(await countRows(ctx.database, 'audit_log')).toBe(audit);

      const same = problemOf(await ctx.admin.post('/api/v1/customers/duplicates/dismiss', { customerId: ids.email1, otherId: ids.email1 }), 400);
      expect(same.errors).toEqual([{ field: 'otherId', message: '不能选择同一位客户两次' }]);
      const viewer = await ctx.newUser({ role: 'viewer' });
      problemOf(await viewer.post('/api/v1/customers/duplicates/dismiss', { customerId: ids.id1, otherId: ids.id2 }), 403);
      expect(await countRows(ctx.database, 'customer_duplicate_dismissals')).toBe(1);
    });
  });

  describe('merging and undoing', () => {
    let survivor: Customer, merged: Customer;
    let survivorBefore: Customer, mergedBefore: Customer;
    let mergeId: string;
    const contactsOf = async (id: string) =>
      ok<{ items: { id: string; name: string; isPrimary: boolean }[] }>(await ctx.admin.get(`/api/v1/customers/${id}/contacts`)).items;
    const summaryOf = async (id: string) => ok<{ count: number; lifetimeSpendFen: number }>(await ctx.admin.get(`/api/v1/customers/${id}/transactions/summary`));
    const txIds = async (id: string, deleted = 'exclude') =>
      ok<{ items: { id: string }[] }>(await ctx.admin.get(`/api/v1/customers/${id}/transactions?deleted=${deleted}&limit=200`)).items.map((t) => t.id).sort();
    const addTx = async (id: string, body: Record<string, unknown>) => ok<{ id: string }>(await ctx.admin.post(`/api/v1/customers/${id}/transactions`, body), 201).id;
    let survivorTx: string[], mergedTx: string[], mergedDeletedTx: string[];

    beforeAll(async () => {
      survivor = await ctx.newCustomer({
        kind: 'organization',
        name: '华北热力有限公司',
        phones: ['13700001111'],
        tags: ['VIP', '重点'],
        address: { city: '石家庄市', street: '中山路 1 号' },
        stage: 'active',
        notes: '老客户',
      });
      merged = await ctx.newCustomer({
        kind: 'organization',
        name: '华北热力公司',
        phones: ['13700001111', '031188887777'],
        email: 'huabei@example.com',
        tags: ['欠费', 'VIP'],
        address: { city: '石家庄市', street: '中山路1号' },
        stage: 'at_risk',
        notes: '重复录入',
      });
      ok(await ctx.admin.post(`/api/v1/customers/${survivor.id}/contacts`, { name: '甲联系人', isPrimary: true }), 201);
      ok(await ctx.admin.post(`/api/v1/customers/${merged.id}/contacts`, { name: '乙联系人', isPrimary: true }), 201);
      ok(await ctx.admin.post(`/api/v1/customers/${merged.id}/contacts`, { name: '丙联系人' }), 201);
      await addTx(survivor.id, { occurredAt: '2024-10-01', type: 'purchase', amountFen: 10_000 });
      await addTx(merged.id, { occurredAt: '2024-11-01', type: 'payment', amountFen: 2_856_000, heatingSeason: '2024-2025' });
      await addTx(merged.id, { occurredAt: '2024-12-01', type: 'refund', amountFen: 50_000 });
      const gone = await addTx(merged.id, { occurredAt: '2024-12-02', type: 'purchase', amountFen: 999 });
      expect((await ctx.admin.delete(`/api/v1/transactions/${gone}`)).statusCode).toBe(204);
      survivorTx = await txIds(survivor.id);
      mergedTx = await txIds(merged.id);
      mergedDeletedTx = await txIds(merged.id, 'only');
      survivorBefore = await get(survivor.id);
      mergedBefore = await get(merged.id);
    });

    it('refuses bad input with 400 naming the field in zh-CN and English, writing nothing', async () => {
      const before = { merges: await countRows(ctx.database, 'customer_merges'), audit: await countRows(ctx.database, 'audit_log') };
      const missing = problemOf(await ctx.admin.post('/api/v1/customers/merge', {}), 400);
      expect(missing.errors.map((e) => e.field).sort()).toEqual(['mergedId', 'mergedVersion', 'survivorId', 'survivorVersion']);
      expect(missing.errors.find((e) => e.field === 'survivorId')!.message).toBe('「保留的客户」为必填项');
      const missingEn = problemOf(await ctx.admin.lang('en').post('/api/v1/customers/merge', {}), 400);
      expect(missingEn.errors.find((e) => e.field === 'mergedId')!.message).toBe('"Customer to merge" is required');

      const base = { survivorId: survivor.id, mergedId: merged.id, survivorVersion: survivor.version, mergedVersion: merged.version };
      const twice = problemOf(await ctx.admin.post('/api/v1/customers/merge', { ...base, mergedId: survivor.id }), 400);
      expect(twice.errors).toEqual([{ field: 'mergedId', message: '不能选择同一位客户两次' }]);
      const twiceEn = problemOf(await ctx.admin.lang('en').post('/api/v1/customers/merge', { ...base, mergedId: survivor.id }), 400);
      expect(twiceEn.errors).toEqual([{ field: 'mergedId', message: 'The same customer cannot be chosen twice' }]);

      const unknown = problemOf(await ctx.admin.post('/api/v1/customers/merge', { ...base, values: { name: 'merged', colour: 'merged' } }), 400);
      expect(unknown.errors).toEqual([{ field: 'values.colour', message: '不认识的字段「values.colour」' }]);
      const unknownEn = problemOf(await ctx.admin.lang('en').post('/api/v1/customers/merge', { ...base, values: { colour: 'merged' } }), 400);
      expect(unknownEn.errors).toEqual([{ field: 'values.colour', message: 'Unknown field "values.colour"' }]);
      const badChoice = problemOf(await ctx.admin.post('/api/v1/customers/merge', { ...base, values: { name: 'both' } }), 400);
      expect(badChoice.errors[0]).toMatchObject({ field: 'values.name', message: '「姓名/名称」的取值无效，可选：survivor / merged' });
      problemOf(await ctx.admin.post('/api/v1/customers/merge', { ...base, survivorId: 'nope' }), 400);

      expect(await countRows(ctx.database, 'customer_merges')).toBe(before.merges);
      expect(await countRows(ctx.database, 'audit_log')).toBe(before.audit);
      expect(await get(merged.id)).toEqual(mergedBefore);
    });

    it('refuses a stale version with 409, and a viewer with 403, writing nothing', async () => {
      const base = { survivorId: survivor.id, mergedId: merged.id, survivorVersion: survivor.version, mergedVersion: merged.version };
      const stale = problemOf(await ctx.admin.post('/api/v1/customers/merge', { ...base, mergedVersion: merged.version + 1 }), 409);
      expect(stale.errors[0]!.field).toBe('mergedVersion');
      expect(stale.detail).toContain('已被他人修改');
      problemOf(await ctx.admin.post('/api/v1/customers/merge', { ...base, survivorVersion: 99 }), 409);
      const viewer = await ctx.newUser({ role: 'viewer' });
      problemOf(await viewer.post('/api/v1/customers/merge', base), 403);
      // customer:write alone is not enough.
      const agent = await ctx.newUser({ role: 'agent' });
      problemOf(await agent.post('/api/v1/customers/merge', base), 403);
      expect(await countRows(ctx.database, 'customer_merges')).toBe(0);
      expect(await get(survivor.id)).toEqual(survivorBefore);
    });

    it('merges: chosen values, combined phones and tags, transactions and contacts moved, the other soft-deleted, audited on both', async () => {
      const res = await ctx.admin.post('/api/v1/customers/merge', {
        survivorId: survivor.id,
        mergedId: merged.id,
        survivorVersion: survivor.version,
        mergedVersion: merged.version,
        values: { name: 'merged', stage: 'survivor', notes: 'survivor' },
      });
      const body = ok<{ merge: any; survivor: Customer }>(res);
      mergeId = body.merge.id;
      expect(body.merge).toMatchObject({
        survivorId: survivor.id,
        mergedId: merged.id,
        survivorName: '华北热力公司',
        mergedName: '华北热力公司',
        moved: { contacts: 2, transactions: 3 },
        mergedByName: '系统管理员',
        undoneAt: null,
        undoable: true,
      });
      expect(body.merge.choices).toMatchObject({ name: 'merged', stage: 'survivor', notes: 'survivor', email: 'merged', address: 'survivor' });
      expect(body.survivor).toMatchObject({
        id: survivor.id,
        name: '华北热力公司',
        phones: ['137****1111', '031****7777'],
        email: 'huabei@example.com', // the survivor had none: the duplicate's by default
        tags: ['VIP', '重点', '欠费'],
        stage: 'active',
        notes: '老客户',
        address: { city: '石家庄市', street: '中山路 1 号' },
        version: survivor.version + 1,
        deletedAt: null,
        mergedIntoId: null,
      });
      expect(await get(survivor.id)).toEqual(body.survivor);

      // The duplicate: soft-deleted, marked, out of the list; its values untouched.
      const gone = await get(merged.id);
      expect(gone.deletedAt).not.toBeNull();
      expect(gone.mergedIntoId).toBe(survivor.id);
      expect({ ...gone, deletedAt: null, mergedIntoId: null, version: 0, updatedAt: '' }).toEqual({ ...mergedBefore, version: 0, updatedAt: '' });
      const list = ok<{ items: Customer[] }>(await ctx.admin.get('/api/v1/customers?q=华北热力&limit=50')).items;
      expect(list.map((c) => c.id)).toEqual([survivor.id]);

      // Transactions (the deleted one too) now belong to the survivor: list and lifetime figures.
      expect(await txIds(survivor.id)).toEqual([...survivorTx, ...mergedTx].sort());
      expect(await txIds(survivor.id, 'only')).toEqual(mergedDeletedTx);
      expect(await txIds(merged.id)).toEqual([]);
      expect(await summaryOf(survivor.id)).toMatchObject({ count: 2, lifetimeSpendFen: 10_000 + 2_856_000 - 50_000 });

      // Contacts moved; the survivor keeps one primary contact.
      const contacts = await contactsOf(survivor.id);
      expect(contacts.map((c) => c.name).sort()).toEqual(['丙联系人', '乙联系人', '甲联系人']);
      expect(contacts.filter((c) => c.isPrimary).map((c) => c.name)).toEqual(['甲联系人']);

      // Audited on both customers, with the actor.
      const hs = await history(survivor.id);
      expect(hs[0]).toMatchObject({ action: 'merge', actorName: '系统管理员', changes: { mergeId, mergedId: merged.id, moved: { contacts: 2, transactions: 3 } } });
      expect(hs[0]!.changes.fields.name).toEqual(['华北热力有限公司', '华北热力公司']);
      expect(hs[0]!.changes.fields.phones).toEqual([['137****1111'], ['137****1111', '031****7777']]);
      const hm = await history(merged.id);
      expect(hm[0]).toMatchObject({ action: 'merged_into', actorName: '系统管理员', changes: { mergeId, survivorId: survivor.id } });

      // The duplicate cannot be written to, nor restored except by undoing the merge.
      problemOf(await ctx.admin.post(`/api/v1/customers/${merged.id}/transactions`, { occurredAt: '2024-12-03', type: 'payment', amountFen: 1 }), 404);
      const restore = problemOf(await ctx.admin.post(`/api/v1/customers/${merged.id}/restore`), 409);
      expect(restore.detail).toBe('该客户已合并到其他客户；请撤销那次合并来恢复它');
      // …and is no longer offered as a duplicate.
      expect((await pairs()).filter((p) => p.includes('华北'))).toEqual([]);

      const one = ok(await ctx.admin.get(`/api/v1/customers/merges/${mergeId}`));
      expect(one).toEqual(body.merge);
      const listed = ok<{ items: any[] }>(await ctx.admin.get(`/api/v1/customers/merges?customerId=${merged.id}`));
      expect(listed.items.map((m) => m.id)).toEqual([mergeId]);
    });

    it('undoes the merge: both customers as they were, everything moved back, audited on both; only once', async () => {
      const res = await ctx.admin.post(`/api/v1/customers/merges/${mergeId}/undo`);
      const body = ok<{ merge: any; survivor: Customer; merged: Customer }>(res);
      expect(body.merge).toMatchObject({ id: mergeId, undoable: false, undoneByName: '系统管理员' });
      expect(body.merge.undoneAt).not.toBeNull();

      // Exactly as before, but for the version (which moves on, so forms opened meanwhile are stale) and updatedAt.
      const strip = (c: Customer) => ({ ...c, version: 0, updatedAt: '' });
      const s = await get(survivor.id);
      const m = await get(merged.id);
      expect(strip(s)).toEqual(strip(survivorBefore));
      expect(strip(m)).toEqual(strip(mergedBefore));
      expect(s.version).toBeGreaterThan(survivorBefore.version);
      expect(body.survivor).toEqual(s);
      expect(body.merged).toEqual(m);
      const stored = (await ctx.database.db.execute(sql`select phones from customers where id = ${survivor.id}::uuid`)) as unknown as { rows: { phones: string[] }[] };
      expect(stored.rows[0]!.phones).toEqual(['+8613700001111']);

      expect(await txIds(survivor.id)).toEqual(survivorTx);
      expect(await txIds(merged.id)).toEqual(mergedTx);
      expect(await txIds(merged.id, 'only')).toEqual(mergedDeletedTx);
      expect(await summaryOf(survivor.id)).toMatchObject({ count: 1, lifetimeSpendFen: 10_000 });
      expect(await summaryOf(merged.id)).toMatchObject({ count: 1, lifetimeSpendFen: 2_856_000 - 50_000 });
      expect((await contactsOf(survivor.id)).map((c) => [c.name, c.isPrimary])).toEqual([['甲联系人', true]]);
      expect((await contactsOf(merged.id)).map((c) => [c.name, c.isPrimary]).sort()).toEqual([['丙联系人', false], ['乙联系人', true]].sort());

      expect((await history(survivor.id))[0]).toMatchObject({ action: 'merge_undo', changes: { mergeId } });
      expect((await history(merged.id))[0]).toMatchObject({ action: 'merge_undo', changes: { mergeId } });
      expect(await pairs()).toContain('华北热力公司 + 华北热力有限公司: name_address,phone');

      const again = problemOf(await ctx.admin.post(`/api/v1/customers/merges/${mergeId}/undo`), 409);
      expect(again.detail).toBe('这次合并已经撤销过了');
      problemOf(await ctx.admin.post('/api/v1/customers/merges/5b0c7a9e-3d1f-4c2a-9e8b-7f6a5d4c3b2a/undo'), 404);
    });

    it('refuses to undo once the survivor has changed since the merge', async () => {
      const a = await ctx.newCustomer({ name: '陈立', phones: ['13600001234'] });
      const b = await ctx.newCustomer({ name: '陈立', phones: ['13600001234'], notes: '重复' });
      const { merge } = ok(
        await ctx.admin.post('/api/v1/customers/merge', { survivorId: a.id, mergedId: b.id, survivorVersion: a.version, mergedVersion: b.version }),
      );
      const after = await get(a.id);
      ok(await ctx.admin.patch(`/api/v1/customers/${a.id}`, { version: after.version, notes: '合并后修改' }));
      expect(ok(await ctx.admin.get(`/api/v1/customers/merges/${merge.id}`)).undoable).toBe(false);
      const refused = problemOf(await ctx.admin.post(`/api/v1/customers/merges/${merge.id}/undo`), 409);
      expect(refused.detail).toBe('合并后「陈立」又被修改或删除过，不能再撤销这次合并');
      expect((await get(b.id)).deletedAt).not.toBeNull();
    });

    it('an external id taken over from the duplicate goes back to it on undo', async () => {
      const a = await ctx.newCustomer({ name: '郑强' });
      const b = await ctx.newCustomer({ name: '郑强' });
      await ctx.database.db.execute(sql`update customers set external_id = 'HU-0001' where id = ${b.id}::uuid`);
      const { merge } = ok(
        await ctx.admin.post('/api/v1/customers/merge', { survivorId: a.id, mergedId: b.id, survivorVersion: a.version, mergedVersion: b.version }),
      );
      expect(merge.choices.externalId).toBe('merged');
      const externalIds = async () =>
        ((await ctx.database.db.execute(sql`select id, external_id from customers where id in (${a.id}::uuid, ${b.id}::uuid)`)) as unknown as {
          rows: { id: string; external_id: string | null }[];
        }).rows.reduce<Record<string, string | null>>((o, r) => ({ ...o, [r.id === a.id ? 'a' : 'b']: r.external_id }), {});
      expect(await externalIds()).toEqual({ a: 'HU-0001', b: null });
      ok(await ctx.admin.post(`/api/v1/customers/merges/${merge.id}/undo`));
      expect(await externalIds()).toEqual({ a: null, b: 'HU-0001' });
    });

    it('keeps to the data scope (out of scope → 404) and to the personal-data permission', async () => {
      // An own-scope role that may merge: the agent role with customer:delete added.
      const roles = ok<{ items: { key: string; permissions: string[] }[] }>(await ctx.admin.get('/api/v1/roles')).items;
      const agentRole = roles.find((r) => r.key === 'agent')!;
      ok(await ctx.admin.patch('/api/v1/roles/agent', { permissions: [...agentRole.permissions, 'customer:delete'] }));
      const agent = await ctx.newUser({ role: 'agent' });
      const mine = await ctx.newCustomer({ name: '冯一', phones: ['13500001111'] }, agent);
      const mine2 = await ctx.newCustomer({ name: '冯一', phones: ['13500001111'] }, agent);
      const theirs = await ctx.newCustomer({ name: '冯一', phones: ['13500001111'] });
      const before = await countRows(ctx.database, 'customer_merges');
      const out = problemOf(
        await agent.post('/api/v1/customers/merge', { survivorId: mine.id, mergedId: theirs.id, survivorVersion: mine.version, mergedVersion: theirs.version }),
        404,
      );
      expect(out.errors).toEqual([{ field: 'mergedId', message: '找不到该客户' }]);
      problemOf(await agent.post('/api/v1/customers/duplicates/dismiss', { customerId: mine.id, otherId: theirs.id }), 404);
      expect(await countRows(ctx.database, 'customer_merges')).toBe(before);

      const { merge } = ok(
        await agent.post('/api/v1/customers/merge', { survivorId: mine.id, mergedId: mine2.id, survivorVersion: mine.version, mergedVersion: mine2.version }),
      );
      // A merge of customers outside the scope is not found, nor listed.
      const other = await ctx.newCustomer({ name: '冯二', email: 'feng@example.com' });
      const other2 = await ctx.newCustomer({ name: '冯二', email: 'feng@example.com' });
      const { merge: adminMerge } = ok(
        await ctx.admin.post('/api/v1/customers/merge', { survivorId: other.id, mergedId: other2.id, survivorVersion: other.version, mergedVersion: other2.version }),
      );
      problemOf(await agent.post(`/api/v1/customers/merges/${adminMerge.id}/undo`), 404);
      problemOf(await agent.get(`/api/v1/customers/merges/${adminMerge.id}`), 404);
      expect(ok<{ items: { id: string }[] }>(await agent.get('/api/v1/customers/merges')).items.map((m) => m.id)).toEqual([merge.id]);
      ok(await agent.post(`/api/v1/customers/merges/${merge.id}/undo`));

      // Without the personal-data permission, a merge that changes the survivor's phones is refused.
      ok(await ctx.admin.patch('/api/v1/roles/agent', { permissions: [...agentRole.permissions.filter((p) => p !== 'customer:pii'), 'customer:delete'] }));
      const noPii = await ctx.newUser({ role: 'agent' });
      const p1 = await ctx.newCustomer({ name: '蒋一', phones: ['13400001111'] }, noPii);
      const p2 = await ctx.newCustomer({ name: '蒋一', phones: ['13400002222'] }, noPii);
      const pii = problemOf(
        await noPii.post('/api/v1/customers/merge', { survivorId: p1.id, mergedId: p2.id, survivorVersion: p1.version, mergedVersion: p2.version }),
        403,
      );
      expect(pii.errors[0]!.field).toBe('phones');
      expect((await get(p2.id)).deletedAt).toBeNull();
      ok(await ctx.admin.patch('/api/v1/roles/agent', { permissions: agentRole.permissions }));
    });
  });
});
