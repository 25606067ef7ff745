/**
 * The demo's outreach (outreach.ts), loaded: a small load fills the surveys' and campaigns' pages (read through the
 * API: responses with an NPS figure, a finished campaign with its messages and results, drafts), and a load
 * interrupted at the outreach's scripts — with the parts that run outside the checkpoint played once more — ends with
 * exactly what an uninterrupted load has.
 *
 * On PostgreSQL only: two demo loads with their history, 6× the time on PGlite (124 s against 20 in CI), and what
 * they check is the demo's outreach, not the database. Loading on PGlite is shown by demo.test.ts,
 * slice.pglite.test.ts and e2e/demo.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../platform/auth/permissions.js';
import { createTestContext, type Client, type TestContext } from '../../test/harness.js';
import { planActivity } from './activity.js';
import { loadDemo } from './demo.service.js';
import { household, planDemo } from './generator.js';
import { playOutreachRun, type OutreachScript } from './outreach.js';

const SIZE = 600;
type Step = OutreachScript['step'];
const steps = (scripts: { kind: string }[], step: Step) => scripts.filter((s): s is OutreachScript => s.kind === 'outreach' && (s as OutreachScript).step === step);

type SurveyItem = { id: string; name: string; status: string; invitedCount: number; responseCount: number };
type CampaignItem = { id: string; name: string; status: string; treatedCount: number; holdoutCount: number };

async function listAll<T>(c: Client, path: string): Promise<T[]> {
  const out: T[] = [];
  for (let cursor: string | null = null, page = 0; page < 50; page++) {
    const res = (await c.get(`${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json() as { items: T[]; nextCursor: string | null };
    out.push(...res.items);
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return out;
}

/** What the pages show of the outreach, in a form two loads can be compared by. */
async function outreachBrief(c: Client) {
  const surveys = (await c.get('/api/v1/surveys?limit=50')).json().items as SurveyItem[];
  const campaigns = (await c.get('/api/v1/campaigns?limit=50')).json().items as CampaignItem[];
  const out: string[] = [];
  for (const s of surveys) {
    const r = (await c.get(`/api/v1/surveys/${s.id}/results`)).json();
    out.push(`survey ${s.name} ${s.status} ${s.invitedCount} ${s.responseCount} nps=${JSON.stringify(r.nps)} csat=${r.csat.n} ces=${r.ces.n}`);
  }
  for (const x of campaigns) {
    const r = (await c.get(`/api/v1/campaigns/${x.id}/results`)).json();
    // Who is held out is the campaign's own random draw: the sizes, the messages and all responders are not.
    out.push(`campaign ${x.name} ${x.status} ${x.treatedCount} ${x.holdoutCount} messages=${r.messages.total} responded=${r.treated.responded + r.holdout.responded}`);
  }
  // By template (not status: whom a campaign holds out, and so whose message is suppressed for want of consent, is the
  // campaign's random draw).
  const messages = await listAll<{ templateName: string | null }>(c, '/api/v1/messages');
  const byTemplate = new Map<string, number>();
  for (const m of messages) byTemplate.set(`${m.templateName}`, (byTemplate.get(`${m.templateName}`) ?? 0) + 1);
  out.push(...[...byTemplate].map(([k, n]) => `messages ${k} ${n}`));
  const feedback = await listAll<{ source: string; text: string; createdAt: string }>(c, '/api/v1/feedback');
  out.push(...feedback.filter((f) => f.source === 'survey').map((f) => `feedback ${f.createdAt} ${f.text}`));
  return out.sort();
}

describe('the demo outreach, loaded', () => {
  let ctx: TestContext;
  let other: TestContext;
  // A seed whose finished campaign's audience buys services in its window (the plan says so, below).
  const params = { seed: 8, size: SIZE, asOf: '2026-12-06' };
  const activity = { log: () => undefined, fallbackUrl: 'http://localhost:3000' };
  const actor = systemActor('cli');
  beforeAll(async () => {
    ctx = await createTestContext();
    other = await createTestContext();
  });
  afterAll(async () => {
    await ctx.close();
    await other.close();
  });

  it('fills the surveys and campaigns pages: answers with an NPS figure, a finished campaign with its results, drafts', async () => {
    const loaded = await loadDemo(ctx.database.db, actor, params, { activity });
    expect(loaded.status).toBe('done');
    const scripts = planActivity(planDemo(params));
    const answers = steps(scripts, 'answer');

    const surveys = (await ctx.admin.get('/api/v1/surveys?limit=50')).json().items as SurveyItem[];
    const heating = surveys.find((s) => s.name.startsWith('供暖满意度调查'))!;
    const sample = scripts.find((s): s is Extract<OutreachScript, { step: 'survey' }> => s.kind === 'outreach' && s.step === 'survey')!.customerIds;
    expect(heating.invitedCount).toBe(sample.length);
    expect(heating.responseCount).toBe(answers.length);
    const results = (await ctx.admin.get(`/api/v1/surveys/${heating.id}/results`)).json();
    expect(results.responses).toBe(answers.length);
    expect(results.nps.n).toBe(answers.length);
    const scores = answers.map((a) => (a.step === 'answer' ? a.nps : -1));
    const promoters = scores.filter((x) => x >= 9).length;
    const detractors = scores.filter((x) => x <= 6).length;
    expect(results.nps).toMatchObject({ promoters, detractors });
    expect(results.nps.nps).toBeCloseTo((100 * (promoters - detractors)) / answers.length, 6);
    expect(results.csat.n).toBe(answers.length);
    const comments = answers.filter((a) => a.step === 'answer' && a.comment).length;
    expect(results.questions.find((q: { id: string }) => q.id === 'comment').answered).toBe(comments);
    // The reminder went to those who had not answered yet; the comments reached the feedback inbox.
    const sends = (await ctx.admin.get(`/api/v1/surveys/${heating.id}/sends`)).json().items;
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({ status: 'done', counts: { invited: heating.invitedCount } });
    const repair = surveys.find((s) => s.name === '维修回访满意度')!;
    const repairResults = (await ctx.admin.get(`/api/v1/surveys/${repair.id}/results`)).json();
    const repairComments = repairResults.questions.find((q: { id: string }) => q.id === 'improve').answered as number;
    const feedback = (await ctx.admin.get('/api/v1/feedback?limit=100')).json().items as { source: string }[];
    expect(feedback.filter((f) => f.source === 'survey').length).toBe(comments + repairComments);
    expect(repair.status).toBe('active');
    expect((await ctx.admin.get(`/api/v1/surveys/${repair.id}/triggers`)).json().items).toMatchObject([{ on: 'repair_done', delayDays: 1, channel: 'sms' }]);
    expect(repair.responseCount).toBeLessThanOrEqual(repair.invitedCount);
    expect(surveys.find((s) => s.status === 'draft')?.name).toBe('供热服务质量年度调查（SERVQUAL）');

    const campaigns = (await ctx.admin.get('/api/v1/campaigns?limit=50')).json().items as CampaignItem[];
    expect(campaigns.map((c) => c.status).sort()).toEqual(['draft', 'ended', 'running']);
    const ended = campaigns.find((c) => c.status === 'ended')!;
    const audience = scripts.find((s): s is Extract<OutreachScript, { step: 'campaign' }> => s.kind === 'outreach' && s.step === 'campaign' && s.key === 'maintenance')!.audience;
    expect(ended.treatedCount + ended.holdoutCount).toBe(audience.length);
    expect(ended.holdoutCount).toBe(Math.floor((ended.treatedCount + ended.holdoutCount) * 0.15));
    const r = (await ctx.admin.get(`/api/v1/campaigns/${ended.id}/results`)).json();
    expect(r.messages.total).toBeGreaterThan(0);
    expect(r.treated.reach).toBe(ended.treatedCount);
    expect(r.holdout.redeemed).toBe(0);
    // The audience's service purchases in the window: a treated buyer's code redeemed on it, a held-out one has none.
    const plan = planDemo(params);
    const redeems = steps(scripts, 'redeem').filter((s) => s.step === 'redeem' && s.key === 'maintenance');
    expect(redeems.length).toBeGreaterThan(0);
    let used = 0;
    for (const s of redeems) {
      if (s.step !== 'redeem') continue;
      const coupons = (await ctx.admin.get(`/api/v1/customers/${household(plan, s.household).customer.id}/coupons`)).json().items as { campaignId: string; uses: number }[];
      const code = coupons.find((c) => c.campaignId === ended.id);
      if (code) expect(code.uses).toBe(1);
      if (code) used++;
    }
    expect(r.treated.redeemed).toBe(used);
    expect(r.treated.responded + r.holdout.responded).toBeGreaterThanOrEqual(new Set(redeems.map((s) => s.step === 'redeem' && s.household)).size);
    expect(r.responseUplift).not.toBeNull();
    // Queued in the outbox (a server's sender sends the history's messages); cost so far: the redemptions.
    expect(r.messages).toMatchObject({ sent: 0, failed: 0 });
    expect(r.messages.queued).toBeGreaterThan(0);
    expect(r.costFen).toBe(used * 2_000);
    const redemptions = (await ctx.admin.get(`/api/v1/campaigns/${ended.id}/redemptions`)).json().items as { source: string; redeemedAt: string }[];
    expect(redemptions.every((x) => x.source === 'transaction' && x.redeemedAt < r.windowEnd)).toBe(true);
    const draft = (await ctx.admin.get(`/api/v1/campaigns/${campaigns.find((c) => c.status === 'draft')!.id}`)).json();
    expect(draft).toMatchObject({ needsApproval: true, launch: null });
  }, 240_000);

  it('resumes an interrupted load without writing anything twice, and its outside parts replay harmlessly', async () => {
    const scripts = planActivity(planDemo(params));
    const after = (step: Step) => scripts.findIndex((s) => s.kind === 'outreach' && s.step === step) + 1;
    const stops = [...new Set([after('survey_send'), after('answer'), after('campaign_launch'), after('redeem'), after('repair_answers')])].sort((a, b) => a - b);
    for (const stop of stops) {
      const ac = new AbortController();
      const part = await loadDemo(other.database.db, actor, params, { activity, signal: ac.signal, onProgress: (p) => p.played === stop && ac.abort() });
      expect(part, `stop ${stop}`).toMatchObject({ status: 'loading', history: { played: stop } });
    }
    expect(await loadDemo(other.database.db, actor, params, { activity })).toMatchObject({ status: 'done' });
    const brief = await outreachBrief(other.admin);
    expect(brief).toEqual(await outreachBrief(ctx.admin));
    // The sends, launches and clock runs once more, as a resume after an interruption before their checkpoint would.
    const deps = { actor, managerOf: () => 'unused', runtime: activity };
    for (const s of scripts) if (s.kind === 'outreach' && (s.step === 'survey_send' || s.step === 'campaign_launch' || s.step === 'clock')) await playOutreachRun(other.database.db, s, deps);
    expect(await outreachBrief(other.admin)).toEqual(brief);
  }, 280_000);
});
