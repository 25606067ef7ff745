/**
 * 营销活动 in the browser, the story: a small heating demo (300 households) analysed for churn → a segment of
 * the high-churn households of one compound (幸福小区 when the demo has it; the demo names compounds stem + suffix, and
 * a 300-household demo fills only its first, 幸福家园, so that is used) → the wizard: a 满减 offer with one code per
 * customer, a 10% holdout, an SMS template (the default SMS adapter logs) → 立即发布 with its confirmation (treated /
 * holdout) → the launch runs → three treated members buy and their codes are redeemed through the 登记核销 form (a
 * wrong code's message on the code field) → 效果 shows 3 redeemed, the response uplift with its interval and the ROI.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, gone, pick, see, seedCompany, Shots, signIn, until, WAIT, type Api } from './harness.js';

type Run = { id: string; status: string };
/** The campaigns the demo's history makes (demo/outreach.ts): ended, running, draft. */
const DEMO_CAMPAIGNS = 3;
const highChurnIn = (compound: string) => ({ all: [{ field: 'analytics.churnLevel', op: 'eq', value: 'high' }, { field: 'customer.compound', op: 'eq', value: compound }] });

const suite = browserSuite<{ api: Api; segment: { id: string; name: string; count: number } }>(async ({ server, browser }) => {
  const api = await seedCompany(server.url, '冰城热力（演示）');
  await api.post('/api/v1/demo', { size: 300, seed: 2 });
  await until(async () => (await api.get<{ status: string }>('/api/v1/demo')).status === 'done', 'the demo loaded', 120_000);
  const run = await api.post<Run>('/api/v1/analytics/runs', {});
  await until(async () => (await api.get<Run>(`/api/v1/analytics/runs/${run.id}`)).status === 'done', 'the analytics run', 180_000);
  // The story's compound, or the demo's 幸福 compound (幸福家园) when the demo is too small to have 幸福小区.
  let compound = '幸福小区';
  if ((await api.post<{ count: number }>('/api/v1/segments/preview', { rule: highChurnIn(compound) })).count === 0) compound = '幸福家园';
  const name = `${compound}高流失风险客户`;
  const created = await api.post<{ id: string }>('/api/v1/segments', { name, kind: 'dynamic', rule: highChurnIn(compound) });
  const refresh = await api.post<Run>(`/api/v1/segments/${created.id}/refresh`);
  await until(async () => (await api.get<Run>(`/api/v1/segments/refreshes/${refresh.id}`)).status === 'done', 'the segment refreshed', 60_000);
  const { memberCount } = await api.get<{ memberCount: number }>(`/api/v1/segments/${created.id}`);
  await api.post('/api/v1/message-templates', { name: '冬季回馈短信', channel: 'sms', category: 'marketing', bodyZh: '{{name}}您好，冬季回馈：满200减30，优惠码 {{coupon}}' });
  await signIn(browser, server.url, '/campaigns');
  return { api, segment: { id: created.id, name, count: memberCount } };
});

describe('campaigns', () => {
  it('builds a campaign in the wizard, launches it, records redemptions and shows the uplift and ROI', async () => {
    const { api, segment } = suite;
    const page = suite.browser.page;
    const shots = new Shots('campaigns');
    expect(segment.count).toBeGreaterThanOrEqual(10);
    const holdout = Math.floor(segment.count / 10);

    // The demo's own campaigns are there already (demo/outreach.ts): an ended one, a running one and a draft.
    await see(page.getByTestId('campaigns-total'), `共 ${DEMO_CAMPAIGNS} 个活动`);
    await see(page.getByTestId('campaign-new'), '新建活动');
    // The approval limit: ¥10,000 by default, changed by the administrator.
    await see(page.getByTestId('approval-limit'), '预算超过 ¥10,000.00 需审批');
    await page.getByTestId('approval-limit-edit').click();
    await page.getByTestId('approval-limit-input').fill('20000');
    await page.getByRole('button', { name: /确\s*定|保\s*存/ }).click();
    await see(page.getByTestId('approval-limit'), '预算超过 ¥20,000.00 需审批');
    // From the segment's page: 对此细分策划营销活动 opens the wizard with the segment chosen.
    await page.goto(`${suite.server.url}/segments/${segment.id}`);
    await page.getByTestId('segment-campaign').click();
    // 目标
    await page.getByTestId('campaign-name').fill('冬季挽回行动');
    await pick(page, page.getByTestId('campaign-goal'), '唤回沉睡客户');
    await see(page, '目标提升（百分点）');
    await page.getByTestId('campaign-goal-target').fill('5');
    await page.getByTestId('wizard-next').click();
    // 目标客户: the segment with its count; the holdout defaults to 10%.
    await see(page.getByTestId('campaign-segment'), `${segment.name}（${segment.count} 位客户）`);
    expect(await page.getByTestId('campaign-holdout').inputValue()).toBe('10.00');
    await page.getByTestId('wizard-next').click();
    // 优惠: 满200减30, one code per customer.
    await page.getByTestId('offer-add').click();
    await pick(page, page.getByTestId('offer-kind'), '满减');
    await page.getByTestId('offer-name').fill('满200减30');
    await page.getByTestId('offer-threshold').fill('200');
    // A discount not below its threshold: the server's message comes back on 减（元） (tried at 保存草稿, below).
    await page.getByTestId('offer-discount').fill('250');
    await page.getByTestId('offer-code-mode').getByText('一客一码').click();
    await shots.take(page, 'offer');
    await page.getByTestId('wizard-next').click();
    // 消息: the SMS template.
    await pick(page, page.getByTestId('campaign-template-sms'), '冬季回馈短信');
    await page.getByTestId('wizard-next').click();
    // 排期: by hand; costs per message and per redemption.
    await page.getByTestId('campaign-budget').fill('2000');
    await page.getByTestId('campaign-cost-message').fill('0.05');
    await page.getByTestId('campaign-cost-redemption').fill('2');
    await page.getByTestId('wizard-next').click();
    // 确认
    const summary = page.getByTestId('campaign-summary');
    await see(summary, '满减 · 满200减30 · 一客一码');
    await see(summary, '冬季回馈短信');
    await see(summary, `${segment.name}（${segment.count} 位客户） · 对照组 10%`);
    await shots.take(page, 'confirm');
    await page.getByTestId('campaign-save').click();
    // The wizard goes back to 优惠 with the server's message under the field; fixed, the draft is saved.
    await see(page.getByTestId('wizard-step-offers').locator('.ant-form-item-explain-error'), '减免金额必须小于满额门槛');
    await page.getByTestId('offer-discount').fill('30');
    await page.getByRole('button', { name: '确认' }).click();
    await page.getByTestId('campaign-save').click();
    await see(page, '草稿已保存');
    await expect.poll(async () => page.getByTestId('campaign-title').textContent(), { timeout: WAIT }).toBe('冬季挽回行动');
    await see(page.getByTestId('campaign-status'), '草稿');
    const id = new URL(page.url()).pathname.split('/').pop()!;
    // 编辑 the draft: the saved values come back into the wizard; a rename is a PATCH of that version.
    await page.getByTestId('campaign-edit').click();
    await expect.poll(async () => page.getByTestId('campaign-name').inputValue(), { timeout: WAIT }).toBe('冬季挽回行动');
    await page.getByTestId('campaign-name').fill('幸福冬季挽回行动');
    await page.getByRole('button', { name: '确认' }).click();
    await see(page.getByTestId('campaign-summary'), '满减 · 满200减30 · 一客一码');
    await see(page.getByTestId('campaign-summary'), '¥2.00');
    await page.getByTestId('campaign-save').click();
    await expect.poll(async () => page.getByTestId('campaign-title').textContent(), { timeout: WAIT }).toBe('幸福冬季挽回行动');
    expect((await api.get<{ version: number }>(`/api/v1/campaigns/${id}`)).version).toBe(2);

    // 立即发布: the confirmation states the groups; then the launch runs to its end.
    await page.getByTestId('campaign-launch').click();
    await see(page.getByTestId('launch-confirm-body'), `实验组 ${segment.count - holdout} 位将收到消息和优惠，对照组 ${holdout} 位（10%）`);
    await page.locator('.ant-modal-confirm').getByRole('button', { name: '立即发布' }).click();
    await see(page.getByTestId('campaign-groups'), `发布完成：实验组 ${segment.count - holdout} 位，对照组 ${holdout} 位`, 120_000);
    await see(page.getByTestId('campaign-status'), '进行中');
    const campaign = await api.get<{ treatedCount: number; holdoutCount: number }>(`/api/v1/campaigns/${id}`);
    expect([campaign.treatedCount, campaign.holdoutCount]).toEqual([segment.count - holdout, holdout]);

    // Three treated members' codes (held-out members have none); they buy ¥300 each.
    const members = await api.get<{ items: { id: string }[] }>(`/api/v1/segments/${segment.id}/members?limit=200`);
    const codes: string[] = [];
    for (const m of members.items) {
      if (codes.length === 3) break;
      const coupons = await api.get<{ items: { code: string; campaignId: string }[] }>(`/api/v1/customers/${m.id}/coupons`);
      const mine = coupons.items.find((c) => c.campaignId === id);
      if (!mine) continue;
      codes.push(mine.code);
      await api.post(`/api/v1/customers/${m.id}/transactions`, { type: 'purchase', amountFen: 30000, occurredAt: new Date().toISOString() });
    }
    expect(codes).toHaveLength(3);

    // 登记核销: a wrong code's message on the code field, then the three codes.
    await page.getByRole('tab', { name: '核销记录' }).click();
    await page.getByTestId('redeem-code').fill('NOPE2345');
    await page.getByTestId('redeem-order').fill('300');
    await page.getByTestId('redeem-submit').click();
    await see(page.getByTestId('redeem-form').locator('.ant-form-item-explain-error'), '优惠码「NOPE2345」无效');
    for (const code of codes) {
      await page.getByTestId('redeem-code').fill(code);
      await page.getByTestId('redeem-order').fill('300');
      await page.getByTestId('redeem-submit').click();
      await see(page, `已登记核销：${code}`);
    }
    await expect.poll(async () => (await page.getByTestId('redemption-code').allTextContents()).sort(), { timeout: WAIT }).toEqual([...codes].sort());
    await shots.take(page, 'redemptions');

    // 效果: 3 redeemed, the uplifts with their intervals, the ROI and the goal.
    await page.getByRole('tab', { name: '效果' }).click();
    await expect.poll(async () => page.getByTestId('results-treated-redeemed').textContent(), { timeout: WAIT }).toBe('3');
    expect(await page.getByTestId('results-holdout-redeemed').textContent()).toBe('0');
    expect(await page.getByTestId('results-treated-reach').textContent()).toBe(String(segment.count - holdout));
    const rate = (3 / (segment.count - holdout)) * 100;
    await see(page.getByTestId('uplift-response-text'), new RegExp(`^提升 \\+${rate.toFixed(1)} 个百分点（95% 置信区间 -?\\d+\\.\\d ~ \\d+\\.\\d）$`));
    await see(page.getByTestId('uplift-revenue-text'), /^提升 \+¥[\d,.]+\/人（95% 置信区间 -?¥[\d,.]+ ~ ¥[\d,.]+）$/);
    const results = await api.get<{ roi: number | null; goal: { met: boolean | null } }>(`/api/v1/campaigns/${id}/results`);
    expect(results.roi).not.toBeNull();
    await see(page.getByTestId('results-roi'), `${(results.roi! * 100).toFixed(1)}%`);
    await see(page.getByTestId('results-goal-met'), results.goal.met ? '达成' : '未达成');
    await see(page.getByTestId('results-messages'), '未同意');
    // Nobody followed a link or rated yet: opened / clicked 0 / 0, and the satisfaction card says what it needs.
    expect(await page.getByTestId('results-treated-engaged').textContent()).toBe('0 / 0');
    await see(page.getByTestId('uplift-satisfaction-text'), '窗口内两组都需有客户评价');
    await see(page.getByTestId('uplift-complaint-text'), /^相差 0\.0 个百分点（95% 置信区间/);
    await shots.take(page, 'results');
    await page.getByTestId('results-tiers').scrollIntoViewIfNeeded();
    await page.getByTestId('results-daily').locator('canvas').waitFor({ timeout: WAIT });
    await shots.take(page, 'results-tiers');

    // The list: the campaign running, with its groups.
    await page.goto(`${suite.server.url}/campaigns`);
    const row = page.locator('tr').filter({ hasText: '幸福冬季挽回行动' });
    await see(row, '进行中');
    expect(await row.getByTestId('campaign-row-groups').textContent()).toBe(`${segment.count - holdout} / ${holdout}`);
    await see(page.getByTestId('campaigns-total'), `共 ${DEMO_CAMPAIGNS + 1} 个活动`);
    // The status filter: ours is no draft any more; the demo's draft is the only one.
    await page.getByTestId('campaign-status-filter').getByText('草稿').click();
    await see(page.getByTestId('campaigns-total'), '共 1 个活动');
    await gone(page, '幸福冬季挽回行动');
  });
});
