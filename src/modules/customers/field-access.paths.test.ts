/**
 * Field-level access (issue #18, 字段权限) on the paths beside the customer record: a role with phones, email, ID number
 * and address hidden
 * - gets no recipient of a message to such a customer — not in a customer's messages, the outbox, a message, the send's
 *   answer, a template's preview or the timeline (the recipient is the phone or the email);
 * - finds nobody by text that occurs only in a hidden field — the customer list's `q` (both the bigram and the trigram
 *   path), its export and the global search — while the name still finds the customer;
 * - cannot save or preview a segment whose rule filters on a hidden field (403 problem+json naming the condition's
 *   field), is not offered those fields, and cannot fill a list by phones it may not see.
 * The same requests by the administrator (and by the role once the grants are back to the default) show and find
 * what was hidden: the checks are not vacuous.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { hideFields } from '../../test/field-grants.js';
import { ok, problemOf } from '../../test/http.js';

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid resident ID whose check character is X. */
function residentIdEndingX(region: string, birth: string): string {
  for (let seq = 100; seq < 1000; seq++) {
    const body = `${region}${birth}${seq}`;
    if ('10X98765432'[[...body].reduce((sum, d, i) => sum + Number(d) * W[i]!, 0) % 11] === 'X') return `${body}X`;
  }
  throw new Error('no sequence gives X');
}

const ID = residentIdEndingX('230107', '19720815');
const PHONE = '13955550001';
const MASKED = '139****0001';
const EMAIL = 'qiaolu.hidden@example.com';
/** Every form the recipient could leak in. */
const NEEDLES = [PHONE, MASKED, '+8613955550001', EMAIL];
const leaks = (text: string) => NEEDLES.filter((n) => text.includes(n));

describe('field grants beside the customer record', () => {
  let ctx: TestContext;
  let mgr: Client;
  let customerId: string;
  let smsTemplate: string;
  const messageIds: string[] = [];

  /** The manager role: every field editable but the hidden ones. */
  const grants = (hidden: string[] | null) => hideFields(ctx.admin, 'manager', hidden);

  beforeAll(async () => {
    ctx = await createTestContext();
    const c = await ctx.newCustomer({
      name: '乔路甲',
      phones: [PHONE],
      email: EMAIL,
      idNumber: ID,
      address: { city: '牡丹江市', compound: '秘园小区', building: '7', unit: '1', room: '302' },
      consent: { sms: true, email: true },
      custom: { heated_area: 88.5 },
    });
    customerId = c.id;
    for (const body of [{ channel: 'sms', body: '您好，供暖通知' }, { channel: 'email', subject: '通知', body: '您好' }]) {
      messageIds.push(ok(await ctx.admin.post(`/api/v1/customers/${customerId}/messages`, body), 201).id);
    }
    // Sent, so the timeline shows them.
    await ctx.database.db.execute(sql`update messages set status = 'sent', sent_at = now() where customer_id = ${customerId}`);
    smsTemplate = ok(await ctx.admin.post('/api/v1/message-templates', { name: '乔路通知', channel: 'sms', category: 'care', bodyZh: '{{name}}您好' }), 201).id;
    // The manager may see the outbox too, for this test.
    const roles = ok(await ctx.admin.get('/api/v1/roles')).items as { key: string; permissions: string[] }[];
    ok(await ctx.admin.patch('/api/v1/roles/manager', { permissions: [...roles.find((r) => r.key === 'manager')!.permissions, 'message:manage'] }));
    mgr = await ctx.newUser({ role: 'manager', username: 'paths.mgr' });
  });
  afterAll(async () => ctx?.close());

  describe('messages', () => {
    const reads = () => [
      `/api/v1/customers/${customerId}/messages`,
      '/api/v1/messages',
      `/api/v1/messages?customerId=${customerId}`,
      ...messageIds.map((id) => `/api/v1/messages/${id}`),
      `/api/v1/customers/${customerId}/timeline`,
    ];

    it('a role that does not see phones or email gets no recipient from any message path', async () => {
      await grants(['phones', 'email', 'idNumber', 'address']);
      for (const url of reads()) {
        const res = await mgr.get(url);
        expect(res.statusCode, `${url} ${res.body.slice(0, 200)}`).toBe(200);
        expect(leaks(res.body), url).toEqual([]);
      }
      const list = ok(await mgr.get(`/api/v1/customers/${customerId}/messages`));
      expect(list.items).toHaveLength(2);
      expect(list.items.map((m: { recipient: string }) => m.recipient)).toEqual(['', '']);
      // The send's answer (the send report of one message) and a template's preview.
      const sent = ok(await mgr.post(`/api/v1/customers/${customerId}/messages`, { channel: 'sms', category: 'transactional', body: '再次通知' }), 201);
      expect(sent.recipient).toBe('');
      expect(sent.status).toBe('queued'); // it still goes out: only what the role is shown changes
      expect(leaks(JSON.stringify(sent))).toEqual([]);
      const preview = ok(await mgr.post(`/api/v1/message-templates/${smsTemplate}/preview`, { customerId }));
      expect(preview).toMatchObject({ recipient: null, recipientHidden: true, body: '乔路甲您好' });
      expect(leaks(JSON.stringify(preview))).toEqual([]);
    });

    it('each channel follows its own field: phones seen, email hidden', async () => {
      await grants(['email']);
      const items = ok(await mgr.get(`/api/v1/customers/${customerId}/messages?limit=100`)).items as { channel: string; recipient: string }[];
      expect(items.filter((m) => m.channel === 'sms').map((m) => m.recipient)).toEqual([MASKED, MASKED]);
      expect(items.filter((m) => m.channel === 'email').map((m) => m.recipient)).toEqual(['']);
      expect(ok(await mgr.post(`/api/v1/message-templates/${smsTemplate}/preview`, { customerId }))).toMatchObject({ recipient: MASKED });
    });

    it('not vacuous: the administrator, and the role with the default grants, see the recipients', async () => {
      await grants(null);
      for (const who of [ctx.admin, mgr]) {
        const items = ok(await who.get(`/api/v1/customers/${customerId}/messages?limit=100`)).items as { recipient: string }[];
        expect(items.map((m) => m.recipient)).toEqual(expect.arrayContaining([MASKED, EMAIL]));
        expect(ok(await who.get(`/api/v1/messages/${messageIds[0]}`)).recipient).toBe(MASKED);
        expect((await who.get(`/api/v1/customers/${customerId}/timeline`)).body).toContain(MASKED);
        const preview = ok(await who.post(`/api/v1/message-templates/${smsTemplate}/preview`, { customerId }));
        expect(preview.recipient).toBe(MASKED);
        expect(preview).not.toHaveProperty('recipientHidden');
      }
    });
  });

  describe('text search', () => {
    /** Whether the customer is found: the list's q, its CSV export and the global search. */
    async function finds(who: Client, text: string): Promise<{ list: boolean; export: boolean; search: boolean }> {
      const q = encodeURIComponent(text);
      const list = ok(await who.get(`/api/v1/customers?q=${q}`)).items as { id: string }[];
      const csv = await who.get(`/api/v1/customers/export.csv?q=${q}`);
      expect(csv.statusCode, csv.body.slice(0, 200)).toBe(200);
      const search = ok(await who.get(`/api/v1/search?q=${q}`)).groups as { group: string; hits: { id: string }[] }[];
      return {
        list: list.some((c) => c.id === customerId),
        export: csv.body.includes('乔路甲'),
        search: !!search.find((g) => g.group === 'customers')?.hits.some((h) => h.id === customerId),
      };
    }
    const NOT = { list: false, export: false, search: false };
    const YES = { list: true, export: true, search: true };

    it('a role does not find a customer by text only in a field it does not see', async () => {
      await grants(['phones', 'email', 'idNumber', 'address']);
      const hiddenOnly = [
        ['email fragment', 'qiaolu.hidden'],
        ['email domain, two characters', 'qi'],
        ['compound, two characters (bigram)', '秘园'],
        ['compound (trigram)', '秘园小区'],
        ['address run together', '秘园小区7'],
        ['city', '牡丹江'],
        ['phone fragment', '5555000'],
        ['whole phone', PHONE],
        ['ID number fragment', ID.slice(6, 14)],
        ['whole ID number', ID],
      ] as const;
      for (const [what, text] of hiddenOnly) expect(await finds(mgr, text), what).toEqual(NOT);
      // The name is always seen: it still finds the customer, by the same index paths.
      expect(await finds(mgr, '乔路')).toEqual(YES);
      expect(await finds(mgr, '乔路甲')).toEqual(YES);
    });

    it('a field the role sees finds again; the administrator finds by every searchable field', async () => {
      await grants(['phones', 'email', 'idNumber']);
      expect(await finds(mgr, '秘园小区')).toEqual(YES);
      expect(await finds(mgr, '秘园')).toEqual(YES);
      expect(await finds(mgr, 'qiaolu.hidden')).toEqual(NOT);
      for (const text of ['qiaolu.hidden', '秘园', '秘园小区', '牡丹江', '5555000', PHONE]) expect(await finds(ctx.admin, text), text).toEqual(YES);
      await grants(null);
      for (const text of ['qiaolu.hidden', '秘园小区', '5555000']) expect(await finds(mgr, text), text).toEqual(YES);
    });
  });

  describe('segment rules', () => {
    const cityRule = { field: 'customer.city', op: 'eq', value: '牡丹江市' };

    it('a rule over a hidden field is refused (403 naming the condition’s field) when saved or previewed; counts tell nothing', async () => {
      await grants(['phones', 'email', 'idNumber', 'address', 'custom.heated_area']);
      const created = problemOf(await mgr.post('/api/v1/segments', { name: '秘园住户', kind: 'dynamic', rule: cityRule }), 403);
      expect(created.errors).toEqual([{ field: 'rule.field', message: '你的角色无权查看「城市」，规则不能按它筛选' }]);
      const nested = { all: [{ field: 'customer.stage', op: 'in', value: ['new', 'active'] }, { not: { field: 'customer.compound', op: 'eq', value: '秘园小区' } }] };
      const preview = problemOf(await mgr.lang('en').post('/api/v1/segments/preview', { rule: nested }), 403);
      expect(preview.errors[0]!.field).toBe('rule.all.1.not.field');
      expect(preview.errors[0]!.message).toMatch(/may not see .*Compound.*cannot filter on it/i);
      expect(problemOf(await mgr.post('/api/v1/segments/preview', { rule: { field: 'customer.hasPhone', op: 'isTrue' } }), 403).errors[0]!.field).toBe('rule.field');
      expect(problemOf(await mgr.post('/api/v1/segments/preview', { rule: { any: [{ field: 'custom.heated_area', op: 'gt', value: 80 }] } }), 403).errors[0]!.field).toBe(
        'rule.any.0.field',
      );
      // Saving a rule over a hidden field into an existing segment: refused, the segment unchanged.
      const seg = ok(await ctx.admin.post('/api/v1/segments', { name: '新客户', kind: 'dynamic', rule: { field: 'customer.stage', op: 'eq', value: 'new' } }), 201);
      problemOf(await mgr.patch(`/api/v1/segments/${seg.id}`, { version: seg.version, rule: cityRule }), 403);
      expect(ok(await ctx.admin.get(`/api/v1/segments/${seg.id}`))).toMatchObject({ version: seg.version, rule: { field: 'customer.stage' } });
      // A rule over fields the role sees previews as before.
      expect(ok(await mgr.post('/api/v1/segments/preview', { rule: { field: 'customer.stage', op: 'eq', value: 'new' } })).count).toBeGreaterThanOrEqual(1);
      // The builder does not offer the hidden fields.
      const keys = (ok(await mgr.get('/api/v1/segments/fields')).items as { key: string }[]).map((f) => f.key);
      expect(keys).toEqual(expect.arrayContaining(['customer.stage', 'customer.name', 'customer.createdAt', 'tx.count']));
      for (const k of ['customer.city', 'customer.compound', 'customer.province', 'customer.hasPhone', 'custom.heated_area']) expect(keys).not.toContain(k);
      // Nor may a list be filled by phones the role does not see (its report would tell which are customers').
      const list = ok(await mgr.post('/api/v1/segments', { name: '手工名单', kind: 'static' }), 201);
      const byPhone = problemOf(await mgr.request('POST', `/api/v1/segments/${list.id}/members/import?by=phone`, `${PHONE}\n`, { 'content-type': 'text/csv' }), 403);
      expect(byPhone.errors[0]!.field).toBe('by');
      expect(ok(await mgr.get(`/api/v1/segments/${list.id}`)).memberCount).toBe(0);
    });

    it('not vacuous: with the field granted the same rule saves and counts the customer', async () => {
      await grants(['email']);
      expect(ok(await mgr.post('/api/v1/segments/preview', { rule: cityRule })).count).toBe(1);
      expect(ok(await mgr.post('/api/v1/segments/preview', { rule: { field: 'custom.heated_area', op: 'gt', value: 80 } })).count).toBe(1);
      ok(await mgr.post('/api/v1/segments', { name: '牡丹江住户', kind: 'dynamic', rule: cityRule }), 201);
      expect((ok(await mgr.get('/api/v1/segments/fields')).items as { key: string }[]).map((f) => f.key)).toContain('customer.city');
      await grants(null);
    });
  });
});
