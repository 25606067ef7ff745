/**
 * More cases of idempotency.test.ts (every create honours Idempotency-Key), one block per module, kept here so the
 * test file stays within its size: each case says how to send a create in round `r` and what it counts.
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Client, TestContext } from '../../test/harness.js';
import { ok } from '../../test/http.js';

export type Sent = { url: string; body?: unknown; file?: Buffer; as?: Client };
export type Case = {
  /** The route as the OpenAPI document names it. */
  route: string;
  /** What to send in round `r` (each round gets fresh prerequisites and, where names are unique, a fresh name). */
  send: (r: number) => Sent | Promise<Sent>;
  /** The records the request creates (or the counter it moves). */
  count: () => Promise<number>;
  delta?: number;
  /** Waits for background work the answer started (a job), before counting. */
  after?: (res: LightMyRequestResponse) => Promise<void>;
};

export type CaseEnv = {
  ctx: () => TestContext;
  person: () => Record<string, any>;
  rows: (table: string) => () => Promise<number>;
  scalar: (query: string) => Promise<number>;
};

/** privacy: the erasure proposed (one proposal), and approved by a second admin (one erasure executed) (issue #18). */
function erasureCases(env: CaseEnv): Case[] {
  const { rows, scalar } = env;
  const admin = () => env.ctx().admin;
  /** A deletion request in progress about a new customer (each round its own), and — `proposed` — its erasure proposed. */
  async function deletionRequest(r: number, proposed = false): Promise<string> {
    const c = await env.ctx().newCustomer({ name: `幂等删除 ${r}`, phones: [`1370000${String(1000 + r).slice(-4)}`] });
    const body = { kind: 'deletion', requesterName: `幂等删除 ${r}`, customerId: c.id, verification: { method: 'in_person' } };
    const id = ok(await admin().post('/api/v1/privacy/requests', body), 201).id as string;
    ok(await admin().patch(`/api/v1/privacy/requests/${id}`, { status: 'in_progress' }));
    if (proposed) ok(await admin().post(`/api/v1/privacy/requests/${id}/erasure`), 201);
    return id;
  }
  let approver: Client | null = null;
  return [
    { route: '/api/v1/privacy/requests/{id}/erasure', send: async (r) => ({ url: `/api/v1/privacy/requests/${await deletionRequest(r)}/erasure` }), count: rows('privacy_erasures') },
    {
      route: '/api/v1/privacy/requests/{id}/erasure/approve',
      send: async (r) => {
        approver ??= await env.ctx().newUser({ role: 'admin' });
        return { url: `/api/v1/privacy/requests/${await deletionRequest(r, true)}/erasure/approve`, as: approver };
      },
      count: () => scalar('select count(*)::int as n from privacy_erasures where executed_at is not null'),
    },
  ];
}

export function moduleCases(env: CaseEnv): Case[] {
  const { rows, scalar } = env;
  const admin = () => env.ctx().admin;

  /** The outbox retention policy on: a dry run has something to run. */
  const retentionOn = async () => void ok(await admin().patch('/api/v1/privacy/retention/settings', { policies: [{ kind: 'outbox_messages', enabled: true }] }));

  /** A new feedback item's id (removed, when asked). */
  async function newFeedback(r: number, removed = false): Promise<string> {
    const id = ok(await admin().post('/api/v1/feedback', { text: `幂等反馈 ${r}：家里暖气漏水`, customerId: env.person().id }), 201).id as string;
    if (removed) expect((await admin().delete(`/api/v1/feedback/${id}`)).statusCode).toBe(204);
    return id;
  }

  /** A new member with `points` (booked by a small adjustment). */
  async function newMember(r: number, points = 0): Promise<string> {
    const c = await env.ctx().newCustomer({ name: `幂等会员 ${r}` });
    ok(await admin().post(`/api/v1/loyalty/members/${c.id}`, {}), 201);
    if (points) ok(await admin().post(`/api/v1/loyalty/members/${c.id}/adjustments`, { points, reason: '幂等测试' }), 201);
    return c.id as string;
  }
  let rewardId: string | null = null;
  async function reward(): Promise<string> {
    rewardId ??= ok(await admin().post('/api/v1/loyalty/rewards', { name: { zh: '幂等礼品' }, kind: 'gift', pointsCost: 10 }), 201).id as string;
    return rewardId!;
  }


  return [
    ...erasureCases(env),
    // privacy: a personal-information request about the file's person (issue #18)
    {
      route: '/api/v1/privacy/requests',
      send: (r) => ({ url: '/api/v1/privacy/requests', body: { kind: 'copy', requesterName: `幂等请求人 ${r}`, customerId: env.person().id } }),
      count: rows('privacy_requests'),
    },
    // privacy: an agent's withdrawal (one ledger entry), a consent text version, a retention dry run (issue #18)
    { route: '/api/v1/customers/{id}/consent', send: () => ({ url: `/api/v1/customers/${env.person().id}/consent`, body: { channel: 'sms', purpose: 'marketing', action: 'withdraw' } }), count: () => scalar("select count(*)::int as n from privacy_consent_entries where source = 'agent'") },
    { route: '/api/v1/privacy/consent-texts', send: (r) => ({ url: '/api/v1/privacy/consent-texts', body: { titleZh: `幂等同意书 ${r}`, bodyZh: '我同意……' } }), count: rows('privacy_consent_texts') },
    { route: '/api/v1/privacy/retention/runs', send: () => retentionOn().then(() => ({ url: '/api/v1/privacy/retention/runs' })), count: () => scalar("select count(*)::int as n from privacy_retention_runs where mode = 'dry_run'") },
    // views: a saved view of the ticket queue (a fresh name each round: names are unique per owner and page)
    {
      route: '/api/v1/views',
      send: (r) => ({ url: '/api/v1/views', body: { page: 'tickets', name: `幂等视图 ${r}`, state: { query: 'status=new', columns: ['title'] } } }),
      count: rows('saved_views'),
    },
    // tickets and tasks in bulk: a tag added to a new ticket (one 'updated' entry), a new task cancelled
    {
      route: '/api/v1/tickets/bulk',
      send: async (r) => {
        const tk = ok(await admin().post('/api/v1/tickets', { title: `批量幂等 ${r}`, type: 'repair' }), 201);
        return { url: '/api/v1/tickets/bulk', body: { action: 'tag', ids: [tk.id], tags: [`幂等标签${r}`] } };
      },
      count: () => scalar("select count(*)::int as n from ticket_events where kind = 'updated'"),
    },
    {
      route: '/api/v1/tasks/bulk',
      send: async (r) => {
        const task = ok(await admin().post('/api/v1/tasks', { type: 'other', title: `批量幂等 ${r}`, dueAt: '2030-01-01T09:00:00+08:00' }), 201);
        return { url: '/api/v1/tasks/bulk', body: { action: 'cancel', ids: [task.id] } };
      },
      count: () => scalar("select count(*)::int as n from tasks where status = 'cancelled'"),
    },
    // feedback: a create, a category, the public endpoint (by client address), a reply (one message), a ticket, a restore
    { route: '/api/v1/feedback', send: (r) => ({ url: '/api/v1/feedback', body: { text: `幂等反馈 ${r}：暖气不热`, customerId: env.person().id } }), count: rows('feedback_items') },
    { route: '/api/v1/feedback-categories', send: (r) => ({ url: '/api/v1/feedback-categories', body: { nameZh: `幂等反馈分类 ${r}` } }), count: rows('feedback_categories') },
    {
      route: '/api/v1/feedback-assignment-rules',
      send: (r) => ({ url: '/api/v1/feedback-assignment-rules', body: { name: `幂等分派规则 ${r}`, target: 'owner' } }),
      count: rows('feedback_assignment_rules'),
    },
    { route: '/api/v1/public/feedback', send: (r) => ({ url: '/api/v1/public/feedback', body: { text: `住户的反馈 ${r}：暖气不热` }, as: env.ctx().anon }), count: rows('feedback_items') },
    { route: '/api/v1/feedback/{id}/reply', send: async (r) => ({ url: `/api/v1/feedback/${await newFeedback(r)}/reply`, body: { body: `已安排维修 ${r}` } }), count: rows('messages') },
    { route: '/api/v1/feedback/{id}/ticket', send: async (r) => ({ url: `/api/v1/feedback/${await newFeedback(r)}/ticket` }), count: rows('tickets') },
    {
      route: '/api/v1/feedback/{id}/restore',
      send: async (r) => ({ url: `/api/v1/feedback/${await newFeedback(r, true)}/restore` }),
      count: () => scalar('select count(*)::int as n from feedback_items where deleted_at is null'),
    },
    // loyalty: enrol, an adjustment, its approval, a reward, a redemption (one debit), its cancel (one give-back)
    {
      route: '/api/v1/loyalty/members/{customerId}',
      send: async (r) => ({ url: `/api/v1/loyalty/members/${(await env.ctx().newCustomer({ name: `幂等入会 ${r}` })).id}` }),
      count: rows('loyalty_members'),
    },
    { route: '/api/v1/loyalty/members/{customerId}/adjustments', send: async (r) => ({ url: `/api/v1/loyalty/members/${await newMember(r)}/adjustments`, body: { points: 50, reason: `补录 ${r}` } }), count: rows('points_entries') },
    {
      route: '/api/v1/loyalty/adjustments/{id}/decision',
      send: async (r) => {
        const id = await newMember(r);
        const agent = await env.ctx().newUser({ role: 'manager' });
        const pending = ok(await agent.post(`/api/v1/loyalty/members/${id}/adjustments`, { points: 5000, reason: `大额补偿 ${r}` }), 201);
        return { url: `/api/v1/loyalty/adjustments/${pending.id}/decision`, body: { approve: true } };
      },
      count: rows('points_entries'),
    },
    { route: '/api/v1/loyalty/rewards', send: (r) => ({ url: '/api/v1/loyalty/rewards', body: { name: { zh: `幂等礼品 ${r}` }, kind: 'gift', pointsCost: 100 } }), count: rows('loyalty_rewards') },
    {
      route: '/api/v1/loyalty/members/{customerId}/redemptions',
      send: async (r) => ({ url: `/api/v1/loyalty/members/${await newMember(r, 100)}/redemptions`, body: { rewardId: await reward() } }),
      count: rows('loyalty_redemptions'),
    },
    {
      route: '/api/v1/loyalty/redemptions/{id}/cancel',
      send: async (r) => {
        const made = ok(await admin().post(`/api/v1/loyalty/members/${await newMember(r, 100)}/redemptions`, { rewardId: await reward() }), 201);
        return { url: `/api/v1/loyalty/redemptions/${made.id}/cancel` };
      },
      count: () => scalar("select count(*)::int as n from points_entries where kind = 'reverse'"),
    },
    {
      // 老带新: an agent's attribution of a new customer to a member's code (one referral row).
      route: '/api/v1/loyalty/referrals',
      send: async (r) => {
        const referrer = ok(await admin().get(`/api/v1/loyalty/members/${await newMember(r)}`)).referralCode as string;
        return { url: '/api/v1/loyalty/referrals', body: { refereeId: (await env.ctx().newCustomer({ name: `幂等被推荐人 ${r}` })).id, code: referrer } };
      },
      count: rows('loyalty_referrals'),
    },
    // heating: a notice to a building of its own (its household has no phone: blocked, still one notice), a rebuild
    // of the arrears read model (one run; waited for, since a second one is refused while it runs)
    {
      route: '/api/v1/heating/notices',
      send: async (r) => {
        await env.ctx().newCustomer({ name: `幂等住户 ${r}`, address: { compound: '幂等小区', building: `${r}号楼` }, consent: { sms: true } });
        return { url: '/api/v1/heating/notices', body: { kind: 'outage', compound: '幂等小区', building: `${r}号楼`, text: `幂等停暖通知 ${r}` } };
      },
      count: rows('heating_notices'),
    },
    {
      route: '/api/v1/heating/arrears/rebuild',
      send: () => ({ url: '/api/v1/heating/arrears/rebuild' }),
      after: async () => {
        for (let k = 0; k < 600 && ok(await admin().get('/api/v1/heating/arrears/summary')).running; k++) await new Promise((res) => setTimeout(res, 100));
      },
      count: rows('heating_arrears_runs'),
    },
  ];
}
