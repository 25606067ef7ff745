/**
 * 价值分析 in the browser: a small heating demo (300 households) → the analytics page → 运行分析 with its progress →
 * the value × loyalty matrix, tiers, the model used and the RFM cut points, and the churn-risk list → the riskiest
 * customer's 价值 tab with its reasons.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, pick, see, seedCompany, Shots, signIn, tableRows, until, type Api } from './harness.js';

const suite = browserSuite<{ api: Api; runsBefore: number }>(async ({ server }) => {
  const api = await seedCompany(server.url, '冰城热力（演示）');
  await api.post('/api/v1/demo', { size: 300, seed: 2 });
  await until(async () => (await api.get<{ status: string }>('/api/v1/demo')).status === 'done', 'the demo loaded', 120_000);
  // Between 02:00 and 06:00 company time the server queues the night's run when it starts (over no customers yet):
  // the page is then opened with that run's figures, so the story waits for it to end and for its own run below.
  await until(
    async () => !(await api.get<{ items: { status: string }[] }>('/api/v1/analytics/runs')).items.some((r) => r.status === 'queued' || r.status === 'running'),
    'no analytics run under way',
    120_000,
  );
  const runs = (await api.get<{ items: unknown[] }>('/api/v1/analytics/runs')).items.length;
  return { api, runsBefore: runs };
});

describe('analytics page', () => {
  it('runs the analysis from the page, shows the matrix and a high-risk customer’s reasons', async () => {
    const shots = new Shots('analytics');
    const page = await signIn(suite.browser, suite.server.url, '/analytics');
    await see(page, '客户价值分析');
    if (!suite.runsBefore) await see(page, '还没有分析结果');
    await page.getByTestId('analytics-run').click();
    await until(async () => (await suite.api.get<{ items: { status: string }[] }>('/api/v1/analytics/runs')).items.length > suite.runsBefore, 'the run queued');
    // The matrix appears once the run is done; its four cells count every customer: the 300 households and the new
    // ones of the demo's history (referred by members, registered twice, imported).
    await see(page, '价值 × 忠诚度矩阵', 120_000);
    const counted = async () =>
      (
        await Promise.all(
          ['core', 'win', 'develop', 'basic'].map(async (q) => Number(((await page.getByTestId(`quadrant-${q}`).locator('div').first().textContent()) ?? '0').replace(/,/g, ''))),
        )
      ).reduce((a, b) => a + b, 0);
    const all = (await suite.api.get<{ total: number }>('/api/v1/customers?limit=1&withTotal=true')).total;
    expect(all).toBeGreaterThanOrEqual(305);
    await until(async () => (await counted()) === all, `the matrix counting all ${all} customers`, 120_000);
    expect(await counted()).toBe(all);
    await see(page, '核心客户（保持）');
    await see(page, /最近一次分析/);
    await see(page, '模型诊断');
    await see(page, 'BG/NBD');
    // Which purchase model the figures use, each fit's outcome, and the RFM cut points the run used.
    await see(page, /存活概率、预测购买与 CLV 采用 (MBG\/NBD|BG\/NBD) 模型|没有可用的购买模型/);
    await see(page, /已收敛|未收敛/);
    await see(page, /RFM 分界（窗口内购买客户的五分位，并列同分）/);
    await shots.take(page, 'analytics-page');

    // The churn list is sorted by risk, highest first: open that customer.
    const table = page.getByTestId('churn-table');
    await table.scrollIntoViewIfNeeded();
    const first = tableRows(page).filter({ has: page.locator('a[href^="/customers/"]') }).first();
    await until(async () => (await first.count()) > 0, 'a churn row');

    // Keyset pages of ten: the total of all 305 on every page; 下一页 goes on from the last risk, 上一页 comes back.
    const churnRows = table.locator('tr.ant-table-row');
    const shown = async () => Promise.all((await churnRows.locator('a[href^="/customers/"]').all()).map(async (a) => (await a.getAttribute('href')) ?? ''));
    const risks = async () => Promise.all((await churnRows.all()).map(async (r) => Number(((await r.locator('td').nth(1).textContent()) ?? '').split(' ')[0])));
    const pageNo = page.getByTestId('churn-page-no');
    const total = page.getByTestId('churn-total');
    await until(async () => (await total.textContent()) === `共 ${all} 条` && (await churnRows.count()) === 10, 'the first churn page and its total');
    expect(await pageNo.textContent()).toBe('第 1 页');
    expect(await page.getByRole('button', { name: '上一页' }).isDisabled()).toBe(true);
    const firstPage = await shown();
    const firstRisks = await risks();
    expect([...firstRisks].sort((a, b) => b - a)).toEqual(firstRisks);
    await page.getByRole('button', { name: '下一页' }).click();
    await until(async () => (await pageNo.textContent()) === '第 2 页' && (await shown())[0] !== firstPage[0], 'the second churn page');
    const secondPage = await shown();
    expect(secondPage).toHaveLength(10);
    expect(secondPage.filter((h) => firstPage.includes(h))).toEqual([]);
    expect(Math.max(...(await risks()))).toBeLessThanOrEqual(firstRisks[firstRisks.length - 1]!);
    expect(await total.textContent()).toBe(`共 ${all} 条`);
    await page.getByRole('button', { name: '上一页' }).click();
    await until(async () => (await pageNo.textContent()) === '第 1 页' && (await shown())[0] === firstPage[0], 'back on the first churn page');
    expect(await shown()).toEqual(firstPage);
    // Twenty a page, then a filter: each starts again from the first page, the filter with its own total.
    await pick(page, page.getByTestId('churn-page-size'), '20 条/页');
    await until(async () => (await churnRows.count()) === 20, 'twenty churn rows');
    expect((await shown()).slice(0, 10)).toEqual(firstPage);
    await page.getByRole('button', { name: '下一页' }).click();
    await until(async () => (await pageNo.textContent()) === '第 2 页', 'the second page of twenty');
    const high = await suite.api.get<{ total: number }>('/api/v1/analytics/churn?level=high&limit=1');
    expect(high.total).toBeGreaterThan(0);
    await pick(page, page.getByTestId('churn-level'), '高风险');
    await until(async () => (await total.textContent()) === `共 ${high.total} 条` && (await pageNo.textContent()) === '第 1 页', 'the high-risk total on the first page');
    expect((await shown())[0]).toBe(firstPage[0]);
    await pageNo.scrollIntoViewIfNeeded();
    await shots.take(page, 'churn-pages');
    await table.scrollIntoViewIfNeeded();
    const reasonsInList = (await first.locator('td').nth(2).textContent()) ?? '';
    expect(reasonsInList.length).toBeGreaterThan(1);
    await shots.take(page, 'churn-list');
    await first.locator('a[href^="/customers/"]').click();
    await until(async () => /\/customers\/[0-9a-f-]{36}$/.test(new URL(page.url()).pathname), 'the customer page');
    await page.getByRole('tab', { name: '价值' }).click();
    await see(page, '流失风险');
    const reasons = page.getByTestId('churn-reason');
    await until(async () => (await reasons.count()) > 0, 'the churn reasons');
    const firstReason = (await reasons.first().textContent()) ?? '';
    expect(reasonsInList).toContain(firstReason.trim());
    await see(page, /高风险|中风险/);
    // Every figure names its window or model, as the API gives them; the card explains why they may seem to disagree.
    const customerId = new URL(page.url()).pathname.split('/').pop()!;
    const value = await suite.api.get<{ frequency: number; basis: { rfmWindowDays: number; purchaseModel: string | null; horizonMonths: number; renewalModel: string | null } }>(
      `/api/v1/customers/${customerId}/analytics`,
    );
    await see(page.getByTestId('basis-rfm'), `近 ${value.basis.rfmWindowDays} 天：${value.frequency} 次`);
    await see(page.getByTestId('basis-clv'), `未来 ${value.basis.horizonMonths} 个月`);
    const models: Record<string, string> = { mbgnbd: 'MBG/NBD 消费模型', bgnbd: 'BG/NBD 消费模型' };
    await see(page.getByTestId('basis-palive'), value.basis.purchaseModel ? models[value.basis.purchaseModel]! : '消费模型未拟合');
    await see(page.getByTestId('basis-renewal'), value.basis.renewalModel ? 'sBG 合同模型' : '合同模型未拟合');
    await see(page.getByTestId('basis-explain'), `RFM 只统计近 ${value.basis.rfmWindowDays} 天的消费`);
    await shots.take(page, 'value-tab');
  });

  it('gives the word-of-mouth NPS indicator a weight in 分析设置: its metric is picked from the modules’ metrics', async () => {
    // Signed in by the story above (a second sign-in in the same context is refused by the CSRF check).
    const page = suite.browser.page;
    await page.goto(`${suite.server.url}/analytics`);
    await page.getByRole('button', { name: '分析设置' }).click();
    // The default scorecard's NPS indicator (口碑价值, weight 0) shows its input by name, not by key.
    const settings = await suite.api.get<{ indicators: { key: string; metric: string; weight: number }[] }>('/api/v1/analytics/settings');
    const k = settings.indicators.findIndex((i) => i.key === 'nps');
    expect(settings.indicators[k]).toMatchObject({ metric: 'input', weight: 0 });
    const input = page.getByTestId(`indicator-input-${k}`);
    await until(async () => ((await input.textContent()) ?? '').includes('最近一次推荐意愿评分（NPS，一年内）'), 'the NPS input named in the drawer');
    const row = page.locator('.ant-drawer .ant-space').filter({ has: input });
    await row.locator('.ant-input-number input').fill('10');
    await page.getByTestId('analytics-settings-save').click();
    await see(page, '设置已保存');
    const saved = await suite.api.get<{ indicators: { key: string; field: string; weight: number }[] }>('/api/v1/analytics/settings');
    expect(saved.indicators.find((i) => i.key === 'nps')).toMatchObject({ field: 'surveys.nps', weight: 10 });
  });

  it('drills from a value tier to the customer list filtered by it, counting what the tier counts', async () => {
    const page = suite.browser.page;
    const tiers = (await suite.api.get<{ tiers: { tier: string; count: number }[] }>('/api/v1/analytics/tiers')).tiers;
    const high = tiers.find((x) => x.tier === 'high')!;
    expect(high.count).toBeGreaterThan(0);
    await page.goto(`${suite.server.url}/customers?valueTier=high`);
    await see(page, '价值等级：高价值');
    await see(page, `共 ${high.count} 位客户`);
    // Removing the chip lists every customer again.
    await page.getByTestId('tier-filter').locator('.anticon-close').click();
    await until(async () => !new URL(page.url()).searchParams.has('valueTier'), 'the filter removed from the URL');
  });
});

