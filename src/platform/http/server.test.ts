/**
 * The HTTP platform: sign-in required everywhere but the public routes, CSRF defences, health, OpenAPI, 404s.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, countRows, createTestContext, TEST_DB_KIND, type TestContext } from '../../test/harness.js';
import { VERSION } from '../version.js';

type Problem = { type: string; title: string; status: number; detail: string; code: string; instance: string; errors: { field: string; message: string }[] };

function problemOf(res: LightMyRequestResponse, status: number): Problem {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = res.json() as Problem;
  expect(p.status).toBe(status);
  return p;
}

const SOME_ID = '5b0c7a9e-3d1f-4c2a-9e8b-7f6a5d4c3b2a';
const OTHER_ID = '0f1e2d3c-4b5a-4968-8776-655443322110';
/** A session's handle in the session list (a hash, not an id). */
const SESSION_HANDLE = '0123456789abcdef0123456789abcdef';

/** Every route that needs a signed-in user (or a token). */
const PROTECTED: [method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string][] = [
  ['GET', '/api/v1/auth/me'],
  ['POST', '/api/v1/auth/password'],
  // two-factor sign-in, sessions and the sign-in policy (issue #18)
  ['GET', '/api/v1/auth/two-factor'],
  ['POST', '/api/v1/auth/two-factor/enrol'],
  ['POST', '/api/v1/auth/two-factor/confirm'],
  ['POST', '/api/v1/auth/two-factor/verify'],
  ['POST', '/api/v1/auth/two-factor/recovery-codes'],
  ['POST', '/api/v1/auth/two-factor/disable'],
  ['DELETE', `/api/v1/users/${SOME_ID}/two-factor`],
  ['GET', '/api/v1/auth/sessions'],
  ['DELETE', `/api/v1/auth/sessions/${SESSION_HANDLE}`],
  ['POST', '/api/v1/auth/sessions/revoke-others'],
  ['GET', `/api/v1/users/${SOME_ID}/sessions`],
  ['DELETE', `/api/v1/users/${SOME_ID}/sessions`],
  ['GET', '/api/v1/security/settings'],
  ['PUT', '/api/v1/security/settings'],
  ['GET', '/api/v1/tokens'],
  ['POST', '/api/v1/tokens'],
  ['DELETE', `/api/v1/tokens/${SOME_ID}`],
  ['GET', '/api/v1/users'],
  ['POST', '/api/v1/users'],
  ['PATCH', `/api/v1/users/${SOME_ID}`],
  ['POST', `/api/v1/users/${SOME_ID}/password`],
  ['GET', '/api/v1/teams'],
  ['POST', '/api/v1/teams'],
  ['PATCH', `/api/v1/teams/${SOME_ID}`],
  ['DELETE', `/api/v1/teams/${SOME_ID}`],
  ['GET', '/api/v1/roles'],
  ['PATCH', '/api/v1/roles/agent'],
  ['GET', '/api/v1/roles/field-grants'],
  ['PUT', '/api/v1/roles/agent/field-grants'],
  ['GET', '/api/v1/settings'],
  ['PATCH', '/api/v1/settings'],
  ['PUT', '/api/v1/settings/logo'],
  ['DELETE', '/api/v1/settings/logo'],
  ['GET', '/api/v1/audit'],
  ['GET', '/api/v1/customers'],
  ['POST', '/api/v1/customers'],
  ['GET', '/api/v1/customers/tags'],
  ['POST', '/api/v1/customers/bulk/tags'],
  ['GET', '/api/v1/tags'],
  ['PUT', '/api/v1/tags/VIP'],
  ['POST', '/api/v1/tags/merge'],
  ['DELETE', '/api/v1/tags/VIP'],
  ['GET', '/api/v1/customers/duplicates'],
  ['GET', '/api/v1/customers/duplicate-check'],
  ['GET', '/api/v1/customers/field-access'],
  ['POST', '/api/v1/customers/duplicates/dismiss'],
  ['POST', '/api/v1/customers/merge'],
  ['GET', '/api/v1/customers/merges'],
  ['GET', `/api/v1/customers/merges/${SOME_ID}`],
  ['POST', `/api/v1/customers/merges/${SOME_ID}/undo`],
  ['GET', '/api/v1/customers/export.csv'],
  ['GET', '/api/v1/customers/export.xlsx'],
  ['GET', `/api/v1/customers/${SOME_ID}`],
  ['PATCH', `/api/v1/customers/${SOME_ID}`],
  ['DELETE', `/api/v1/customers/${SOME_ID}`],
  ['GET', '/api/v1/segments'],
  ['POST', '/api/v1/segments'],
  ['GET', '/api/v1/segments/fields'],
  ['POST', '/api/v1/segments/preview'],
  ['GET', `/api/v1/segments/refreshes/${SOME_ID}`],
  ['GET', `/api/v1/segments/${SOME_ID}`],
  ['PATCH', `/api/v1/segments/${SOME_ID}`],
  ['DELETE', `/api/v1/segments/${SOME_ID}`],
  ['POST', `/api/v1/segments/${SOME_ID}/restore`],
  ['POST', `/api/v1/segments/${SOME_ID}/refresh`],
  ['GET', `/api/v1/segments/${SOME_ID}/members`],
  ['POST', `/api/v1/segments/${SOME_ID}/members`],
  ['GET', `/api/v1/segments/${SOME_ID}/history`],
  ['POST', `/api/v1/segments/${SOME_ID}/members/remove`],
  ['GET', `/api/v1/segments/${SOME_ID}/members/export.csv`],
  ['GET', `/api/v1/segments/${SOME_ID}/members/export.xlsx`],
  ['POST', `/api/v1/segments/${SOME_ID}/members/import`],
  ['GET', '/api/v1/campaigns'],
  ['GET', '/api/v1/campaigns/settings'],
  ['PATCH', '/api/v1/campaigns/settings'],
  ['POST', '/api/v1/campaigns'],
  ['GET', `/api/v1/campaigns/${SOME_ID}`],
  ['PATCH', `/api/v1/campaigns/${SOME_ID}`],
  ['DELETE', `/api/v1/campaigns/${SOME_ID}`],
  ['POST', `/api/v1/campaigns/${SOME_ID}/approve`],
  ['POST', `/api/v1/campaigns/${SOME_ID}/schedule`],
  ['POST', `/api/v1/campaigns/${SOME_ID}/launch`],
  ['POST', `/api/v1/campaigns/${SOME_ID}/cancel`],
  ['GET', `/api/v1/campaigns/${SOME_ID}/results`],
  ['GET', `/api/v1/campaigns/${SOME_ID}/redemptions`],
  ['POST', `/api/v1/campaigns/${SOME_ID}/redemptions`],
  ['GET', '/api/v1/surveys'],
  ['POST', '/api/v1/surveys'],
  ['GET', '/api/v1/surveys/templates'],
  ['GET', `/api/v1/surveys/${SOME_ID}`],
  ['PATCH', `/api/v1/surveys/${SOME_ID}`],
  ['DELETE', `/api/v1/surveys/${SOME_ID}`],
  ['POST', `/api/v1/surveys/${SOME_ID}/restore`],
  ['POST', `/api/v1/surveys/${SOME_ID}/activate`],
  ['POST', `/api/v1/surveys/${SOME_ID}/close`],
  ['GET', `/api/v1/surveys/${SOME_ID}/versions`],
  ['GET', `/api/v1/surveys/${SOME_ID}/results`],
  ['GET', `/api/v1/surveys/${SOME_ID}/responses.xlsx`],
  ['GET', `/api/v1/surveys/${SOME_ID}/qr-codes`],
  ['POST', `/api/v1/surveys/${SOME_ID}/qr-codes`],
  ['DELETE', `/api/v1/surveys/${SOME_ID}/qr-codes/${OTHER_ID}`],
  ['GET', `/api/v1/surveys/${SOME_ID}/qr-codes/${OTHER_ID}.svg`],
  ['GET', `/api/v1/surveys/${SOME_ID}/qr-codes/${OTHER_ID}.png`],
  ['POST', `/api/v1/surveys/${SOME_ID}/sends`],
  ['GET', `/api/v1/surveys/${SOME_ID}/sends`],
  ['GET', `/api/v1/surveys/${SOME_ID}/sends/${OTHER_ID}`],
  ['POST', `/api/v1/surveys/${SOME_ID}/sends/${OTHER_ID}/cancel`],
  ['GET', `/api/v1/surveys/${SOME_ID}/invitations`],
  ['POST', `/api/v1/surveys/${SOME_ID}/invitations/${OTHER_ID}/withdraw`],
  ['POST', `/api/v1/surveys/${SOME_ID}/links`],
  ['POST', `/api/v1/surveys/${SOME_ID}/reminders`],
  ['GET', `/api/v1/surveys/${SOME_ID}/triggers`],
  ['PUT', `/api/v1/surveys/${SOME_ID}/triggers`],
  ['POST', '/api/v1/coupons/redemptions'],
  ['GET', `/api/v1/customers/${SOME_ID}/coupons`],
  ['GET', '/api/v1/kb/categories'],
  ['POST', '/api/v1/kb/categories'],
  ['PATCH', `/api/v1/kb/categories/${SOME_ID}`],
  ['DELETE', `/api/v1/kb/categories/${SOME_ID}`],
  ['GET', '/api/v1/dashboards/home'],
  ['GET', '/api/v1/goals/metrics'],
  ['GET', '/api/v1/goals'],
  ['POST', '/api/v1/goals'],
  ['GET', `/api/v1/goals/${SOME_ID}`],
  ['PATCH', `/api/v1/goals/${SOME_ID}`],
  ['DELETE', `/api/v1/goals/${SOME_ID}`],
  ['POST', `/api/v1/goals/${SOME_ID}/restore`],
  ['GET', '/api/v1/views?page=tickets'],
  ['POST', '/api/v1/views'],
  ['PATCH', `/api/v1/views/${SOME_ID}`],
  ['DELETE', `/api/v1/views/${SOME_ID}`],
  ['POST', `/api/v1/views/${SOME_ID}/restore`],
  ['GET', '/api/v1/performance'],
  ['GET', '/api/v1/performance/export.xlsx'],
  ['GET', '/api/v1/performance/weights'],
  ['PUT', '/api/v1/performance/weights'],
  ['GET', '/api/v1/performance/notes'],
  ['POST', '/api/v1/performance/notes'],
  ['DELETE', `/api/v1/performance/notes/${SOME_ID}`],
  ['GET', '/api/v1/reports/subscriptions'],
  ['POST', '/api/v1/reports/subscriptions'],
  ['PATCH', `/api/v1/reports/subscriptions/${SOME_ID}`],
  ['DELETE', `/api/v1/reports/subscriptions/${SOME_ID}`],
  ['GET', `/api/v1/reports/subscriptions/${SOME_ID}/deliveries`],
  ['GET', '/api/v1/reports/service'],
  ['GET', '/api/v1/reports/service/export.xlsx'],
  ['GET', '/api/v1/reports/service/export.pdf'],
  ['GET', '/api/v1/kb/articles'],
  ['POST', '/api/v1/kb/articles'],
  ['GET', `/api/v1/kb/articles/${SOME_ID}`],
  ['PATCH', `/api/v1/kb/articles/${SOME_ID}`],
  ['DELETE', `/api/v1/kb/articles/${SOME_ID}`],
  ['POST', `/api/v1/kb/articles/${SOME_ID}/restore`],
  ['GET', `/api/v1/kb/articles/${SOME_ID}/versions`],
  ['POST', `/api/v1/kb/articles/${SOME_ID}/uses`],
  ['GET', '/api/v1/kb/suggestions'],
  ['GET', '/api/v1/search'],
  ['POST', '/api/v1/kb/suggestions'],
  ['POST', `/api/v1/kb/articles/${SOME_ID}/versions/1/restore`],
  ['POST', '/api/v1/analytics/runs'],
  ['GET', '/api/v1/analytics/runs'],
  ['GET', `/api/v1/analytics/runs/${SOME_ID}`],
  ['GET', '/api/v1/analytics/rfm'],
  ['GET', '/api/v1/analytics/tiers'],
  ['GET', '/api/v1/analytics/matrix'],
  ['GET', '/api/v1/analytics/clv-histogram'],
  ['GET', '/api/v1/analytics/churn'],
  ['GET', '/api/v1/analytics/movement'],
  ['GET', `/api/v1/customers/${SOME_ID}/analytics`],
  ['GET', '/api/v1/analytics/settings'],
  ['GET', '/api/v1/analytics/scorecard-inputs'],
  ['PUT', '/api/v1/analytics/settings'],
  ['POST', `/api/v1/customers/${SOME_ID}/restore`],
  ['POST', `/api/v1/customers/${SOME_ID}/reveal`],
  ['GET', `/api/v1/customers/${SOME_ID}/history`],
  ['GET', `/api/v1/customers/${SOME_ID}/summary`],
  ['GET', `/api/v1/customers/${SOME_ID}/contacts`],
  ['POST', `/api/v1/customers/${SOME_ID}/contacts`],
  ['PATCH', `/api/v1/customers/${SOME_ID}/contacts/${OTHER_ID}`],
  ['DELETE', `/api/v1/customers/${SOME_ID}/contacts/${OTHER_ID}`],
  ['GET', `/api/v1/customers/${SOME_ID}/transactions`],
  ['POST', `/api/v1/customers/${SOME_ID}/transactions`],
  ['GET', `/api/v1/customers/${SOME_ID}/transactions/summary`],
  ['DELETE', `/api/v1/transactions/${SOME_ID}`],
  ['POST', `/api/v1/transactions/${SOME_ID}/restore`],
  ['GET', `/api/v1/customers/${SOME_ID}/timeline`],
  ['GET', `/api/v1/customers/${SOME_ID}/interactions`],
  ['POST', `/api/v1/customers/${SOME_ID}/interactions`],
  ['PATCH', `/api/v1/interactions/${SOME_ID}`],
  ['DELETE', `/api/v1/interactions/${SOME_ID}`],
  ['POST', `/api/v1/interactions/${SOME_ID}/restore`],
  ['GET', '/api/v1/tasks/mine'],
  ['GET', '/api/v1/tasks/mine/counts'],
  ['GET', '/api/v1/notifications'],
  ['GET', '/api/v1/notifications/unread-count'],
  ['POST', `/api/v1/notifications/${SOME_ID}/read`],
  ['POST', '/api/v1/notifications/read-all'],
  ['GET', '/api/v1/notifications/settings'],
  ['PUT', '/api/v1/notifications/settings'],
  ['GET', '/api/v1/tasks/assignees'],
  ['GET', '/api/v1/tasks'],
  ['POST', '/api/v1/tasks'],
  ['PATCH', `/api/v1/tasks/${SOME_ID}`],
  ['POST', `/api/v1/tasks/${SOME_ID}/complete`],
  ['POST', '/api/v1/tasks/bulk'],
  ['POST', '/api/v1/imports?kind=customers&fileName=a.csv'],
  ['GET', '/api/v1/imports'],
  ['GET', '/api/v1/demo'],
  ['POST', '/api/v1/demo'],
  ['GET', `/api/v1/imports/${SOME_ID}`],
  ['POST', `/api/v1/imports/${SOME_ID}/start`],
  ['POST', `/api/v1/imports/${SOME_ID}/cancel`],
  ['GET', `/api/v1/imports/${SOME_ID}/rejects`],
  ['GET', `/api/v1/imports/${SOME_ID}/report.xlsx`],
  ['GET', '/api/v1/import-templates'],
  ['DELETE', `/api/v1/import-templates/${SOME_ID}`],
  ['GET', '/api/v1/products'],
  ['POST', '/api/v1/products'],
  ['PATCH', `/api/v1/products/${SOME_ID}`],
  ['DELETE', `/api/v1/products/${SOME_ID}`],
  ['GET', '/api/v1/custom-fields'],
  ['POST', '/api/v1/custom-fields'],
  ['PATCH', `/api/v1/custom-fields/${SOME_ID}`],
  ['DELETE', `/api/v1/custom-fields/${SOME_ID}`],
  ['POST', `/api/v1/custom-fields/${SOME_ID}/restore`],
  ['GET', '/api/v1/message-templates'],
  ['POST', '/api/v1/message-templates'],
  ['GET', `/api/v1/message-templates/${SOME_ID}`],
  ['PATCH', `/api/v1/message-templates/${SOME_ID}`],
  ['DELETE', `/api/v1/message-templates/${SOME_ID}`],
  ['POST', `/api/v1/message-templates/${SOME_ID}/restore`],
  ['POST', `/api/v1/message-templates/${SOME_ID}/preview`],
  ['GET', `/api/v1/customers/${SOME_ID}/messages`],
  ['POST', `/api/v1/customers/${SOME_ID}/messages`],
  ['GET', '/api/v1/messages'],
  ['GET', `/api/v1/messages/${SOME_ID}`],
  ['POST', `/api/v1/messages/${SOME_ID}/retry`],
  ['GET', '/api/v1/message-settings'],
  ['PATCH', '/api/v1/message-settings'],
  // care
  ['GET', '/api/v1/care/plans'],
  ['POST', '/api/v1/care/plans'],
  ['PATCH', `/api/v1/care/plans/${SOME_ID}`],
  ['DELETE', `/api/v1/care/plans/${SOME_ID}`],
  ['GET', '/api/v1/care/rules'],
  ['POST', '/api/v1/care/rules'],
  ['PATCH', `/api/v1/care/rules/${SOME_ID}`],
  ['DELETE', `/api/v1/care/rules/${SOME_ID}`],
  ['POST', '/api/v1/care/rules/preview'],
  ['POST', '/api/v1/care/run'],
  ['GET', '/api/v1/care/coverage'],
  // tickets
  ['GET', '/api/v1/tickets'],
  ['POST', '/api/v1/tickets'],
  ['GET', `/api/v1/tickets/${SOME_ID}`],
  ['PATCH', `/api/v1/tickets/${SOME_ID}`],
  ['POST', `/api/v1/tickets/${SOME_ID}/status`],
  ['POST', `/api/v1/tickets/${SOME_ID}/assign`],
  ['POST', `/api/v1/tickets/${SOME_ID}/notes`],
  ['POST', `/api/v1/tickets/${SOME_ID}/replies`],
  ['POST', `/api/v1/tickets/${SOME_ID}/resolve`],
  ['POST', `/api/v1/tickets/${SOME_ID}/reopen`],
  ['POST', `/api/v1/tickets/${SOME_ID}/merge`],
  ['POST', `/api/v1/tickets/${SOME_ID}/reveal`],
  ['GET', `/api/v1/tickets/${SOME_ID}/customer-candidates`],
  ['POST', '/api/v1/tickets/bulk'],
  ['GET', '/api/v1/tickets/tags'],
  ['POST', `/api/v1/tickets/${SOME_ID}/attachments`],
  ['GET', `/api/v1/tickets/${SOME_ID}/attachments/${OTHER_ID}`],
  ['GET', '/api/v1/ticket-categories'],
  ['POST', '/api/v1/ticket-categories'],
  ['PATCH', `/api/v1/ticket-categories/${SOME_ID}`],
  ['GET', '/api/v1/ticket-root-causes'],
  ['POST', '/api/v1/ticket-root-causes'],
  ['PATCH', `/api/v1/ticket-root-causes/${SOME_ID}`],
  ['GET', '/api/v1/ticket-assignment-rules'],
  ['POST', '/api/v1/ticket-assignment-rules'],
  ['PATCH', `/api/v1/ticket-assignment-rules/${SOME_ID}`],
  ['DELETE', `/api/v1/ticket-assignment-rules/${SOME_ID}`],
  // sla
  ['GET', '/api/v1/tickets/sla/calendars'],
  ['POST', '/api/v1/tickets/sla/calendars'],
  ['PATCH', `/api/v1/tickets/sla/calendars/${SOME_ID}`],
  ['DELETE', `/api/v1/tickets/sla/calendars/${SOME_ID}`],
  ['GET', '/api/v1/tickets/sla/policies'],
  ['POST', '/api/v1/tickets/sla/policies'],
  ['PATCH', `/api/v1/tickets/sla/policies/${SOME_ID}`],
  ['GET', '/api/v1/tickets/reports'],
  // feedback
  ['GET', '/api/v1/feedback'],
  ['POST', '/api/v1/feedback'],
  ['GET', `/api/v1/feedback/${SOME_ID}`],
  ['PATCH', `/api/v1/feedback/${SOME_ID}`],
  ['DELETE', `/api/v1/feedback/${SOME_ID}`],
  ['POST', `/api/v1/feedback/${SOME_ID}/restore`],
  ['POST', `/api/v1/feedback/${SOME_ID}/reply`],
  ['POST', `/api/v1/feedback/${SOME_ID}/ticket`],
  ['POST', '/api/v1/feedback/bulk'],
  ['GET', '/api/v1/feedback-assignment-rules'],
  ['POST', '/api/v1/feedback-assignment-rules'],
  ['PATCH', `/api/v1/feedback-assignment-rules/${SOME_ID}`],
  ['DELETE', `/api/v1/feedback-assignment-rules/${SOME_ID}`],
  ['GET', '/api/v1/feedback-settings/inbound'],
  ['PATCH', '/api/v1/feedback-settings/inbound'],
  ['GET', '/api/v1/feedback-categories'],
  ['POST', '/api/v1/feedback-categories'],
  ['PATCH', `/api/v1/feedback-categories/${SOME_ID}`],
  ['GET', '/api/v1/feedback-analysis/trends'],
  ['GET', '/api/v1/feedback-analysis/sentiment'],
  ['GET', '/api/v1/feedback-analysis/keywords'],
  ['GET', '/api/v1/feedback-analysis/hot-topics'],
  ['GET', '/api/v1/feedback-models'],
  ['POST', '/api/v1/feedback-models/retrain'],
  ['GET', `/api/v1/feedback-models/runs/${SOME_ID}`],
  // loyalty
  ['GET', '/api/v1/loyalty/programme'],
  ['PUT', '/api/v1/loyalty/programme'],
  ['GET', '/api/v1/loyalty/members'],
  ['GET', `/api/v1/loyalty/members/${SOME_ID}`],
  ['POST', `/api/v1/loyalty/members/${SOME_ID}`],
  ['PUT', `/api/v1/loyalty/members/${SOME_ID}/tier`],
  ['GET', `/api/v1/loyalty/members/${SOME_ID}/ledger`],
  ['GET', `/api/v1/loyalty/members/${SOME_ID}/tiers`],
  ['POST', `/api/v1/loyalty/members/${SOME_ID}/adjustments`],
  ['GET', '/api/v1/loyalty/adjustments'],
  ['POST', `/api/v1/loyalty/adjustments/${SOME_ID}/decision`],
  ['GET', '/api/v1/loyalty/rewards'],
  ['POST', '/api/v1/loyalty/rewards'],
  ['PUT', `/api/v1/loyalty/rewards/${SOME_ID}`],
  ['DELETE', `/api/v1/loyalty/rewards/${SOME_ID}`],
  ['POST', `/api/v1/loyalty/members/${SOME_ID}/redemptions`],
  ['POST', `/api/v1/loyalty/members/${SOME_ID}/link`],
  ['POST', `/api/v1/loyalty/members/${SOME_ID}/link/revoke`],
  ['GET', '/api/v1/loyalty/redemptions'],
  ['POST', `/api/v1/loyalty/redemptions/${SOME_ID}/cancel`],
  ['GET', '/api/v1/loyalty/referrals'],
  ['POST', '/api/v1/loyalty/referrals'],
  ['GET', '/api/v1/loyalty/reports'],
  ['GET', '/api/v1/heating/tree'],
  ['GET', '/api/v1/heating/arrears'],
  ['GET', '/api/v1/heating/arrears/summary'],
  ['POST', '/api/v1/heating/arrears/rebuild'],
  ['GET', '/api/v1/heating/notices'],
  ['GET', '/api/v1/heating/notices/preview'],
  ['POST', '/api/v1/heating/notices'],
  ['GET', `/api/v1/heating/notices/${SOME_ID}`],
  ['GET', '/api/v1/privacy/requests'],
  ['POST', '/api/v1/privacy/requests'],
  ['GET', `/api/v1/privacy/requests/${SOME_ID}`],
  ['PATCH', `/api/v1/privacy/requests/${SOME_ID}`],
  ['GET', `/api/v1/privacy/requests/${SOME_ID}/export`],
  ['GET', '/api/v1/privacy/hooks'],
  ['GET', `/api/v1/privacy/requests/${SOME_ID}/erasure`],
  ['POST', `/api/v1/privacy/requests/${SOME_ID}/erasure`],
  ['POST', `/api/v1/privacy/requests/${SOME_ID}/erasure/withdraw`],
  ['POST', `/api/v1/privacy/requests/${SOME_ID}/erasure/approve`],
  // 同意记录 and 数据保留 (issue #18 items 4, 5)
  ['GET', `/api/v1/customers/${SOME_ID}/consent`],
  ['POST', `/api/v1/customers/${SOME_ID}/consent`],
  ['GET', '/api/v1/privacy/consent-texts'],
  ['POST', '/api/v1/privacy/consent-texts'],
  ['PATCH', `/api/v1/privacy/consent-texts/${SOME_ID}`],
  ['GET', '/api/v1/privacy/retention/settings'],
  ['PATCH', '/api/v1/privacy/retention/settings'],
  ['GET', '/api/v1/privacy/retention/runs'],
  ['GET', `/api/v1/privacy/retention/runs/${SOME_ID}`],
  ['POST', '/api/v1/privacy/retention/runs'],
  ['POST', `/api/v1/privacy/retention/runs/${SOME_ID}/apply`],
];

/** Reachable without signing in. */
const PUBLIC = new Set([
  'GET /api/v1/setup',
  'POST /api/v1/setup',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'GET /api/v1/auth/two-factor/pending', // where a half-finished sign-in stands, after a reload (issue #18)
  // The unsubscribe link in emails and the SMS provider's inbound callback (which carries its own key).
  'GET /api/v1/unsubscribe/:token',
  'POST /api/v1/unsubscribe/:token',
  'POST /api/v1/unsubscribe/:token/marketing', // the objection to automated marketing (PIPL Art. 24), one click
  'POST /api/v1/messages/inbound/sms',
  // The company's name, logo and hotline on every public page.
  'GET /api/v1/public/branding',
  // The knowledge base's public answers page.
  'GET /api/v1/public/kb/categories',
  'GET /api/v1/public/kb/articles',
  'GET /api/v1/public/kb/articles/:id',
  // The tickets' public report form and follow link (the token is the secret).
  'GET /api/v1/public/ticket-categories',
  'POST /api/v1/public/tickets',
  'GET /api/v1/public/tickets/:token',
  'POST /api/v1/public/tickets/:token/rating',
  'POST /api/v1/public/tickets/:token/replies',
  'POST /api/v1/public/tickets/:token/reopen',
  'POST /api/v1/public/tickets/:token/attachments',
  'GET /api/v1/public/tickets/:token/attachments/:attachmentId',
  // The public feedback endpoint (the page /f is HTML, outside the API document).
  'POST /api/v1/public/feedback',
  // The feedback inbox's inbound callbacks (each carries its channel's key or WeChat's signature).
  'POST /api/v1/public/feedback/inbound/sms',
  'GET /api/v1/public/feedback/inbound/wechat',
  'POST /api/v1/public/feedback/inbound/wechat',
  'POST /api/v1/public/feedback/inbound/email',
]);

describe('HTTP platform', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('gives each plugin two minutes to start, not avvio’s 10 s (a start at load 10+ in CI failed on it)', () => {
    expect(ctx.app.initialConfig.pluginTimeout).toBe(120_000);
  });

  describe('without a session', () => {
    it('the list of protected routes covers every documented non-public route', async () => {
      const doc = (await ctx.anon.get('/api/docs/json')).json() as { paths: Record<string, Record<string, unknown>> };
      const documented: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops)) {
          const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
          if (!PUBLIC.has(key)) documented.push(key);
        }
      }
      const listed = new Set(
        PROTECTED.map(([m, u]) =>
          `${m} ${u
            .replace(`/contacts/${OTHER_ID}`, '/contacts/:contactId')
            .replace(`/attachments/${OTHER_ID}`, '/attachments/:attachmentId')
            .replace(`/qr-codes/${OTHER_ID}`, '/qr-codes/:qrId')
            .replace(`/sends/${OTHER_ID}`, '/sends/:sendId')
            .replace(`/invitations/${OTHER_ID}`, '/invitations/:invId')
            .replace(`/loyalty/members/${SOME_ID}`, '/loyalty/members/:customerId')
            .replace(SESSION_HANDLE, ':id')
            .replace(SOME_ID, ':id')
            .replace('/roles/agent', '/roles/:key')
            .replace('/tags/VIP', '/tags/:tag')
            .replace('/reports/service', '/reports/:kind')
            .replace('/versions/1/restore', '/versions/:n/restore')
            .replace(/\?.*$/, '')}`,
        ),
      );
      expect(documented.filter((k) => !listed.has(k))).toEqual([]);
      expect(documented.length).toBe(PROTECTED.length);
    });

    for (const [method, url] of PROTECTED) {
      it(`${method} ${url} → 401 problem+json`, async () => {
        const body = method === 'GET' ? undefined : { name: '匿名' };
        const res = await ctx.anon.request(method, url, body);
        const p = problemOf(res, 401);
        expect(p.code).toBe('unauthenticated');
        expect(p.detail).toBe('请先登录');
        expect(p.instance).toBe(url.split('?')[0]);
      });
    }

    it('answers in English with Accept-Language: en', async () => {
      const p = problemOf(await ctx.anon.lang('en').get('/api/v1/customers'), 401);
      expect(p.detail).toBe('Please sign in first');
    });

    it('an unknown or ended session cookie → 401 "session expired"', async () => {
      const stale = new Client(ctx.app, 'hearth_session=not-a-real-session', 'x');
      const p = problemOf(await stale.get('/api/v1/customers'), 401);
      expect(p.detail).toContain('会话已过期');
      expect(problemOf(await stale.lang('en').get('/api/v1/auth/me'), 401).detail).toContain('session has expired');
    });

    it('an unknown Bearer token → 401, even on a public route', async () => {
      const bogus = new Client(ctx.app, null, null, null, { authorization: 'Bearer hth_deadbeef_nope' });
      expect(problemOf(await bogus.get('/api/v1/customers'), 401).code).toBe('unauthenticated');
      expect(problemOf(await bogus.get('/api/v1/setup'), 401).code).toBe('unauthenticated');
    });

    it('public routes work without a session', async () => {
      expect((await ctx.anon.get('/api/v1/setup')).json()).toEqual({ needed: false, companyName: '测试热力公司' });
      expect((await ctx.anon.get('/api/health')).statusCode).toBe(200);
      expect((await ctx.anon.post('/api/v1/auth/logout')).statusCode).toBe(204);
    });
  });

  describe('CSRF', () => {
    it('a cross-site form post with a valid session cookie but no CSRF header → 403, nothing written', async () => {
      const before = { customers: await countRows(ctx.database, 'customers'), audit: await countRows(ctx.database, 'audit_log') };
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/customers',
        headers: {
          cookie: ctx.admin.cookie!,
          origin: 'http://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'name=%E9%BB%91%E5%AE%A2&phones=13812345678',
      });
      const p = problemOf(res, 403);
      expect(p.code).toBe('csrf');
      expect(p.detail).toBe('跨站请求已被拒绝');
      expect(await countRows(ctx.database, 'customers')).toBe(before.customers);
      expect(await countRows(ctx.database, 'audit_log')).toBe(before.audit);
    });

    it('a cross-site request is refused even when it carries the CSRF token (Sec-Fetch-Site / Origin)', async () => {
      const before = await countRows(ctx.database, 'customers');
      const bySite = await ctx.admin.post('/api/v1/customers', { name: '跨站' }, { 'sec-fetch-site': 'cross-site' });
      expect(problemOf(bySite, 403).code).toBe('csrf');
      const byOrigin = await ctx.admin.lang('en').post('/api/v1/customers', { name: '跨站' }, { origin: 'https://evil.example' });
      expect(problemOf(byOrigin, 403).detail).toBe('Cross-site request refused');
      const badOrigin = await ctx.admin.post('/api/v1/customers', { name: '跨站' }, { origin: 'not a url' });
      expect(problemOf(badOrigin, 403).code).toBe('csrf');
      expect(await countRows(ctx.database, 'customers')).toBe(before);
    });

    it('a cookie request without (or with a wrong) x-csrf-token → 403 and nothing written', async () => {
      const noCsrf = new Client(ctx.app, ctx.admin.cookie, null, ctx.admin.userId);
      const wrongCsrf = new Client(ctx.app, ctx.admin.cookie, 'wrong-token', ctx.admin.userId);
      const before = await countRows(ctx.database, 'customers');
      expect(problemOf(await noCsrf.post('/api/v1/customers', { name: '无令牌' }), 403).code).toBe('csrf');
      expect(problemOf(await wrongCsrf.post('/api/v1/customers', { name: '错令牌' }), 403).code).toBe('csrf');
      expect(problemOf(await noCsrf.patch('/api/v1/settings', { companyName: '被改了' }), 403).code).toBe('csrf');
      expect(await countRows(ctx.database, 'customers')).toBe(before);
      expect((await ctx.admin.get('/api/v1/settings')).json().companyName).toBe('测试热力公司');
      // Reading needs no CSRF header.
      expect((await noCsrf.get('/api/v1/customers')).statusCode).toBe(200);
      // The same session with its token writes.
      expect((await ctx.admin.post('/api/v1/customers', { name: '有令牌' })).statusCode).toBe(201);
    });

    it('Bearer-token requests need no CSRF header', async () => {
      const created = await ctx.admin.post('/api/v1/tokens', { name: '集成测试', permissions: ['customer:read', 'customer:write'] });
      expect(created.statusCode).toBe(201);
      const bearer = new Client(ctx.app, null, null, null, { authorization: `Bearer ${created.json().token}` });
      const res = await bearer.post('/api/v1/customers', { name: '令牌创建的客户' });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json().name).toBe('令牌创建的客户');
      const audit = (await ctx.admin.get('/api/v1/audit?entityType=customer&action=create&limit=1')).json().items[0];
      expect(audit).toMatchObject({ entityId: res.json().id, via: 'token', actorId: ctx.admin.userId });
    });
  });

  describe('platform routes', () => {
    it('GET /api/health returns the version and the database kind', async () => {
      const res = await ctx.anon.get('/api/health');
      expect(res.json()).toEqual({ status: 'ok', version: VERSION, database: TEST_DB_KIND });
      expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('/api/docs/json is an OpenAPI document listing the customer routes', async () => {
      const res = await ctx.anon.get('/api/docs/json');
      expect(res.statusCode).toBe(200);
      const doc = res.json() as { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, unknown>> };
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.info).toMatchObject({ title: 'Hearth API', version: VERSION });
      expect(Object.keys(doc.paths['/api/v1/customers'] ?? {}).sort()).toEqual(['get', 'post']);
      expect(doc.paths['/api/v1/customers/{id}']).toBeDefined();
      expect(doc.paths['/api/health']).toBeUndefined();
    });

    it('an unknown /api route → 404 problem+json, signed in or not, any method', async () => {
      for (const client of [ctx.anon, ctx.admin]) {
        const p = problemOf(await client.get('/api/v1/nope'), 404);
        expect(p).toMatchObject({ code: 'not_found', detail: '找不到该资源', instance: '/api/v1/nope' });
        expect(problemOf(await client.post('/api/v1/customers/nope/also-nope', {}), 404).code).toBe('not_found');
      }
      expect(problemOf(await ctx.anon.lang('en').get('/api/nothing-here'), 404).detail).toBe('Not found');
    });
  });
});
