/**
 * The links between surveys and the rest (issue #15): a ticket resolved through the tickets API records the
 * ticket_resolved trigger's invitation (ticket and agent, once per ticket, fatigue respected) and the survey clock
 * sends it after the delay; the response answered from it carries the ticket and the agent; anonymous QR codes need
 * anonymousAllowed (409 in zh-CN and English; a code whose survey turned it off later answers the closed page); a
 * customer merge moves the duplicate's invitations and responses to the survivor and its undo moves them back.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { signingSecret } from '../messages/index.js';
import type { SurveyQrCodeView } from './qr.js';
import { surveyClock } from './reminders.js';
import type { SurveyLinkView, SurveySendView, SurveyView } from './surveys.contract.js';
import { signToken, verifyToken } from './token.js';

let now = new Date('2026-04-06T02:00:00Z'); // 10:00 in Beijing: outside the SMS quiet hours
const DAY = 86_400_000;

type InvitationRow = { id: string; customer_id: string; ticket_id: string | null; agent_id: string | null; source_ref: string; status: string; sent_at: string | null; channel: string };

describe('surveys linked to tickets, QR codes and customer merges', { timeout: 300_000 }, () => {
  let ctx: TestContext;
  let marketer: Client;
  let agent: Client;
  let rootCauseId: string;
  let ipSeq = 0;
  const q = async <T>(text: ReturnType<typeof sql>) => rowsOf<T>(await ctx.database.db.execute(text));
  const rt = { now: () => now, fallbackUrl: 'http://localhost', log: () => {}, kick: async () => {} };
  const clock = () => surveyClock(ctx.database.db, rt);

  async function survey(settings: Record<string, unknown> = {}): Promise<SurveyView> {
    const s = ok<SurveyView>(await marketer.post('/api/v1/surveys', { templateKey: 'ticket_csat', settings }), 201);
    return ok<SurveyView>(await marketer.post(`/api/v1/surveys/${s.id}/activate`, { version: s.version }));
  }

  /** A ticket of the customer, assigned to the agent, resolved by the admin through the API. */
  async function resolvedTicket(customerId: string): Promise<string> {
    const made = ok(await ctx.admin.post('/api/v1/tickets', { title: '暖气不热', type: 'complaint', customerId, assigneeId: agent.userId }), 201);
    ok(await ctx.admin.post(`/api/v1/tickets/${made.id}/resolve`, { rootCauseId, solution: '更换了阀门', returnVisitDays: 0 }));
    return made.id as string;
  }

  const invitations = (surveyId: string) =>
    q<InvitationRow>(sql`select id, customer_id, ticket_id, agent_id, source_ref, status, sent_at::text, channel from survey_invitations where survey_id = ${surveyId} order by created_at, id`);

  /** The household answering a page: its own client address (the public pages are rate-limited per address). */
  function respondent() {
    const ip = `10.15.0.${++ipSeq}`;
    return {
      get: (url: string, lang?: string) => ctx.app.inject({ method: 'GET', url, remoteAddress: ip, headers: lang ? { 'accept-language': lang } : {} }),
      post: (url: string, form: Record<string, string>) =>
        ctx.app.inject({ method: 'POST', url, payload: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ip }),
    };
  }

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    marketer = await ctx.newUser({ role: 'marketer', username: 'links.marketer' });
    agent = await ctx.newUser({ role: 'agent', username: 'links.agent' });
    rootCauseId = ok(await ctx.admin.get('/api/v1/ticket-root-causes')).items[0].id;
  }, 600_000);
  afterAll(async () => ctx?.close());

  let ticketSurvey: SurveyView;
  let ticketInvitation: InvitationRow;
  let ticketId: string;

  it('a resolved ticket records one invitation with its ticket and agent; the clock sends it after the delay', async () => {
    ticketSurvey = await survey();
    const refused = problemOf(await marketer.put(`/api/v1/surveys/${ticketSurvey.id}/triggers`, { items: [{ on: 'ticket_resolved', channel: 'sms', productIds: [ticketSurvey.id] }] }), 400);
    expect(refused.errors[0]).toMatchObject({ field: 'items.0.productIds', message: '「工单解决」触发不按产品筛选，请去掉产品' });
    const triggers = ok<{ items: { on: string; delayDays: number }[] }>(
      await marketer.put(`/api/v1/surveys/${ticketSurvey.id}/triggers`, { items: [{ on: 'ticket_resolved', delayDays: 2, channel: 'sms' }] }),
    );
    expect(triggers.items).toMatchObject([{ on: 'ticket_resolved', delayDays: 2 }]);

    const household = await ctx.newCustomer({ name: '赵六', phones: ['13900002222'], consent: { sms: true } });
    ticketId = await resolvedTicket(household.id as string);
    let rows = await invitations(ticketSurvey.id);
    expect(rows).toEqual([
      expect.objectContaining({ customer_id: household.id, ticket_id: ticketId, agent_id: agent.userId, source_ref: `ticket:${ticketId}`, status: 'pending', sent_at: null, channel: 'sms' }),
    ]);
    ticketInvitation = rows[0]!;

    // Reopened and resolved again: still one invitation for the ticket.
    ok(await ctx.admin.post(`/api/v1/tickets/${ticketId}/reopen`, { reason: '又不热了' }));
    ok(await ctx.admin.post(`/api/v1/tickets/${ticketId}/resolve`, { rootCauseId, solution: '再次检修', returnVisitDays: 0 }));
    expect(await invitations(ticketSurvey.id)).toHaveLength(1);

    // The clock before the delay: nothing sent, no message.
    await clock();
    const outbox = () =>
      q<{ customer_id: string; body: string; source_kind: string; status: string; reason: string | null }>(
        sql`select customer_id, body, source_kind, status, reason from messages where source_kind = 'survey' and customer_id = ${household.id}`,
      );
    expect((await invitations(ticketSurvey.id))[0]!.sent_at).toBeNull();
    expect(await outbox()).toEqual([]);

    // Two days later: sent once, with the signed link of this invitation, however many ticks.
    now = new Date(now.getTime() + 2 * DAY + 60_000);
    await clock();
    await clock();
    rows = await invitations(ticketSurvey.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sent_at).not.toBeNull();
    const messages = await outbox();
    expect(messages).toHaveLength(1);
    const token = /\/s\/v\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(messages[0]!.body)?.[1];
    expect(verifyToken(await signingSecret(ctx.database.db), token!)).toBe(ticketInvitation.id);
  });

  it('respects fatigue: a customer another survey invited lately is not invited on resolution; no consent suppresses the message', async () => {
    const tired = await ctx.newCustomer({ name: '钱七', phones: ['13900003333'], consent: { sms: true } });
    const other = await survey();
    ok<SurveyLinkView>(await marketer.post(`/api/v1/surveys/${other.id}/links`, { customerId: tired.id }));
    await resolvedTicket(tired.id as string);
    expect((await invitations(ticketSurvey.id)).filter((r) => r.customer_id === tired.id)).toEqual([]);

    const silent = await ctx.newCustomer({ name: '孙八', phones: ['13900004444'], consent: { sms: false } });
    await resolvedTicket(silent.id as string);
    expect((await invitations(ticketSurvey.id)).filter((r) => r.customer_id === silent.id)).toHaveLength(1);
    now = new Date(now.getTime() + 2 * DAY + 60_000);
    await clock();
    const msgs = await q<{ status: string; reason: string | null }>(sql`select status, reason from messages where source_kind = 'survey' and customer_id = ${silent.id}`);
    expect(msgs).toEqual([{ status: 'suppressed', reason: 'no_consent' }]);
  });

  it('the response answered from the ticket invitation carries the ticket and the agent', async () => {
    const url = `/s/v/${signToken(await signingSecret(ctx.database.db), ticketInvitation.id)}`;
    const me = respondent();
    expect((await me.get(url)).statusCode).toBe(200);
    expect((await me.post(url, { _q: 'satisfaction', v: '2' })).statusCode).toBe(303);
    const partial = await q<{ status: string; ticket_id: string; agent_id: string }>(sql`select status, ticket_id, agent_id from survey_responses where invitation_id = ${ticketInvitation.id}`);
    expect(partial).toEqual([{ status: 'partial', ticket_id: ticketId, agent_id: agent.userId }]);
    expect((await me.post(url, { _go: 'submit' })).statusCode).toBe(303);
    const done = await q<Record<string, unknown>>(sql`select status, csat, customer_id, ticket_id, agent_id from survey_responses where invitation_id = ${ticketInvitation.id}`);
    expect(done).toEqual([{ status: 'complete', csat: 2, customer_id: ticketInvitation.customer_id, ticket_id: ticketId, agent_id: agent.userId }]);
  });

  it('an anonymous QR code needs anonymousAllowed (409 in both languages); turned off later, its page is closed', async () => {
    const closed = await survey();
    const body = { label: '营业厅', place: 'hall' };
    const zh = problemOf(await marketer.post(`/api/v1/surveys/${closed.id}/qr-codes`, body), 409);
    expect(zh.detail).toBe('该问卷不允许匿名作答，不能创建匿名二维码：请改为「填写手机号」方式，或先在问卷设置中允许匿名作答');
    const en = problemOf(await marketer.lang('en').post(`/api/v1/surveys/${closed.id}/qr-codes`, { ...body, identify: 'anonymous' }), 409);
    expect(en.detail).toMatch(/^The survey does not accept anonymous answers/);
    expect(await q(sql`select count(*)::int as n from survey_qr_codes where survey_id = ${closed.id}`)).toEqual([{ n: 0 }]);
    ok<SurveyQrCodeView>(await marketer.post(`/api/v1/surveys/${closed.id}/qr-codes`, { ...body, identify: 'self' }), 201);

    const open = await survey({ anonymousAllowed: true });
    const code = ok<SurveyQrCodeView>(await marketer.post(`/api/v1/surveys/${open.id}/qr-codes`, body), 201);
    const path = new URL(code.url).pathname;
    const me = respondent();
    expect((await me.get(path)).statusCode).toBe(200);
    const started = await me.post(path, { _go: 'start' });
    expect(started.statusCode).toBe(303);
    const responsePage = started.headers.location!;
    ok(await marketer.patch(`/api/v1/surveys/${open.id}`, { settings: { anonymousAllowed: false }, version: open.version }));
    for (const page of [path, responsePage]) {
      const res = await me.get(page);
      expect(res.statusCode).toBe(410);
      expect(res.body).toContain('调查已结束');
    }
    expect((await me.get(path, 'en')).body).toContain('This survey has ended');
    expect((await me.post(responsePage, { _q: 'satisfaction', v: '5' })).statusCode).toBe(410);
    expect(await q(sql`select answers from survey_responses where qr_code_id = ${code.id}`)).toEqual([{ answers: {} }]);
  });

  it("a customer merge moves the duplicate's invitations and responses to the survivor; undo moves them back", async () => {
    // No phones: the send writes invitations and no outbox rows (the messages module's own merge hook is not under test).
    const survivor = await ctx.newCustomer({ name: '周九', address: { city: '哈尔滨', compound: '幸福小区' } });
    const dup = await ctx.newCustomer({ name: '周九（重复）', address: { city: '哈尔滨', compound: '幸福小区' } });
    // One send invited both (that invitation of the duplicate stays: a send invites a customer once) ...
    const sendSurvey = await survey();
    const queued = ok<SurveySendView>(await marketer.post(`/api/v1/surveys/${sendSurvey.id}/sends`, { customerIds: [survivor.id, dup.id], channel: 'sms' }), 202);
    for (let i = 0; i < 3000; i++) {
      const s = ok<SurveySendView>(await marketer.get(`/api/v1/surveys/${sendSurvey.id}/sends/${queued.id}`));
      if (s.status === 'done') break;
      expect(['queued', 'running']).toContain(s.status);
      await new Promise((r) => setTimeout(r, 50));
    }
    // ... and a link of another survey, answered, belongs to the duplicate alone.
    const linkSurvey = await survey();
    const link = ok<SurveyLinkView>(await marketer.post(`/api/v1/surveys/${linkSurvey.id}/links`, { customerId: dup.id }));
    const me = respondent();
    const url = new URL(link.link).pathname;
    expect((await me.post(url, { _q: 'satisfaction', v: '4' })).statusCode).toBe(303);
    expect((await me.post(url, { _go: 'submit' })).statusCode).toBe(303);

    const owners = async () => ({
      invitations: await q<{ survey_id: string; customer_id: string }>(
        sql`select survey_id, customer_id from survey_invitations where survey_id in (${sendSurvey.id}, ${linkSurvey.id}) order by survey_id, customer_id`,
      ),
      responses: await q<{ customer_id: string }>(sql`select customer_id from survey_responses where invitation_id = ${link.invitationId}`),
    });
    const before = await owners();
    expect(before.invitations.filter((r) => r.customer_id === dup.id)).toHaveLength(2);
    expect(before.responses).toEqual([{ customer_id: dup.id }]);

    const s = ok(await ctx.admin.get(`/api/v1/customers/${survivor.id}`));
    const d = ok(await ctx.admin.get(`/api/v1/customers/${dup.id}`));
    const { merge } = ok(await ctx.admin.post('/api/v1/customers/merge', { survivorId: s.id, mergedId: d.id, survivorVersion: s.version, mergedVersion: d.version }));
    const after = await owners();
    const sorted = (rows: { survey_id: string; customer_id: string }[]) => [...rows].sort((a, b) => `${a.survey_id}${a.customer_id}`.localeCompare(`${b.survey_id}${b.customer_id}`));
    expect(sorted(after.invitations)).toEqual(
      sorted([
        { survey_id: sendSurvey.id, customer_id: survivor.id as string },
        { survey_id: sendSurvey.id, customer_id: dup.id as string },
        { survey_id: linkSurvey.id, customer_id: survivor.id as string },
      ]),
    );
    expect(after.responses).toEqual([{ customer_id: survivor.id }]);

    ok(await ctx.admin.post(`/api/v1/customers/merges/${merge.id}/undo`, {}));
    expect(await owners()).toEqual(before);
  });
});
