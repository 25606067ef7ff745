/**
 * Field-level access (issue #18, 字段权限) on what is derived from a customer field rather than read from the record:
 * - a message template variable that renders a custom field (`{{points}}`: the custom field `points`) shows
 *   「（无权查看）」 in a preview for a role that does not see the field, and every view of the message it was sent in
 *   (a customer's messages, the outbox, one message, the send's answer, the timeline) shows that span as 「（无权查看）」
 *   — single sends, free text and bulk sends alike — while the customer's text (the stored row) keeps the value;
 * - a care rule's preview by birthday (or by an audience of cities or compounds) is refused with a 403 problem+json
 *   naming the request field for a role that does not see the birthday (the address), and the care tile leaves
 *   birthdays out for it;
 * - a shared segment whose rule filters on a field the reader's role does not see is still read with its members and
 *   count, but each such condition comes as `{ hidden: true, label: '（无权查看的条件）' }` without field, operator or value.
 * The same requests with the default grants (and by the administrator) show what was hidden: the checks are not vacuous.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { hideFields } from '../../test/field-grants.js';
import { ok, problemOf } from '../../test/http.js';
import { enqueueBulk, type MessagingRuntime } from '../messages/index.js';

// Wednesday 2026-11-18, 10:00 in Shanghai (outside SMS quiet hours).
const now = new Date('2026-11-18T02:00:00Z');
const POINTS = '8675309';
const CITY = '佳木斯市';
const BIRTHDAY = '1981-11-25';
const HIDDEN_ZH = '（无权查看）';

describe('field grants on values derived from customer fields', () => {
  let ctx: TestContext;
  let mgr: Client;
  let customerId: string;
  let smsTpl: string;
  let emailTpl: string;

  /** The manager role: every field editable but the hidden ones (null: the default grants). */
  const grants = (hidden: string[] | null) => hideFields(ctx.admin, 'manager', hidden);

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    ok(await ctx.admin.post('/api/v1/custom-fields', { key: 'points', labelZh: '积分', labelEn: 'Points', type: 'number' }), 201);
    const roles = ok(await ctx.admin.get('/api/v1/roles')).items as { key: string; permissions: string[] }[];
    ok(await ctx.admin.patch('/api/v1/roles/manager', { permissions: [...roles.find((r) => r.key === 'manager')!.permissions, 'message:manage'] }));
    mgr = await ctx.newUser({ role: 'manager', username: 'derived.mgr' });
    const c = await ctx.newCustomer({
      name: '乔路乙',
      phones: ['13955550002'],
      email: 'qiaolu.derived@example.com',
      birthday: BIRTHDAY,
      address: { city: CITY, compound: '松园小区' },
      consent: { sms: true, email: true },
      custom: { points: Number(POINTS) },
      ownerId: mgr.userId,
    });
    customerId = c.id;
    smsTpl = ok(await ctx.admin.post('/api/v1/message-templates', { name: '积分通知', channel: 'sms', category: 'transactional', bodyZh: '{{name}}您好，您的积分为{{points}}分' }), 201).id;
    emailTpl = ok(
      await ctx.admin.post('/api/v1/message-templates', {
        name: '积分邮件',
        channel: 'email',
        category: 'transactional',
        subjectZh: '{{name}}：积分{{points}}',
        bodyZh: '{{name}}您好，积分{{points}}，客户经理{{owner}}。',
      }),
      201,
    ).id;
  });
  afterAll(async () => ctx?.close());

  describe('message templates', () => {
    const messageIds: string[] = [];
    const reads = () => [
      `/api/v1/customers/${customerId}/messages?limit=100`,
      '/api/v1/messages?limit=100',
      `/api/v1/messages?customerId=${customerId}`,
      ...messageIds.map((id) => `/api/v1/messages/${id}`),
      `/api/v1/customers/${customerId}/timeline`,
    ];

    beforeAll(async () => {
      // Sent by the administrator: a template SMS, a template email (the value in the subject too), free text with the
      // variable, and a bulk send (a campaign's path).
      messageIds.push(ok(await ctx.admin.post(`/api/v1/customers/${customerId}/messages`, { templateId: smsTpl }), 201).id);
      messageIds.push(ok(await ctx.admin.post(`/api/v1/customers/${customerId}/messages`, { templateId: emailTpl }), 201).id);
      messageIds.push(ok(await ctx.admin.post(`/api/v1/customers/${customerId}/messages`, { channel: 'sms', category: 'transactional', body: '积分：{{points}}' }), 201).id);
      const rt: MessagingRuntime = { now: () => now, kick: async () => {}, log: () => {}, fallbackUrl: 'http://localhost:3000', drain: () => {} };
      const sourceId = '6f1e8a52-3c1d-4b7e-9a0f-2d5c8e7b1a90';
      const bulk = await ctx.database.db.transaction((tx) =>
        enqueueBulk(tx, { sourceKind: 'campaign', sourceId, templateId: smsTpl, customerIds: [customerId], createdBy: ctx.admin.userId, now }, rt),
      );
      expect(bulk.queued).toBe(1);
      const [b] = rowsOf<{ id: string }>(await ctx.database.db.execute(sql`select id from messages where source_id = ${sourceId}::uuid`));
      messageIds.push(b!.id);
      // Sent, so the timeline shows them.
      await ctx.database.db.execute(sql`update messages set status = 'sent', sent_at = ${now.toISOString()}::timestamptz where customer_id = ${customerId}`);
    });

    it('a role that does not see the field gets 「（无权查看）」 in the preview, never the value, and it is not reported missing', async () => {
      await grants(['custom.points']);
      const sms = ok(await mgr.post(`/api/v1/message-templates/${smsTpl}/preview`, { customerId }));
      expect(sms.body).toBe(`乔路乙您好，您的积分为${HIDDEN_ZH}分`);
      expect(sms.missing).toEqual([]);
      const email = ok(await mgr.post(`/api/v1/message-templates/${emailTpl}/preview`, { customerId }));
      expect(email.subject).toBe(`乔路乙：积分${HIDDEN_ZH}`);
      expect(email.body).toContain(HIDDEN_ZH);
      expect(JSON.stringify([sms, email])).not.toContain(POINTS);
      expect(ok(await mgr.lang('en').post(`/api/v1/message-templates/${smsTpl}/preview`, { customerId })).body).toBe('乔路乙您好，您的积分为(hidden)分');
    });

    it('every view of a sent message shows the value as 「（无权查看）」 to that role; the customer got the real text', async () => {
      await grants(['custom.points']);
      for (const url of reads()) {
        const res = await mgr.get(url);
        expect(res.statusCode, `${url} ${res.body.slice(0, 200)}`).toBe(200);
        expect(res.body, url).not.toContain(POINTS);
      }
      const one = ok(await mgr.get(`/api/v1/messages/${messageIds[0]}`));
      expect(one.body).toBe(`乔路乙您好，您的积分为${HIDDEN_ZH}分`);
      const mail = ok(await mgr.get(`/api/v1/messages/${messageIds[1]}`));
      expect(mail.subject).toBe(`乔路乙：积分${HIDDEN_ZH}`);
      expect(mail.body).toContain(`乔路乙您好，积分${HIDDEN_ZH}，客户经理`);
      expect(mail.body).toContain('/unsubscribe'); // the footer after the value is kept
      expect(ok(await mgr.get(`/api/v1/messages/${messageIds[2]}`)).body).toBe(`积分：${HIDDEN_ZH}`);
      expect(ok(await mgr.get(`/api/v1/messages/${messageIds[3]}`)).body).toContain(HIDDEN_ZH);
      expect(ok(await mgr.lang('en').get(`/api/v1/messages/${messageIds[0]}`)).body).toBe('乔路乙您好，您的积分为(hidden)分');
      const timeline = (await mgr.get(`/api/v1/customers/${customerId}/timeline`)).body;
      expect(timeline).toContain(HIDDEN_ZH);
      // The send's answer to a sender who does not see the field: masked too, and the message still goes out.
      const sent = ok(await mgr.post(`/api/v1/customers/${customerId}/messages`, { templateId: smsTpl }), 201);
      expect(sent.body).toBe(`乔路乙您好，您的积分为${HIDDEN_ZH}分`);
      expect(sent.status).toBe('queued');
      // What went (goes) to the customer holds the value.
      const stored = rowsOf<{ id: string; subject: string | null; body: string }>(
        await ctx.database.db.execute(sql`select id, subject, body from messages where customer_id = ${customerId}`),
      );
      expect(stored).toHaveLength(5);
      for (const m of stored) expect(`${m.subject ?? ''}${m.body}`, m.id).toContain(POINTS);
    });

    it('not vacuous: with the field granted (and for the administrator) the value is shown everywhere', async () => {
      await grants(null);
      for (const who of [mgr, ctx.admin]) {
        expect(ok(await who.post(`/api/v1/message-templates/${smsTpl}/preview`, { customerId })).body).toBe(`乔路乙您好，您的积分为${POINTS}分`);
        expect(ok(await who.get(`/api/v1/messages/${messageIds[0]}`)).body).toBe(`乔路乙您好，您的积分为${POINTS}分`);
        expect(ok(await who.get(`/api/v1/messages/${messageIds[1]}`)).subject).toBe(`乔路乙：积分${POINTS}`);
        expect(ok(await who.get(`/api/v1/messages/${messageIds[2]}`)).body).toBe(`积分：${POINTS}`);
        expect(ok(await who.get(`/api/v1/messages/${messageIds[3]}`)).body).toContain(POINTS);
        for (const url of reads()) expect((await who.get(url)).body, url).toContain(POINTS);
      }
      // Another hidden field leaves this one alone.
      await grants(['email']);
      expect(ok(await mgr.get(`/api/v1/messages/${messageIds[0]}`)).body).toContain(POINTS);
      await grants(null);
    });
  });

  describe('care rule previews', () => {
    const birthdayRule = { occasion: 'birthday', audience: {}, daysBefore: 2, actions: [{ taskTitle: '生日问候' }] };

    it('a role that does not see the birthday cannot preview a birthday rule (403 naming occasion); nor by a hidden address', async () => {
      await grants(['birthday']);
      const refused = problemOf(await mgr.post('/api/v1/care/rules/preview', birthdayRule), 403);
      expect(refused.errors).toEqual([{ field: 'occasion', message: '你的角色无权查看「生日（含农历）」，不能预览按它选出的客户与日期' }]);
      expect(JSON.stringify(refused)).not.toContain('2026-11-25');
      const en = problemOf(await mgr.lang('en').post('/api/v1/care/rules/preview', birthdayRule), 403);
      expect(en.errors[0]!.message).toMatch(/may not see "Birthday \(and lunar\)"/);
      // A festival rule tells no birthday: previewed as before.
      expect(ok(await mgr.post('/api/v1/care/rules/preview', { ...birthdayRule, occasion: 'national_day' })).items).toBeDefined();
      await grants(['address']);
      for (const [key, value] of [
        ['cities', [CITY]],
        ['compounds', ['松园小区']],
      ] as const) {
        const p = problemOf(await mgr.post('/api/v1/care/rules/preview', { ...birthdayRule, audience: { [key]: value } }), 403);
        expect(p.errors[0]!.field).toBe(`audience.${key}`);
      }
      // The birthday is seen now: the preview works (without an address audience).
      expect(ok(await mgr.post('/api/v1/care/rules/preview', birthdayRule)).items.map((i: { customerId: string }) => i.customerId)).toContain(customerId);
    });

    it('the care tile leaves birthdays out for a role that does not see them', async () => {
      const rule = ok(await ctx.admin.post('/api/v1/care/rules', { name: '生日关怀', ...birthdayRule, daysBefore: 0 }), 201);
      // This week is 11-16 to 11-22: a customer of the manager's with a birthday on Friday.
      const friday = await ctx.newCustomer({ name: '周五生日', birthday: '1979-11-20', ownerId: mgr.userId });
      const rowsOfTile = async () => {
        const home = ok(await mgr.get('/api/v1/dashboards/home?board=account'));
        return (home.tiles as { key: string; rows: { id: string }[] }[]).find((x) => x.key === 'care.occasions')!.rows.map((r) => r.id);
      };
      await grants(['birthday']);
      expect(await rowsOfTile()).not.toContain(`${friday.id}:birthday`);
      await grants(null);
      expect(await rowsOfTile()).toContain(`${friday.id}:birthday`);
      expect((await ctx.admin.delete(`/api/v1/care/rules/${rule.id}`)).statusCode).toBe(204);
    });

    it('not vacuous: with the default grants the preview lists the birthday and its send day', async () => {
      await grants(null);
      const p = ok(await mgr.post('/api/v1/care/rules/preview', birthdayRule));
      expect(p.items).toEqual(expect.arrayContaining([expect.objectContaining({ customerId, occasionDate: '2026-11-25', sendDate: '2026-11-23' })]));
      expect(ok(await mgr.post('/api/v1/care/rules/preview', { ...birthdayRule, audience: { cities: [CITY] } })).items.map((i: { customerId: string }) => i.customerId)).toEqual([
        customerId,
      ]);
    });
  });

  describe('shared segments', () => {
    let segmentId: string;
    const rule = {
      all: [
        { field: 'customer.stage', op: 'in', value: ['new', 'active'] },
        { any: [{ field: 'customer.city', op: 'eq', value: CITY }, { not: { field: 'custom.points', op: 'gt', value: 8_000_000 } }] },
      ],
    };

    beforeAll(async () => {
      await grants(null);
      segmentId = ok(await ctx.admin.post('/api/v1/segments', { name: '积分客户', kind: 'dynamic', rule }), 201).id;
      // The refresh runs in the background: wait for it.
      const run = ok(await ctx.admin.post(`/api/v1/segments/${segmentId}/refresh`), 202);
      let status = run.status as string;
      for (let i = 0; i < 600 && !['done', 'failed', 'cancelled'].includes(status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = ok(await ctx.admin.get(`/api/v1/segments/refreshes/${run.id}`)).status;
      }
      expect(status).toBe('done');
    });

    it('a role that does not see a rule’s fields reads the segment and its members, the hidden conditions without values', async () => {
      await grants(['address', 'custom.points']);
      const res = await mgr.get(`/api/v1/segments/${segmentId}`);
      const seg = ok(res);
      expect(seg.rule).toEqual({
        all: [
          { field: 'customer.stage', op: 'in', value: ['new', 'active'] },
          { any: [{ hidden: true, label: '（无权查看的条件）' }, { not: { hidden: true, label: '（无权查看的条件）' } }] },
        ],
      });
      for (const leak of [CITY, 'customer.city', 'custom.points', '8000000']) expect(res.body).not.toContain(leak);
      // Members and their count as the administrator sees them (the city column left empty: the address is hidden).
      expect(seg.memberCount).toBeGreaterThanOrEqual(1);
      expect(seg.memberCount).toBe(ok(await ctx.admin.get(`/api/v1/segments/${segmentId}`)).memberCount);
      const members = ok(await mgr.get(`/api/v1/segments/${segmentId}/members`)).items as { id: string; city: string | null }[];
      expect(members.map((m) => m.id)).toContain(customerId);
      expect(members.map((m) => m.city)).toEqual(members.map(() => null));
      expect(ok(await mgr.lang('en').get(`/api/v1/segments/${segmentId}`)).rule.all[1].any[0]).toEqual({ hidden: true, label: '(a condition you may not see)' });
      // One field hidden: only its condition is.
      await grants(['custom.points']);
      expect(ok(await mgr.get(`/api/v1/segments/${segmentId}`)).rule.all[1].any).toEqual([
        { field: 'customer.city', op: 'eq', value: CITY },
        { not: { hidden: true, label: '（无权查看的条件）' } },
      ]);
    });

    it('not vacuous: with the default grants (and for the administrator) the rule comes whole', async () => {
      await grants(null);
      for (const who of [mgr, ctx.admin]) expect(ok(await who.get(`/api/v1/segments/${segmentId}`)).rule).toEqual(rule);
    });
  });
});
