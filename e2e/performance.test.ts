/**
 * 团队绩效 in the browser (issue #17): two agents with tickets this month (张师傅 2, one of them answered; 李师傅 1).
 * A manager opens 团队绩效 from the menu and sees both on the leaderboard with their ticket counts and the scores the
 * API computes (and the score chart), raises the weight of 工单数 in 权重设置 and sees the saved weights and the new
 * scores, and opens 张师傅's drawer to add a training note that then shows in the list. At phone width the leaderboard
 * is cards and the page does not scroll sideways.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { Api, browserSuite, dialogHelpers, launchBrowser, PHONE, see, seedCompany, Shots, signIn, until } from './harness.js';

const MANAGER = { username: 'jingli', password: 'Jingli1234', displayName: '服务部王经理', roleKey: 'manager' };
const AGENT_A = { username: 'zhangsf', password: 'Zhang1234', displayName: '张师傅', roleKey: 'agent' };
const AGENT_B = { username: 'lisf', password: 'Lisf12345', displayName: '李师傅', roleKey: 'agent' };
const NOTE = '接单后 30 分钟内电话联系住户，先说明上门时间';

type Row = { user: { id: string; name: string }; tickets: number; score: number | null; rank: number | null };
type Report = { rows: Row[]; weights: Record<string, number> };

const suite = browserSuite<{ api: Api }>(async ({ server, browser }) => {
  const admin = await seedCompany(server.url);
  await admin.post('/api/v1/users', MANAGER);
  const team = (await admin.get<{ items: { id: string }[] }>('/api/v1/teams')).items[0];
  const a = await admin.post<{ id: string }>('/api/v1/users', { ...AGENT_A, teamId: team?.id ?? null });
  const b = await admin.post<{ id: string }>('/api/v1/users', { ...AGENT_B, teamId: team?.id ?? null });
  const customer = await admin.post<{ id: string }>('/api/v1/customers', { name: '王秀英', address: { city: '哈尔滨市', compound: '幸福家园', room: '302' } });
  const ticket = (title: string, assigneeId: string) => admin.post<{ id: string }>('/api/v1/tickets', { title, type: 'repair', customerId: customer.id, assigneeId });
  const first = await ticket('暖气片漏水', a.id);
  await ticket('阀门更换', a.id);
  await ticket('管道异响', b.id);
  await admin.post(`/api/v1/tickets/${first.id}/replies`, { body: '已收到', send: false });
  await signIn(browser, server.url, '/', MANAGER.username, MANAGER.password);
  return { api: await new Api(server.url).login(MANAGER.username, MANAGER.password) };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);
const noSideScroll = async (page: Page) => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
const scoreText = (s: number | null) => (s === null ? '—' : String(Math.round(s * 10) / 10));
const rowOf = (report: Report, name: string) => report.rows.find((r) => r.user.name === name)!;

/** Each agent's line (table row or card) shows the API's ticket count, rank and score. */
async function expectLines(line: (name: string) => Locator, report: Report): Promise<void> {
  for (const name of [AGENT_A.displayName, AGENT_B.displayName]) {
    const r = rowOf(report, name);
    await until(async () => (await line(name).getByTestId('perf-score').textContent()) === scoreText(r.score), `${name}'s score ${scoreText(r.score)}`);
    expect(await line(name).getByTestId('perf-tickets').textContent()).toBe(String(r.tickets));
    expect(await line(name).getByTestId('perf-rank').textContent()).toBe(r.rank === null ? '—' : String(r.rank));
  }
}

describe('team performance', () => {
  it('a manager sees the leaderboard, changes a weight and adds a training note for an agent', async () => {
    const page = suite.browser.page;
    const shots = new Shots('performance');
    await page.getByRole('menuitem', { name: '团队绩效' }).click();
    await until(async () => new URL(page.url()).pathname === '/performance', 'the performance page');

    const before = await suite.api.get<Report>('/api/v1/performance');
    expect(rowOf(before, AGENT_A.displayName).tickets).toBe(2);
    expect(rowOf(before, AGENT_B.displayName).tickets).toBe(1);
    expect(rowOf(before, AGENT_A.displayName).score).not.toBeNull();
    const line = (name: string) => page.locator('.ant-table-row').filter({ hasText: name });
    await expectLines(line, before);
    await page.getByTestId('performance-chart').locator('canvas').waitFor();
    await see(page.getByTestId('perf-weights'), '工单数 20');
    await shots.take(page, 'leaderboard');

    // 权重设置: the saved weights load into the dialog (sum 100); 工单数 20 → 40 is saved and the scores follow.
    await openDialog(page.getByTestId('perf-weights-open'));
    await see(dialog(), '权重合计 100');
    await dialog().getByTestId('weight-tickets').fill('40');
    await see(dialog(), '权重合计 120');
    await shots.take(page, 'weights');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page, '权重已保存');
    await see(page.getByTestId('perf-weights'), '工单数 40');
    expect((await suite.api.get<Record<string, number>>('/api/v1/performance/weights')).tickets).toBe(40);
    const after = await suite.api.get<Report>('/api/v1/performance');
    expect(after.weights.tickets).toBe(40);
    await expectLines(line, after);

    // 张师傅's drawer: his KPIs, then a training note added and listed with its author.
    await line(AGENT_A.displayName).getByTestId('perf-agent').click();
    const drawer = page.getByTestId('perf-drawer');
    await see(page.getByTestId('perf-drawer-title'), AGENT_A.displayName);
    expect(await drawer.getByTestId('perf-tickets').textContent()).toBe('2');
    await see(drawer, '还没有培训记录');
    await drawer.getByTestId('perf-note-input').fill(NOTE);
    await drawer.getByTestId('perf-note-add').click();
    const note = drawer.getByTestId('perf-note').filter({ hasText: NOTE });
    await see(note, MANAGER.displayName);
    const notes = await suite.api.get<{ items: { note: string; author: { name: string } }[] }>(`/api/v1/performance/notes?userId=${rowOf(after, AGENT_A.displayName).user.id}`);
    expect(notes.items.map((n) => [n.note, n.author.name])).toEqual([[NOTE, MANAGER.displayName]]);
    await shots.take(page, 'drawer');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('at phone width the leaderboard is cards and the page does not scroll sideways', async () => {
    const b = await launchBrowser(PHONE);
    try {
      const page = await signIn(b, suite.server.url, '/performance', MANAGER.username, MANAGER.password);
      const report = await suite.api.get<Report>('/api/v1/performance');
      await expectLines((name) => page.getByTestId('perf-card').filter({ hasText: name }), report);
      await page.getByTestId('performance-chart').locator('canvas').waitFor();
      await noSideScroll(page);
      await new Shots('performance-phone').take(page, 'cards');
      expect(b.pageErrors).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
