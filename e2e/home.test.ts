/**
 * 首页 in the browser (issue #17): each role signs in to its own board — the agent's day (my tickets, my tasks), the
 * account manager's book, the manager's service quality, the administrator's system — and a click on a chart's bar
 * drills to the filtered list behind it (the complaints of the month → the ticket queue filtered to complaints).
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, launchBrowser, see, seedCompany, Shots, signIn, tableRows, until, type Api } from './harness.js';

const USERS = {
  agent: { username: 'zuoxi', password: 'Zuoxi12345', displayName: '坐席小李', roleKey: 'agent' },
  account: { username: 'kehujingli', password: 'Kehu123456', displayName: '客户经理赵', roleKey: 'account_manager' },
  manager: { username: 'jingli', password: 'Jingli1234', displayName: '服务部王经理', roleKey: 'manager' },
} as const;

const suite = browserSuite<{ api: Api }>(async ({ server }) => {
  const api = await seedCompany(server.url);
  const ids: Record<string, string> = {};
  for (const [k, u] of Object.entries(USERS)) ids[k] = (await api.post<{ id: string }>('/api/v1/users', u)).id;
  const customer = await api.post<{ id: string }>('/api/v1/customers', { name: '王秀英', ownerId: ids.agent, address: { city: '哈尔滨市', compound: '幸福家园', room: '302' } });
  await api.post('/api/v1/tickets', { title: '暖气不热', type: 'complaint', customerId: customer.id, assigneeId: ids.agent });
  await api.post('/api/v1/tickets', { title: '缴费咨询', type: 'inquiry', customerId: customer.id, assigneeId: ids.agent });
  return { api };
});

/** The value of a tile's figure by its label. */
async function figure(page: import('playwright-core').Page, tile: string, label: string): Promise<string> {
  const stat = page.getByTestId(`tile-${tile}`).getByTestId('tile-stat').filter({ hasText: label });
  return (await stat.getByTestId('tile-stat-value').textContent()) ?? '';
}

describe('home page', () => {
  it('each role signs in to its own board, with its own figures', async () => {
    const shots = new Shots('home-boards');
    // The administrator: the system board.
    const admin = await signIn(suite.browser, suite.server.url, '/');
    await see(admin.getByTestId('tile-dashboards.system'), '数据库大小');
    await see(admin.getByTestId('tile-accounts.users'), '用户');
    expect(await admin.getByTestId('board-admin').count()).toBe(1);
    await shots.take(admin, 'admin');

    for (const [board, u] of Object.entries(USERS)) {
      const b = await launchBrowser();
      try {
        const p = await signIn(b, suite.server.url, '/', u.username, u.password);
        await p.getByTestId(`board-${board}`).waitFor();
        if (board === 'agent') {
          // My open tickets: the two assigned to me; the figure drills to the queue filtered to mine.
          await until(async () => (await figure(p, 'tickets.mine', '未解决')) === '2', 'two open tickets of mine');
          await see(p.getByTestId('tile-tickets.mine'), '#');
          await see(p.getByTestId('tile-interactions.tasks'), '今天到期');
          // 我的绩效: my month's tickets, my rank among those ranked, and the leaderboard with my name.
          expect(await figure(p, 'performance.mine', '我处理的工单')).toBe('2');
          expect(await figure(p, 'performance.mine', '我的排名（共 1 人）')).toBe('1');
          await see(p.getByTestId('tile-performance.mine'), '1. 坐席小李');
          await p.getByTestId('tile-tickets.mine').getByTestId('tile-stat').first().getByRole('link').click();
          await until(async () => new URL(p.url()).searchParams.get('mine') === '1', 'the queue filtered to mine');
          await until(async () => (await tableRows(p).count()) === 2, 'the two tickets in the queue');
        } else if (board === 'account') {
          await see(p.getByTestId('tile-interactions.tasks'), '今天到期');
          expect(await p.getByTestId('tile-dashboards.system').count()).toBe(0);
        } else {
          await see(p.getByTestId('tile-tickets.service'), '服务质量');
          expect(await figure(p, 'tickets.service', '本月投诉')).toBe('1');
        }
        await shots.take(p, board);
        expect(b.pageErrors).toEqual([]);
      } finally {
        await b.close();
      }
    }
  });

  it('a click on the month’s bar of complaints opens the ticket queue filtered to that month’s complaints', async () => {
    const b = await launchBrowser();
    try {
      const p = await signIn(b, suite.server.url, '/', USERS.manager.username, USERS.manager.password);
      const chart = p.getByTestId('tile-chart-tickets.service');
      await chart.waitFor();
      // Where ECharts drew this month's bar (the last of six): its centre, from the chart instance on the element.
      let point: [number, number] | null = null;
      await until(async () => {
        point = await chart.evaluate((el) => {
          const c = (el as { hearthChart?: { convertToPixel: (f: object, v: [number, number]) => [number, number] } }).hearthChart;
          return c ? c.convertToPixel({ seriesIndex: 0 }, [5, 0.5]) : null;
        });
        return point !== null;
      }, 'the chart drawn');
      const box = (await chart.boundingBox())!;
      await p.mouse.click(box.x + point![0], box.y + point![1]);
      await until(async () => new URL(p.url()).pathname === '/tickets', 'the ticket queue');
      expect(new URL(p.url()).searchParams.get('type')).toBe('complaint');
      // This month's complaints: the month's days, shown as a removable chip.
      const params = new URL(p.url()).searchParams;
      expect(params.get('createdFrom')).toMatch(/^\d{4}-\d{2}-01$/);
      expect(params.get('merged')).toBe('exclude');
      await see(p, `创建于 ${params.get('createdFrom')} 至 ${params.get('createdTo')}`);
      await see(p, '暖气不热');
      await until(async () => (await tableRows(p).count()) === 1, 'only the complaint');
      expect(await tableRows(p).filter({ hasText: '缴费咨询' }).count()).toBe(0);
    } finally {
      await b.close();
    }
  });
});
