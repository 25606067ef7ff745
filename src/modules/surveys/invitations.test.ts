/**
 * Survey distribution through HTTP (issue #15 part 2): a send to a static list of 30 households writes invitations
 * and outbox rows (log channel) with the counts blocked by consent and missing phones, and the links' tokens verify;
 * the fatigue rule skips a customer invited by another survey; a second send re-invites nobody; a sample keeps
 * exactly ⌊p·N⌋ (or n) and the same customers again; reminders go to non-responders only and stop at the maximum;
 * cancel withdraws unsent messages; an inactive survey is refused (409, zh-CN and English); links, withdraw, keyset
 * pages; a purchase trigger.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../../platform/db/client.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { ok, problemOf } from '../../test/http.js';
import { signingSecret } from '../messages/index.js';
import { surveyClock } from './reminders.js';
import type { ReminderResult, SurveyInvitationPage, SurveyLinkView, SurveySendView, SurveyView } from './surveys.contract.js';
import { verifyToken } from './token.js';

let now = new Date('2026-03-02T02:00:00Z'); // 10:00 in Beijing: outside the SMS quiet hours
const DAY = 86_400_000;

describe('survey distribution', { timeout: 300_000 }, () => {
  let ctx: TestContext;
  let marketer: Client;
  let listId: string;
  const households: string[] = [];
  const q = <T>(text: ReturnType<typeof sql>) => ctx.database.db.execute(text).then((r) => rowsOf<T>(r));

  async function survey(settings: Record<string, unknown> = {}, activate = true): Promise<SurveyView> {
    const s = ok<SurveyView>(await marketer.post('/api/v1/surveys', { templateKey: 'ticket_csat', settings }), 201);
    return activate ? ok<SurveyView>(await marketer.post(`/api/v1/surveys/${s.id}/activate`, { version: s.version })) : s;
  }

  async function settle(surveyId: string, sendId: string): Promise<SurveySendView> {
    for (let i = 0; i < 3000; i++) {
      const s = ok<SurveySendView>(await marketer.get(`/api/v1/surveys/${surveyId}/sends/${sendId}`));
      if (['done', 'failed', 'cancelled'].includes(s.status)) {
        expect(s.error).toBeNull();
        return s;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('send did not finish');
  }

  async function send(surveyId: string, body: Record<string, unknown>): Promise<SurveySendView> {
    const s = ok<SurveySendView>(await marketer.post(`/api/v1/surveys/${surveyId}/sends`, body), 202);
    return settle(surveyId, s.id);
  }

  const outbox = (sourceId: string) =>
    q<{ customer_id: string; status: string; reason: string | null; body: string; source_kind: string }>(
      sql`select customer_id, status, reason, body, source_kind from messages where source_id = ${sourceId}::uuid`,
    );

  beforeAll(async () => {
    ctx = await createTestContext({ clock: () => now });
    marketer = await ctx.newUser({ role: 'marketer', username: 'inv.marketer' });
    // 30 households: 25 with a mobile and SMS consent, 3 without consent, 2 without a phone.
    for (let i = 0; i < 30; i++) {
      const body: Record<string, unknown> = { name: `住户${String(i).padStart(2, '0')}`, consent: { sms: i < 25 || i >= 28 } };
      if (i < 28) body.phones = [`139${String(10_000_000 + i).padStart(8, '0')}`];
      households.push((await ctx.newCustomer(body)).id as string);
    }
    const list = ok(await marketer.post('/api/v1/segments', { name: '调查名单', kind: 'static' }), 201);
    listId = list.id;
    ok(await marketer.post(`/api/v1/segments/${listId}/members`, { customerIds: households }));
  }, 600_000);
  afterAll(async () => ctx?.close());

  it('refuses to send an inactive survey, in zh-CN and English, and writes nothing', async () => {
    const draft = await survey({}, false);
    const zh = problemOf(await marketer.post(`/api/v1/surveys/${draft.id}/sends`, { segmentId: listId, channel: 'sms' }), 409);
    expect(zh.detail).toBe('问卷状态为「draft」，只有进行中的问卷可以发放（请先发布问卷）');
    const en = problemOf(await marketer.lang('en').post(`/api/v1/surveys/${draft.id}/links`, { customerId: households[0] }), 409);
    expect(en.detail).toBe('The survey is draft: only an active survey can be sent (activate it first)');
    const bad = problemOf(await marketer.post(`/api/v1/surveys/${draft.id}/sends`, { segmentId: listId, customerId: households[0], channel: 'sms' }), 400);
    expect(bad.errors[0]!.field).toBe('segmentId');
    expect((await q<{ n: number }>(sql`select count(*)::int as n from survey_sends where survey_id = ${draft.id}`))[0]!.n).toBe(0);
  });

  let main: SurveyView;
  let first: SurveySendView;

  it('invites a list through the outbox with blocked counts; fatigue skips a customer another survey invited; links verify', async () => {
    // Another survey invited household 0 yesterday: within the 90 days of fatigue.
    const other = await survey();
    now = new Date(now.getTime() - DAY);
    const link = ok<SurveyLinkView>(await marketer.post(`/api/v1/surveys/${other.id}/links`, { customerId: households[0] }));
    now = new Date(now.getTime() + DAY);
    expect(link.reused).toBe(false);
    expect(ok<SurveyLinkView>(await marketer.post(`/api/v1/surveys/${other.id}/links`, { customerId: households[0] }))).toMatchObject({ reused: true, invitationId: link.invitationId });

    main = await survey();
    first = await send(main.id, { segmentId: listId, channel: 'sms' });
    expect(first).toMatchObject({ status: 'done', audience: 'list', dryRun: false });
    expect(first.counts).toMatchObject({ drawn: 30, sampledOut: 0, fatigue: 1, alreadyInvited: 0, invited: 29, queued: 24 });
    expect(first.counts.blocked).toEqual({ no_consent: 3, no_recipient: 2 });
    const rows = await outbox(first.id);
    expect(rows).toHaveLength(27); // 24 queued + 3 suppressed (no consent); no row for customers without a phone
    expect(rows.every((r) => r.source_kind === 'survey')).toBe(true);
    expect(rows.filter((r) => r.status === 'suppressed').map((r) => r.reason)).toEqual(['no_consent', 'no_consent', 'no_consent']);
    expect(rows.some((r) => r.customer_id === households[0])).toBe(false);
    // Each body carries its customer's signed link: the token names that customer's invitation.
    const secret = await signingSecret(ctx.database.db);
    const invs = await q<{ id: string; customer_id: string; send_id: string; channel: string; source: string }>(
      sql`select id, customer_id, send_id, channel, source from survey_invitations where survey_id = ${main.id}`,
    );
    expect(invs).toHaveLength(29);
    expect(invs.every((i) => i.send_id === first.id && i.channel === 'sms' && i.source === 'list')).toBe(true);
    const byCustomer = new Map(invs.map((i) => [i.customer_id, i.id]));
    for (const r of rows) {
      const token = /\/s\/v\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(r.body)?.[1];
      expect(r.body).toContain('诚邀您参与满意度调查');
      expect(verifyToken(secret, token!)).toBe(byCustomer.get(r.customer_id));
    }
    expect(verifyToken(secret, /\/s\/v\/(.+)$/.exec(link.link)![1]!)).toBe(link.invitationId);
    // The log channel delivers; delivered invitations become sent. Polled to a deadline, not a count of tries: under
    // CI's load the outbox took longer than 200 × 50 ms once (20 of 24 sent when the loop gave up).
    const sentNow = async () => ok<SurveyInvitationPage>(await marketer.get(`/api/v1/surveys/${main.id}/invitations?status=sent&limit=200`));
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const delivered = ok<SurveySendView>(await marketer.get(`/api/v1/surveys/${main.id}/sends/${first.id}`)).counts.delivered;
      if (delivered === 24 && (await sentNow()).items.length === 24) break;
    }
    expect(ok<SurveySendView>(await marketer.get(`/api/v1/surveys/${main.id}/sends/${first.id}`)).counts.delivered).toBe(24);
    expect((await sentNow()).items).toHaveLength(24);
  }, 180_000);

  it('a second send re-invites nobody; invitations page by keyset', async () => {
    const again = await send(main.id, { segmentId: listId, channel: 'sms' });
    expect(again.counts).toMatchObject({ drawn: 30, fatigue: 1, alreadyInvited: 29, invited: 0, queued: 0 });
    expect(await outbox(again.id)).toHaveLength(0);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: SurveyInvitationPage = ok(await marketer.get(`/api/v1/surveys/${main.id}/invitations?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(29);
    const list = ok<{ items: SurveySendView[] }>(await marketer.get(`/api/v1/surveys/${main.id}/sends`));
    expect(list.items.map((s) => s.id)).toEqual([again.id, first.id]);
    // A keyed repeat replays the first answer: one send.
    const key = { 'idempotency-key': 'survey-send-1' };
    const body = { segmentId: listId, channel: 'sms', dryRun: true };
    const one = ok<SurveySendView>(await marketer.post(`/api/v1/surveys/${main.id}/sends`, body, key), 202);
    const two = await marketer.post(`/api/v1/surveys/${main.id}/sends`, body, key);
    expect(two.headers['idempotent-replayed']).toBe('true');
    expect(ok<SurveySendView>(two, 202).id).toBe(one.id);
    await settle(main.id, one.id);
  });

  it('samples exactly ⌊p·N⌋ or n, the same customers on a relaunch', async () => {
    const s = await survey({ fatigueDays: 0 });
    const members = async (sendId: string) =>
      (await q<{ id: string }>(sql`select customer_id as id from survey_send_members where send_id = ${sendId} and outcome = 'would_invite' order by 1`)).map((r) => r.id);
    const a = await send(s.id, { segmentId: listId, channel: 'sms', sample: { share: 0.3 }, dryRun: true });
    expect(a.counts).toMatchObject({ drawn: 30, sampledOut: 21, invited: 9, queued: 0 });
    const b = await send(s.id, { segmentId: listId, channel: 'sms', sample: { share: 0.3 }, dryRun: true });
    expect(await members(b.id)).toEqual(await members(a.id));
    const c = await send(s.id, { segmentId: listId, channel: 'sms', sample: { size: 7 }, dryRun: true });
    expect(c.counts).toMatchObject({ sampledOut: 23, invited: 7 });
    expect((await members(a.id)).length).toBe(9);
    // Another seed draws another sample of the same size.
    const d = await send(s.id, { segmentId: listId, channel: 'sms', sample: { share: 0.3 }, dryRun: true, seed: 'other' });
    expect((await members(d.id)).length).toBe(9);
    expect(await members(d.id)).not.toEqual(await members(a.id));
    expect((await q<{ n: number }>(sql`select count(*)::int as n from survey_invitations where survey_id = ${s.id}`))[0]!.n).toBe(0);
  });

  it('reminds non-responders only, reminderAfterDays apart, at most maxReminders', async () => {
    const responders = households.slice(1, 6);
    await ctx.database.db.execute(
      sql`update survey_invitations set status = 'responded', responded_at = now() where survey_id = ${main.id} and customer_id = any(${sql.param(responders)}::uuid[])`,
    );
    const remind = async () => ok<ReminderResult>(await marketer.post(`/api/v1/surveys/${main.id}/reminders`));
    expect((await remind()).eligible).toBe(0); // not yet: 3 days after the invitation
    now = new Date(now.getTime() + 3 * DAY + 60_000);
    const r1 = await remind();
    expect(r1.eligible).toBe(24); // 29 invited − 5 answered
    // The survey's response rate (view and list): 5 of the 29 invitations answered.
    const shown = ok<{ invitedCount: number; responseRate: number | null }>(await marketer.get(`/api/v1/surveys/${main.id}`));
    expect(shown).toMatchObject({ invitedCount: 29 });
    expect(shown.responseRate).toBeCloseTo((100 * 5) / 29, 10);
    const listed = ok<{ items: { id: string; invitedCount: number; responseRate: number | null }[] }>(await marketer.get('/api/v1/surveys?limit=100'));
    expect(listed.items.find((x) => x.id === main.id)).toMatchObject({ invitedCount: 29, responseRate: shown.responseRate });
    expect(r1.queued).toBe(19);
    expect(r1.blocked).toEqual({ no_consent: 3, no_recipient: 2 });
    expect((await remind()).eligible).toBe(0);
    const reminders = await q<{ customer_id: string; source_kind: string }>(sql`select customer_id, source_kind from messages where source_kind = 'survey_reminder'`);
    expect(reminders).toHaveLength(22);
    expect(reminders.some((r) => responders.includes(r.customer_id))).toBe(false);
    now = new Date(now.getTime() + 3 * DAY + 60_000);
    await surveyClock(ctx.database.db, { now: () => now, fallbackUrl: 'http://localhost', log: () => {}, kick: async () => {} }); // the periodic job
    now = new Date(now.getTime() + 3 * DAY + 60_000);
    expect((await remind()).eligible).toBe(0); // two reminders: the maximum
    const counts = await q<{ n: number; max: number }>(sql`select count(*)::int as n, max(reminders_sent)::int as max from survey_invitations where survey_id = ${main.id} and reminders_sent > 0`);
    expect(counts[0]).toEqual({ n: 24, max: 2 });
  });

  it('cancel withdraws the messages not yet sent and their invitations', async () => {
    const s = await survey();
    const fresh: string[] = [];
    for (let i = 0; i < 3; i++) fresh.push((await ctx.newCustomer({ name: `夜间${i}`, phones: [`1371000000${i}`], consent: { sms: true } })).id as string);
    now = new Date('2026-03-20T14:00:00Z'); // 22:00 in Beijing: SMS wait for the quiet hours to end
    const done = await send(s.id, { customerIds: fresh, channel: 'sms' });
    expect(done.counts).toMatchObject({ invited: 3, queued: 3 });
    const cancelled = ok<SurveySendView>(await marketer.post(`/api/v1/surveys/${s.id}/sends/${done.id}/cancel`));
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.counts.blocked).toEqual({ withdrawn: 3 });
    expect((await outbox(done.id)).map((r) => r.reason)).toEqual(['withdrawn', 'withdrawn', 'withdrawn']);
    const invs = ok<SurveyInvitationPage>(await marketer.get(`/api/v1/surveys/${s.id}/invitations?status=withdrawn`));
    expect(invs.items).toHaveLength(3);
    now = new Date('2026-03-21T02:00:00Z');
  });

  it('withdraws one invitation; links need a customer unless anonymous answers are allowed', async () => {
    const page = ok<SurveyInvitationPage>(await marketer.get(`/api/v1/surveys/${main.id}/invitations?status=sent&limit=1`));
    const inv = page.items[0]!;
    const w = ok(await marketer.post(`/api/v1/surveys/${main.id}/invitations/${inv.id}/withdraw`));
    expect(w.status).toBe('withdrawn');
    expect(problemOf(await marketer.post(`/api/v1/surveys/${main.id}/invitations/${inv.id}/withdraw`), 409).detail).toBe('邀请状态为「withdrawn」，不能撤回');
    expect(problemOf(await marketer.post(`/api/v1/surveys/${main.id}/links`, {}), 400).errors[0]!.field).toBe('customerId');
    const open = await survey({ anonymousAllowed: true });
    const anon = ok<SurveyLinkView>(await marketer.post(`/api/v1/surveys/${open.id}/links`, {}));
    expect(anon.link).toMatch(/\/s\/v\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('a purchase trigger invites the buyer once, after its delay', async () => {
    const s = await survey({ fatigueDays: 0 });
    ok(await marketer.put(`/api/v1/surveys/${s.id}/triggers`, { items: [{ on: 'purchase', delayDays: 1, channel: 'sms' }] }));
    const refused = problemOf(await marketer.put(`/api/v1/surveys/${s.id}/triggers`, { items: [{ on: 'ticket_resolved', channel: 'sms', productIds: [s.id] }] }), 400);
    expect(refused.errors[0]!.field).toBe('items.0.productIds');
    const buyer = households[7]!;
    ok(await ctx.admin.post(`/api/v1/customers/${buyer}/transactions`, { type: 'purchase', amountFen: 8000, occurredAt: new Date(now.getTime() + 60_000).toISOString() }), 201);
    const rt = { now: () => now, fallbackUrl: 'http://localhost', log: () => {}, kick: async () => {} };
    await surveyClock(ctx.database.db, rt);
    const count = async () => (await q<{ n: number }>(sql`select count(*)::int as n from survey_invitations where survey_id = ${s.id} and source = 'trigger'`))[0]!.n;
    expect(await count()).toBe(0); // the delay has not passed
    now = new Date(now.getTime() + DAY + 120_000);
    await surveyClock(ctx.database.db, rt);
    await surveyClock(ctx.database.db, rt);
    expect(await count()).toBe(1);
    const [inv] = await q<{ customer_id: string; sent_at: string | null }>(sql`select customer_id, sent_at from survey_invitations where survey_id = ${s.id}`);
    expect(inv!.customer_id).toBe(buyer);
    expect(inv!.sent_at).not.toBeNull();
  });
});
