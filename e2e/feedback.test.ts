/**
 * 客户反馈 in the browser (issue #19): a household opens the public page /f on a phone (375 px, JavaScript off — the
 * page is a plain HTML form), writes 「家里暖气片漏水了，地板都泡了，太气人了」 with their phone number and sees the thanks
 * page with the item's number. An agent opens 客户反馈 from the menu and finds the item from that customer with the
 * category 漏水 (applied by the analysis) and 负面; in its drawer the keywords and the words that drove the sentiment;
 * corrects the category to 维修效率 (the suggestion 漏水 stays, now 由坐席设定), replies (sent by SMS to the masked
 * number) — and the customer's timeline shows the feedback and the reply. At phone width the inbox's table scrolls
 * inside itself and the drawer takes the whole width. 反馈分析 counts the item in its trend (today's figure, the 维修效率
 * row under the chart), renders the hot topics and the keyword cloud, and a chart point or a keyword opens the inbox
 * filtered to the items it counts; at phone width it stacks without a sideways scroll.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Api, browserSuite, launchBrowser, see, seedCompany, Shots, signIn, until } from './harness.js';

const AGENT = { username: 'kefu', password: 'Kefu12345', displayName: '客服小刘', roleKey: 'agent' };
const TEXT = '家里暖气片漏水了，地板都泡了，太气人了';
const PHONE_NO = '13900002001';
const REPLY = '已安排师傅今天下午上门维修，给您添麻烦了。';
const SMALL_PHONE = { width: 375, height: 740 };

const suite = browserSuite<{ customerId: string; admin: Api }>(async ({ server, browser }) => {
  const admin = await seedCompany(server.url);
  const agent = await admin.post<{ id: string }>('/api/v1/users', AGENT);
  const customer = await admin.post<{ id: string }>('/api/v1/customers', {
    name: '张秀兰',
    phones: [PHONE_NO],
    consent: { sms: true },
    ownerId: agent.id,
    address: { city: '哈尔滨市', compound: '幸福家园', building: '3', unit: '2', room: '302' },
  });
  await signIn(browser, server.url, '/', AGENT.username, AGENT.password);
  return { customerId: customer.id, admin };
});

const drawer = (page: Page) => page.getByTestId('fb-drawer-body');
const noSideScroll = async (page: Page, width: number) => expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
let number = 0;

describe('feedback', () => {
  it('a household sends feedback from the public page on a phone without JavaScript', async () => {
    const context = await suite.browser.context.browser()!.newContext({ viewport: SMALL_PHONE, isMobile: true, hasTouch: true, locale: 'zh-CN', reducedMotion: 'reduce', javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      const shots = new Shots('feedback-public');
      await page.goto(`${suite.server.url}/f`);
      await see(page, '意见反馈');
      expect(await page.evaluate('typeof window')).toBe('object'); // evaluate still works, the page's own scripts do not run
      await page.locator('#text').fill(TEXT);
      await page.locator('#phone').fill('139 0000 2001');
      await noSideScroll(page, SMALL_PHONE.width);
      await shots.take(page, 'form');
      await page.getByRole('button', { name: '提交' }).click();
      await see(page, '感谢您的反馈');
      const thanks = (await page.locator('body').textContent()) ?? '';
      number = Number(/编号 (\d+)/.exec(thanks)?.[1]);
      expect(number).toBeGreaterThan(0);
      expect(thanks).toContain(`我们已收到您的反馈（编号 ${number}），会尽快处理。`);
      await noSideScroll(page, SMALL_PHONE.width);
      await shots.take(page, 'thanks');
    } finally {
      await context.close();
    }
  });

  it('an agent finds it in 客户反馈 as 漏水 and 负面, corrects the category, replies; the timeline shows both', async () => {
    expect(number).toBeGreaterThan(0);
    const page = suite.browser.page;
    const shots = new Shots('feedback');
    await page.getByRole('menuitem', { name: '客户反馈' }).click();
    await until(async () => new URL(page.url()).pathname === '/feedback', 'the inbox');

    // The row: number, customer, the text, the category applied by the analysis, 负面, 新反馈, the agent as owner.
    const row = page.locator(`[data-testid="fb-row"][data-number="${number}"]`);
    await see(row.getByTestId('fb-text-cell'), TEXT);
    expect(await row.getByTestId('fb-number').textContent()).toBe(`#${number}`);
    expect(await row.getByTestId('fb-customer').textContent()).toBe('张秀兰');
    expect(await row.getByTestId('fb-category').textContent()).toBe('漏水');
    expect(await row.getByTestId('fb-sentiment').textContent()).toBe('负面');
    expect(await row.getByTestId('fb-status').textContent()).toBe('新反馈');
    await expect.poll(() => row.textContent()).toContain(AGENT.displayName);
    await shots.take(page, 'inbox');

    // The drawer: the full text, keywords, the words behind 负面, the suggestion with its confidence.
    await row.getByTestId('fb-text-cell').click();
    await see(page.getByTestId('fb-drawer-title'), `客户反馈 #${number}`);
    expect(new URL(page.url()).searchParams.get('item')).toBeTruthy();
    expect(await drawer(page).getByTestId('fb-text').textContent()).toBe(TEXT);
    await see(drawer(page).getByTestId('fb-keywords'), '漏水');
    await see(drawer(page).getByTestId('fb-analysis'), /分析结果：负面（置信度 \d+%）/);
    expect(await drawer(page).getByTestId('fb-drivers').locator('.ant-tag').count()).toBeGreaterThan(0);
    await see(drawer(page).getByTestId('fb-suggestion'), /漏水\s*置信度 \d+%\s*· 已自动应用/);
    await shots.take(page, 'drawer');

    // Corrects the category to 维修效率: saved with the version; the suggestion stays, now set by the agent.
    const version = Number(await drawer(page).getAttribute('data-version'));
    await drawer(page).getByTestId('fb-edit-category').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle('维修效率', { exact: true }).click();
    await see(page, '已保存');
    await until(async () => Number(await drawer(page).getAttribute('data-version')) === version + 1, 'the new version');
    await see(drawer(page).getByTestId('fb-edit-category'), '维修效率');
    await see(drawer(page).getByTestId('fb-suggestion'), /漏水.*由坐席设定/);
    await see(row.getByTestId('fb-category'), '维修效率'); // the inbox reloaded under the drawer

    // Replies: sent through the outbox by SMS to the masked number; the item is 已回复.
    await drawer(page).getByTestId('fb-reply-box').fill(REPLY);
    await drawer(page).getByTestId('fb-reply-send').click();
    await see(drawer(page).getByTestId('fb-reply-text'), REPLY);
    await see(drawer(page).getByTestId('fb-reply-sent'), '已回复客户');
    await see(drawer(page).getByTestId('fb-reply-via'), /短信发送至 139\*{4}2001 · (排队中|发送中|已发送)/);
    await see(page.getByTestId('fb-status').first(), '已回复');
    await shots.take(page, 'replied');

    // The customer's timeline: the feedback (负面, 反馈页, the text) and the reply.
    await drawer(page).getByTestId('fb-customer-link').click();
    await until(async () => new URL(page.url()).pathname === `/customers/${suite.customerId}`, "the customer's page");
    if (new URL(page.url()).searchParams.get('tab') !== 'timeline') await page.getByRole('tab', { name: '时间线' }).click();
    const fb = page.locator('[data-testid="timeline-item"][data-kind="feedback"]');
    const reply = page.locator('[data-testid="timeline-item"][data-kind="feedback_reply"]');
    await see(fb.getByTestId('timeline-title'), `客户反馈 #${number}`);
    const summary = (await fb.getByTestId('timeline-summary').textContent()) ?? '';
    expect(summary).toContain('负面');
    expect(summary).toContain(TEXT);
    await see(reply.getByTestId('timeline-title'), `回复客户反馈 #${number}`);
    expect(await reply.getByTestId('timeline-summary').textContent()).toBe(REPLY);
    await fb.scrollIntoViewIfNeeded();
    await shots.take(page, 'timeline');
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('反馈分析 counts the item in its trend (today, 维修效率), renders the hot topics and the keyword cloud; a chart point opens the inbox', async () => {
    const page = suite.browser.page;
    const shots = new Shots('feedback-analysis');
    await page.getByRole('menuitem', { name: '反馈分析' }).click();
    await until(async () => new URL(page.url()).pathname === '/feedback/analysis', 'the analysis page');
    // The household's item is the only one so far: the range's total and today's figure count it.
    await see(page.getByTestId('fa-total'), '1');
    await see(page.getByTestId('fa-last'), '1');
    const row = page.locator('[data-testid="fa-series-row"]').filter({ hasText: '维修效率' });
    await see(row, '维修效率');
    expect((await row.locator('td').allTextContents()).slice(1)).toEqual(['1', '1']);
    // The hot topics list renders (a new installation has no four weeks to compare against yet) and the cloud has 漏水.
    await see(page.getByTestId('fa-hot'), '前 4 周的数据不足，暂不判断热点');
    await see(page.getByTestId('fa-keywords'), '漏水');
    await page.getByTestId('fa-trend-chart').waitFor();
    await shots.take(page, 'page');

    // Today's point of the 维修效率 line opens the inbox on 维修效率 and today, listing the item.
    const chart = page.getByTestId('fa-trend-chart');
    let point: [number, number] | null = null;
    await until(async () => {
      point = await chart.evaluate((el) => {
        const c = (el as { hearthChart?: { getOption: () => { xAxis: { data: unknown[] }[] }; convertToPixel: (f: object, v: [number, number]) => [number, number] } }).hearthChart;
        if (!c) return null;
        const last = c.getOption().xAxis[0]!.data.length - 1;
        return c.convertToPixel({ seriesIndex: 0 }, [last, 1]);
      });
      return point !== null;
    }, 'the chart drawn');
    const box = (await chart.boundingBox())!;
    await page.mouse.click(box.x + point![0], box.y + point![1]);
    await until(async () => new URL(page.url()).pathname === '/feedback', 'the inbox');
    const params = new URL(page.url()).searchParams;
    expect(params.get('categoryId')).toBeTruthy();
    expect(params.get('from')).toBe(params.get('to'));
    await see(page.locator(`[data-testid="fb-row"][data-number="${number}"]`).getByTestId('fb-category'), '维修效率');
    expect(await page.getByTestId('fb-row').count()).toBe(1);

    // A keyword opens the inbox filtered to it (a removable chip).
    await page.goto(`${suite.server.url}/feedback/analysis`);
    await page.getByTestId('fa-keyword').filter({ hasText: /^漏水$/ }).click();
    await until(async () => new URL(page.url()).searchParams.get('keyword') === '漏水', 'the keyword filter');
    await see(page.getByTestId('fb-filter-keyword'), '关键词：漏水');
    await see(page.locator(`[data-testid="fb-row"][data-number="${number}"]`).getByTestId('fb-text-cell'), TEXT);
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('a stale edit is refused with a clear message and the drawer reloads; 转为工单 links to the new ticket', async () => {
    const page = suite.browser.page;
    const api = await new Api(suite.server.url).login(AGENT.username, AGENT.password);
    const { items } = await api.get<{ items: { id: string; number: number; version: number }[] }>('/api/v1/feedback');
    const item = items.find((i) => i.number === number)!;
    await page.goto(`${suite.server.url}/feedback?item=${item.id}`);
    await see(page.getByTestId('fb-drawer-title'), `客户反馈 #${number}`);
    // Someone else closes it meanwhile; this drawer still holds the old version.
    await api.patch(`/api/v1/feedback/${item.id}`, { status: 'closed', version: item.version });
    await drawer(page).getByTestId('fb-edit-sentiment').click();
    await page.locator('.ant-select-dropdown:visible').getByTitle('中性', { exact: true }).click();
    await see(page, '这条反馈刚被他人修改，已重新载入最新内容，请确认后再操作');
    await see(drawer(page).getByTestId('fb-edit-status'), '已关闭');
    expect(Number(await drawer(page).getAttribute('data-version'))).toBe(item.version + 1);
    expect(await drawer(page).getByTestId('fb-edit-sentiment').textContent()).toBe('不更正（采用分析结果）');

    await drawer(page).getByTestId('fb-to-ticket').click();
    await see(page, '已转为工单');
    const link = drawer(page).getByTestId('fb-ticket-link');
    await link.waitFor();
    const made = await api.get<{ ticketId: string }>(`/api/v1/feedback/${item.id}`);
    expect(await link.getAttribute('href')).toBe(`/tickets/${made.ticketId}`);
    await link.click();
    await until(async () => new URL(page.url()).pathname === `/tickets/${made.ticketId}`, "the ticket's page");
    await see(page, TEXT);
    expect(suite.browser.pageErrors).toEqual([]);
  });

  it('an agent records what a customer said on the phone: the new item opens with its analysis', async () => {
    const page = suite.browser.page;
    await page.goto(`${suite.server.url}/feedback`);
    await page.getByTestId('fb-new').click();
    const dialog = page.locator('.ant-modal-wrap:visible');
    await dialog.waitFor();
    await dialog.getByTestId('fb-new-customer').locator('input').fill('张秀兰');
    await page.locator('.ant-select-dropdown:visible').getByText('张秀兰', { exact: false }).first().click();
    await dialog.getByTestId('fb-new-text').fill('师傅态度非常好，修得也快，谢谢');
    await dialog.getByRole('button', { name: '保存' }).dblclick(); // a double click records it once
    await dialog.waitFor({ state: 'detached' });
    await see(page, /反馈已登记（#\d+）/);
    await see(drawer(page).getByTestId('fb-text'), '师傅态度非常好，修得也快，谢谢');
    await see(page.locator('.ant-drawer').getByTestId('fb-sentiment'), '正面');
    expect(await drawer(page).getByTestId('fb-customer-link').textContent()).toBe('张秀兰');
    // Below the threshold the category is only suggested (「建议」 in the row); one click accepts it.
    const row = page.getByTestId('fb-row').filter({ hasText: '师傅态度非常好' });
    await see(row.getByTestId('fb-category'), /建议\s*服务态度\s*置信度 \d+%/);
    await new Shots('feedback-new').take(page, 'suggested');
    await drawer(page).getByTestId('fb-accept-suggestion').click();
    await see(drawer(page).getByTestId('fb-edit-category'), '服务态度');
    await see(row.getByTestId('fb-category'), /^服务态度$/);
    const rows = await page.getByTestId('fb-row').filter({ hasText: '师傅态度非常好' }).count();
    expect(rows).toBe(1);
        expect(suite.browser.pageErrors).toEqual([]);
  });

  it('at phone width the inbox table scrolls inside itself and the drawer takes the whole width', async () => {
    const b = await launchBrowser(SMALL_PHONE);
    try {
      const page = await signIn(b, suite.server.url, '/feedback', AGENT.username, AGENT.password);
      const row = page.locator(`[data-testid="fb-row"][data-number="${number}"]`);
      await see(row.getByTestId('fb-text-cell'), TEXT);
      await noSideScroll(page, SMALL_PHONE.width);
      const shots = new Shots('feedback-phone');
      await shots.take(page, 'inbox');
      await row.getByTestId('fb-text-cell').click();
      await see(page.getByTestId('fb-drawer-title'), `客户反馈 #${number}`);
      const box = await page.locator('.ant-drawer-content-wrapper').boundingBox();
      expect(box?.width).toBe(SMALL_PHONE.width);
      await see(drawer(page).getByTestId('fb-reply-text'), REPLY);
      await noSideScroll(page, SMALL_PHONE.width);
      await shots.take(page, 'drawer');
      // 反馈分析 at phone width: the figures, the chart and the hot topics stack without a sideways scroll.
      await page.goto(`${suite.server.url}/feedback/analysis`);
      await see(page.getByTestId('fa-total'), /\d/);
      await page.getByTestId('fa-trend-chart').waitFor();
      await page.getByTestId('fa-hot').waitFor();
      await noSideScroll(page, SMALL_PHONE.width);
      await shots.take(page, 'analysis');
      expect(b.pageErrors).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('an administrator retrains the company models on 反馈分析: told what is missing first, then trained from the corrections', async () => {
    const b = await launchBrowser();
    try {
      const page = await signIn(b, suite.server.url, '/feedback/analysis');
      await see(page.getByTestId('fm-blocked-sentiment'), /负面、正面各至少 10 条/);
      expect(await page.getByTestId('fm-retrain').isDisabled()).toBe(true);
      for (let i = 1; i <= 10; i++) {
        for (const [text, sentiment] of [
          [`第${i}户：暖气片烫手，屋里暖和`, 'pos'],
          [`第${i}户：暖气片冰凉，报修没人来`, 'neg'],
        ] as const) {
          const item = await suite.admin.post<{ id: string; version: number }>('/api/v1/feedback', { text });
          await suite.admin.patch(`/api/v1/feedback/${item.id}`, { version: item.version, sentiment });
        }
      }
      await page.reload();
      await see(page.getByTestId('fm-sentiment'), '尚未训练');
      await page.getByTestId('fm-retrain').click();
      await see(page.getByTestId('fm-result-sentiment'), '已训练，第 1 版');
      await see(page.getByTestId('fm-sentiment'), /第 1 版，20 条更正/);
      await new Shots('feedback-retrain').take(page, 'trained');
      expect(b.pageErrors).toEqual([]);
    } finally {
      await b.close();
    }
  });
});
