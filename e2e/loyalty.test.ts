/**
 * 会员与积分 in the browser (issue #16). A customer with a birthday pays next season's heating fee early (3,000 points,
 * 银卡) and buys a service on their birthday (220 points and the 生日 2 倍积分 bonus of 220), all through the API. On
 * the customer's 360 page, tab 会员积分: the card (tier, balance, the way to 金卡), the ledger with both earns and the
 * birthday bonus at the purchase's time in Asia/Shanghai; the desk redeems a reward (too many first: the server's
 * 积分不足 in the dialog), the balance drops and the redemption shows; an adjustment above the limit shows 待审批. On
 * /loyalty: the member in the list, a reward made in the dialog, the programme's check on the field it names, and the
 * approvals: one's own adjustment is refused with the server's message, another user's is approved. The 发送会员链接
 * dialog shows the member's link and what became of the SMS; 作废已发出的链接 revokes it (the old link's page says it is
 * no longer valid) and shows a new one that works. The 报表 tab shows the two members and the liability
 * (7,440 points × 1 fen); a click on the member's tier bar opens the members tab filtered by that tier.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { Api, browserSuite, dialogHelpers, pick, see, seedCompany, Shots, signIn, until, WAIT } from './harness.js';

const AGENT = { username: 'kefu', password: 'Kefu12345', displayName: '客服小刘', roleKey: 'agent' };
const DAY = 86_400_000;
/** A company day (Asia/Shanghai) some days ago, as YYYY-MM-DD. */
const daysAgo = (n: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() - n * DAY));
const PAID = daysAgo(40);
const BIRTHDAY = daysAgo(20);
const nextSeason = `${Number(PAID.slice(0, 4)) + 1}-${Number(PAID.slice(0, 4)) + 2}`;

const suite = browserSuite(async ({ server, browser }) => {
  const admin = await seedCompany(server.url); // the heating template: the programme is on
  const agentUser = await admin.post<{ id: string }>('/api/v1/users', AGENT);
  const agent = await new Api(server.url).login(AGENT.username, AGENT.password);
  const customer = await admin.post<{ id: string }>('/api/v1/customers', { name: '李秀英', phones: ['13900003101'], birthday: `1968-${BIRTHDAY.slice(5)}`, ownerId: agentUser.id });
  const txs = `/api/v1/customers/${customer.id}/transactions`;
  // Next season's fee paid early: 1 point per yuan → 3,000 (银卡 from 2,000 at once).
  await admin.post(txs, { type: 'payment', amountFen: 300_000, occurredAt: `${PAID}T10:00:00+08:00`, heatingSeason: nextSeason });
  // A service bought on the birthday: 200 × 银卡 1.1 = 220, and the birthday bonus doubles it.
  await admin.post(txs, { type: 'purchase', amountFen: 20_000, occurredAt: `${BIRTHDAY}T12:00:00+08:00` });
  await admin.post('/api/v1/loyalty/rewards', { name: { zh: '暖气片清洗券', en: 'Radiator cleaning voucher' }, kind: 'voucher', pointsCost: 1000, valueFen: 5000, stock: 10 });
  // Above the approval limit (1,000): waits for a second person.
  await agent.post(`/api/v1/loyalty/members/${customer.id}/adjustments`, { points: 5000, reason: '投诉补偿' });
  // A second member, in the lowest tier: the reports count two, the tier drill-through leaves this one out.
  const other = await admin.post<{ id: string }>('/api/v1/customers', { name: '王建华', phones: ['13900003102'], ownerId: agentUser.id });
  await admin.post(`/api/v1/loyalty/members/${other.id}`);
  await signIn(browser, server.url, `/customers/${customer.id}`);
  return { admin, customerId: customer.id };
});

const { dialog, closed, openDialog } = dialogHelpers(() => suite.browser.page);
const ledgerRow = (page: Page, kind: string) => page.locator(`[data-testid="loy-ledger-row"][data-kind="${kind}"]`);
const hasText = (loc: Locator, value: string) => expect.poll(() => loc.textContent(), { timeout: WAIT }).toContain(value);

describe('loyalty on the 360 page', () => {
  it('a birthday double-points earn shows in the history', async () => {
    const page = suite.browser.page;
    const shots = new Shots('loyalty-birthday');
    await page.getByRole('tab', { name: '会员积分' }).click();
    await page.getByTestId('loy-member-card').waitFor();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('loyalty');
    await see(page.getByTestId('loy-member-card'), '银卡会员');
    await hasText(page.getByTestId('loy-balance'), '3,440');
    await see(page.getByTestId('loy-growth'), '距「金卡会员」还差 1,560');
    await expect.poll(() => page.getByTestId('loy-member-no').textContent()).toMatch(/^M\d{8}$/);

    const bonus = ledgerRow(page, 'bonus');
    await see(bonus.getByTestId('loy-ledger-reason'), '生日 2 倍积分');
    expect(await bonus.getByTestId('loy-kind').textContent()).toBe('奖励');
    expect(await bonus.getByTestId('loy-points').textContent()).toBe('+220');
    expect(await bonus.getByTestId('loy-ledger-time').textContent()).toBe(`${BIRTHDAY} 12:00`);
    expect(await bonus.getByTestId('loy-ledger-balance').textContent()).toBe('3,440');
    const earns = ledgerRow(page, 'earn');
    expect(await earns.getByTestId('loy-ledger-reason').allTextContents()).toEqual(['维修与服务消费：¥200.00', '采暖费提前缴纳：¥3000.00']);
    expect(await earns.getByTestId('loy-points').allTextContents()).toEqual(['+220', '+3,000']);
    await see(page.getByTestId('loy-tier-history'), '普通会员 → 银卡会员');
    await shots.take(page, 'ledger');
  });

  it('the desk redeems for a member on the 360 page', async () => {
    const page = suite.browser.page;
    const shots = new Shots('loyalty-desk-redeem');
    await openDialog(page.getByTestId('loy-redeem'));
    await see(dialog(), '可用积分 3,440');
    await pick(page, dialog().getByLabel('礼品', { exact: true }), '暖气片清洗券（1,000 积分）');
    // Five need 5,000 points: the server's 409 is shown in the dialog, which stays open.
    await dialog().getByLabel('数量').fill('5');
    await dialog().getByRole('button', { name: '兑换' }).click();
    await see(dialog().getByRole('alert'), '积分不足：可用 3440，需要 5000');
    await shots.take(page, 'not-enough');
    await dialog().getByLabel('数量').fill('1');
    await dialog().getByRole('button', { name: '兑换' }).click();
    await closed();
    await see(page, '已兑换「暖气片清洗券」× 1，扣除 1,000 积分');
    await hasText(page.getByTestId('loy-balance'), '2,440');
    const redemption = page.getByTestId('loy-redemption-row').first();
    await see(redemption.getByTestId('loy-redemption-reward'), '暖气片清洗券');
    expect(await redemption.getByTestId('loy-redemption-status').textContent()).toBe('已兑换');
    const redeem = ledgerRow(page, 'redeem');
    await see(redeem.getByTestId('loy-ledger-reason'), '兑换「暖气片清洗券」× 1');
    expect(await redeem.getByTestId('loy-points').textContent()).toBe('−1,000');
    await shots.take(page, 'redeemed');

    // An adjustment above the approval limit is not booked: 待审批.
    await openDialog(page.getByTestId('loy-adjust'));
    await dialog().getByLabel('积分（负数为扣减）').fill('2000');
    await dialog().getByLabel('原因').fill('活动补录');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await see(page, '超过审批额度，已提交待审批');
    await see(page.getByTestId('loy-pending'), '待审批');
    await see(page.getByTestId('loy-pending'), '+2,000 积分 · 活动补录 · 系统管理员');
    await hasText(page.getByTestId('loy-balance'), '2,440');
    await shots.take(page, 'pending');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('sends the member link: the link to copy, and what became of the SMS; revokes it and shows a new one', async () => {
    const page = suite.browser.page;
    await page.getByTestId('loy-send-link').click();
    const box = page.getByTestId('loy-link-dialog');
    await expect.poll(() => box.getByTestId('loy-link-url').textContent(), { timeout: WAIT }).toMatch(/\/s\/m\/[\w-]+\.[\w-]+/);
    await box.getByTestId('loy-link-sms').click();
    await see(box.getByTestId('loy-link-outcome'), '短信未发送：客户未同意接收此渠道消息'); // no SMS consent given
    await new Shots('loyalty-member-link').take(page, 'sent');
    // Revoke the links sent so far: after the confirmation a new link shows; the old one opens "no longer valid".
    const oldUrl = (await box.getByTestId('loy-link-url').textContent())!;
    await box.getByTestId('loy-link-revoke').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await see(box.getByTestId('loy-link-outcome'), '此前发出的链接已作废');
    await expect.poll(() => box.getByTestId('loy-link-url').textContent(), { timeout: WAIT }).not.toBe(oldUrl);
    await see(box.getByTestId('loy-link-last-revoked'), '上次作废链接');
    const newUrl = (await box.getByTestId('loy-link-url').textContent())!;
    const here = (url: string) => `${new URL(page.url()).origin}${new URL(url).pathname}${new URL(url).search}`;
    const phone = await page.context().newPage();
    expect((await phone.goto(`${here(oldUrl)}?lang=zh-CN`))?.status()).toBe(410); // (the browser asks for English)
    await see(phone.locator('body'), '链接已不再有效');
    expect((await phone.goto(here(newUrl)))?.status()).toBe(200);
    await phone.close();
    await page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
  });
});

describe('the 会员与积分 page', () => {
  it('lists the member, adds a reward, shows the programme check on its field, approves another user’s adjustment', async () => {
    const page = suite.browser.page;
    const shots = new Shots('loyalty-page');
    await page.getByRole('menuitem', { name: '会员与积分' }).click();
    const member = page.getByTestId('loy-member-row').filter({ hasText: '李秀英' });
    await see(member, '银卡会员');
    expect(await member.getByTestId('loy-member-balance').textContent()).toBe('2,440');
    await shots.take(page, 'members');

    // 礼品: a new reward through the dialog.
    await page.getByRole('tab', { name: '礼品' }).click();
    await openDialog(page.getByTestId('loy-reward-new'));
    await dialog().getByLabel('名称', { exact: true }).fill('保温杯');
    await dialog().getByLabel('所需积分').fill('500');
    await dialog().getByLabel('库存').fill('20');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    const cup = page.getByTestId('loy-reward-row').filter({ hasText: '保温杯' });
    await see(cup, '实物礼品');
    expect(await cup.locator('td').allTextContents()).toEqual(expect.arrayContaining(['500', '20', '所有等级', '上架']));
    await shots.take(page, 'rewards');

    // 方案设置: a second tier below the first is refused, the message under that cell.
    await page.getByRole('tab', { name: '方案设置' }).click();
    await page.getByLabel('升级门槛 2').fill('0');
    await page.getByTestId('loy-prog-save').click();
    await see(page.getByTestId('loy-prog-tiers'), '等级门槛必须逐级升高');
    await shots.take(page, 'programme-check');

    // 积分调整审批: one's own request is refused by the server; another user's is approved and booked.
    await page.getByRole('tab', { name: '积分调整审批' }).click();
    const own = page.getByTestId('loy-adj-row').filter({ hasText: '活动补录' });
    const theirs = page.getByTestId('loy-adj-row').filter({ hasText: '投诉补偿' });
    await see(theirs, AGENT.displayName);
    await own.getByTestId('loy-adj-approve').click();
    await see(page, '不能审批自己提出的积分调整');
    await theirs.getByTestId('loy-adj-approve').click();
    await see(page, '已通过，积分已入账');
    await theirs.waitFor({ state: 'detached' });
    await expect.poll(() => own.count()).toBe(1);
    await expect.poll(() => own.getByTestId('loy-adj-approve').isEnabled()).toBe(true); // still waiting for someone else
    const m = await suite.admin.get<{ balance: number }>(`/api/v1/loyalty/members/${suite.customerId}`);
    expect(m.balance).toBe(7440);
    await shots.take(page, 'approved');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});

describe('the 报表 tab', () => {
  it('shows the members and the liability; a tier bar opens that tier’s members', async () => {
    const page = suite.browser.page;
    const shots = new Shots('loyalty-reports');
    await page.getByRole('tab', { name: '报表' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('reports');
    await hasText(page.getByTestId('loy-rep-members'), '2');
    await hasText(page.getByTestId('loy-rep-liability'), '¥74.40'); // 7,440 points × 1 fen
    await see(page.getByTestId('loy-reports'), '7,440 积分');
    await see(page.getByTestId('loy-rep-cohorts'), '合计');
    // The period in the address: a reload keeps it.
    const url = new URL(page.url());
    url.searchParams.set('from', daysAgo(60));
    url.searchParams.set('to', daysAgo(0));
    await page.goto(url.toString());
    await expect.poll(() => page.getByTestId('loy-rep-days').locator('input').first().inputValue(), { timeout: WAIT }).toBe(daysAgo(60));
    await hasText(page.getByTestId('loy-rep-members'), '2');
    await shots.take(page, 'report');

    const { tier } = await suite.admin.get<{ tier: string }>(`/api/v1/loyalty/members/${suite.customerId}`);
    const index = ['regular', 'silver', 'gold', 'diamond'].indexOf(tier);
    const chart = page.getByTestId('loy-rep-tier-chart');
    let point: [number, number] | null = null;
    await until(async () => {
      point = await chart.evaluate((el, i) => {
        const c = (el as { hearthChart?: { convertToPixel: (f: object, v: [number, number]) => [number, number] } }).hearthChart;
        return c ? c.convertToPixel({ seriesIndex: 0 }, [i, 0.5]) : null;
      }, index);
      return point !== null;
    }, 'the tier chart drawn');
    const area = (await chart.boundingBox())!;
    await page.mouse.click(area.x + point![0], area.y + point![1]);
    await expect.poll(() => new URL(page.url()).searchParams.get('tier'), { timeout: WAIT }).toBe(tier);
    expect(new URL(page.url()).searchParams.get('tab')).toBeNull();
    await expect.poll(() => page.getByTestId('loy-member-row').count(), { timeout: WAIT }).toBe(1);
    await see(page.getByTestId('loy-member-row'), '李秀英');
    await shots.take(page, 'tier-drill');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
