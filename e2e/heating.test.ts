/**
 * 供热 in the browser (issue #21, heating tools): a heating utility's manager opens 供热 → 小区楼栋, opens a compound and
 * sees its buildings with the household counts the API gives (naturally sorted: 2号楼 before 10号楼), opens a building's
 * customer list from its name; then sends a 停暖通知 to one building from its row — the dialog says how many it would
 * reach — and sees what it reached: exactly that building's households with SMS consent, the one without counted as
 * blocked (未同意接收); the outbox of each household says the same. 欠费 lists the household owing the latest due season.
 */
import { describe, expect, it } from 'vitest';
import { Api, browserSuite, dialogHelpers, see, seedCompany, Shots, signIn, tableRows, until } from './harness.js';

const COMPOUND = '幸福家园';
const TEXT = '【示例供热】因换热站抢修，幸福家园1号楼今日10:00至16:00停暖，给您带来不便敬请谅解。';
type TreeLevel = { items: { key: string | null; households: number; openTickets: number; arrearsHouseholds: number }[] };
type Notice = { id: string; households: number; reached: number; blocked: number; counts: { blocked: Record<string, number> } };

/** The latest heating season past its payment deadline (30 November) in Beijing time: its first year. */
const beijing = new Date(Date.now() + 8 * 3_600_000);
const DUE = beijing.getUTCMonth() === 11 ? beijing.getUTCFullYear() : beijing.getUTCFullYear() - 1;
let seq = 0;
const phone = () => `1381234${String(++seq).padStart(4, '0')}`;
const ids: Record<string, string[]> = {};

const suite = browserSuite<{ api: Api }>(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const add = async (building: string, n: number, consent = true) => {
    for (let i = 0; i < n; i++) {
      const c = await api.post<{ id: string }>('/api/v1/customers', {
        name: `${building}住户${i + 1}${consent ? '' : '（拒收短信）'}`,
        phones: [phone()],
        address: { city: '哈尔滨市', compound: COMPOUND, building, unit: '1单元', room: `${i + 1}01` },
        consent: { sms: consent },
      });
      (ids[building] ??= []).push(c.id);
    }
  };
  await add('1号楼', 3);
  await add('1号楼', 1, false);
  await add('2号楼', 2);
  await add('10号楼', 1);
  await api.post('/api/v1/customers', { name: '阳光住户', phones: [phone()], address: { city: '哈尔滨市', compound: '阳光小区', building: '1号楼', unit: '1单元' }, consent: { sms: true } });
  // An open ticket in 2号楼.
  await api.post('/api/v1/tickets', { title: '暖气不热', type: 'repair', customerId: ids['2号楼']![0] });
  // 2号楼's first household paid the season before the latest due one (¥3,411.20), and nothing since: it owes that one.
  await api.post(`/api/v1/customers/${ids['2号楼']![0]}/transactions`, { type: 'payment', amountFen: 341_120, occurredAt: `${DUE - 1}-09-01T10:00:00+08:00`, heatingSeason: `${DUE - 1}-${DUE}` });
  await signIn(browser, server.url, '/');
  return { api };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);
const row = (key: string) => suite.browser.page.locator('tr.ant-table-row').filter({ has: suite.browser.page.getByTestId('tree-node-link').getByText(key, { exact: true }) });

describe('heating tools', () => {
  it('the compound tree with counts', async () => {
    const page = suite.browser.page;
    const shots = new Shots('heating-tree');
    // The 供热 group (heating template only) is open by default, as every group of the menu.
    await page.getByRole('menuitem', { name: '小区楼栋' }).click();
    await until(async () => new URL(page.url()).pathname === '/heating/tree', 'the tree page');
    await row(COMPOUND).waitFor();
    await see(row('阳光小区'), '1');
    expect(await tableRows(page).count()).toBe(2);

    // Open the compound: its buildings load with the API's counts, 2号楼 before 10号楼.
    await row(COMPOUND).locator('.ant-table-row-expand-icon').click();
    await row('10号楼').waitFor();
    const api = await suite.api.get<TreeLevel>(`/api/v1/heating/tree?compound=${encodeURIComponent(COMPOUND)}`);
    expect(api.items.map((i) => [i.key, i.households])).toEqual([
      ['1号楼', 4],
      ['2号楼', 2],
      ['10号楼', 1],
    ]);
    const shown = await page.locator('tr[data-testid="tree-row-building"]').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-key'), Number(r.querySelectorAll('td')[1]?.textContent), Number(r.querySelectorAll('td')[2]?.textContent)]),
    );
    expect(shown).toEqual(api.items.map((i) => [i.key, i.households, i.openTickets]));
    const compound = (await page.locator('tr[data-testid="tree-row-compound"]').first().locator('td').nth(1).textContent())!;
    expect(Number(compound)).toBe(7);
    await shots.take(page, 'tree');

    // A building's name opens the customer list filtered to it.
    await row('2号楼').getByTestId('tree-node-link').click();
    await until(async () => new URL(page.url()).pathname === '/customers', 'the customer list');
    expect(new URL(page.url()).searchParams.get('building')).toBe('2号楼');
    await see(page, '2号楼住户1');
    await see(page, '2号楼住户2');
    expect(await tableRows(page).count()).toBe(2);
    await shots.take(page, 'customers');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('the arrears page: the household owing a season, with the totals the API gives', async () => {
    const page = suite.browser.page;
    const shots = new Shots('heating-arrears');
    await page.getByRole('menuitem', { name: '欠费' }).click();
    await until(async () => new URL(page.url()).pathname === '/heating/arrears', 'the arrears page');
    const owing = tableRows(page).filter({ hasText: '2号楼住户1' });
    await see(owing, `${DUE}-${DUE + 1}：¥3,411.20`);
    expect(await tableRows(page).count()).toBe(1);
    const summary = await suite.api.get<{ total: { households: number; owedFen: number } }>('/api/v1/heating/arrears/summary');
    expect(summary.total).toEqual({ households: 1, owedFen: 341_120 });
    await see(page.getByTestId('arrears-pager-total'), '共 1 户欠费 · ¥3,411.20');
    await shots.take(page, 'arrears');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it("an outage notice to one building reaching exactly its households", async () => {
    const page = suite.browser.page;
    const shots = new Shots('heating-notice');
    await page.goto(`${suite.server.url}/heating/tree`);
    await row(COMPOUND).locator('.ant-table-row-expand-icon').click();
    await openDialog(row('1号楼').getByTestId('tree-notify'));
    // The preview: 4 households, 3 accept SMS and have a mobile.
    await see(dialog().getByTestId('notice-preview'), '将通知 4 户：3 户同意接收该渠道，其中 3 户有可用的联系方式');
    await dialog().getByTestId('notice-text').fill(TEXT);
    await shots.take(page, 'dialog');
    await dialog().getByRole('button', { name: '发送' }).click();
    await closed();

    // The result: 3 reached, 1 blocked (no consent), on the notices page.
    await until(async () => new URL(page.url()).pathname === '/heating/notices', 'the notices page');
    const result = page.getByTestId('notice-result');
    await see(result, '1号楼');
    await see(result.getByTestId('notice-reached'), '3');
    await see(result.getByTestId('notice-blocked'), '1');
    await see(result.getByTestId('notice-blocked-reasons'), '未同意接收');
    expect(await result.getByTestId('notice-blocked-no_consent').textContent()).toBe('1');
    await shots.take(page, 'result');

    const id = new URL(page.url()).searchParams.get('id')!;
    const notice = await suite.api.get<Notice>(`/api/v1/heating/notices/${id}`);
    expect(notice).toMatchObject({ households: 4, reached: 3, blocked: 1 });
    expect(notice.counts.blocked).toMatchObject({ no_consent: 1, no_recipient: 0 });
    // Each household's messages: the three consenting ones of 1号楼 have the notice queued or sent, the fourth has it
    // suppressed for no consent, and nobody else has it.
    type Msgs = { items: { body: string; status: string; reason: string | null }[] };
    const notices = async (customerId: string) => (await suite.api.get<Msgs>(`/api/v1/customers/${customerId}/messages`)).items.filter((m) => m.body.includes('换热站抢修'));
    const b1 = ids['1号楼']!;
    for (const c of b1.slice(0, 3)) expect((await notices(c)).map((m) => m.status).filter((s) => s !== 'suppressed')).toHaveLength(1);
    expect((await notices(b1[3]!)).map((m) => [m.status, m.reason])).toEqual([['suppressed', 'no_consent']]);
    for (const c of [...ids['2号楼']!, ...ids['10号楼']!]) expect(await notices(c)).toEqual([]);
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
