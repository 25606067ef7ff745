/**
 * The household's survey page without JavaScript (a context with javaScriptEnabled: false, at phone width with
 * WeChat's user agent): an invitation link answered to the end as a detractor (the branch to 哪些方面让您不满意？),
 * a second visit told it was already submitted; then a QR code made in the UI (for a building, anonymous), its PNG
 * downloaded and decoded (jsqr + pngjs) to the link the page shows, opened and answered anonymously; the results and
 * the code's card count both responses.
 */
import { readFileSync } from 'node:fs';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { browserSuite, phoneContext, pick, see, seedCompany, Shots, signIn, WAIT, type Api } from './harness.js';

// jsqr is a CommonJS module whose typings declare an ES default export: at run time the import is the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

const suite = browserSuite<{ api: Api; surveyId: string; customerId: string }>(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const customer = await api.post<{ id: string }>('/api/v1/customers', { name: '周敏', phones: ['13900001234'], consent: { sms: true }, address: { city: '哈尔滨市', compound: '幸福家园' } });
  const survey = await api.post<{ id: string; version: number }>('/api/v1/surveys', { name: '供暖服务推荐度', templateKey: 'relational_nps' });
  await api.post(`/api/v1/surveys/${survey.id}/activate`, { version: survey.version });
  await signIn(browser, server.url, `/surveys/${survey.id}`);
  return { api, surveyId: survey.id, customerId: customer.id };
});

/** A phone in WeChat with JavaScript off. */
const noScriptPhone = () => phoneContext(suite.browser, { js: false });

describe('the public survey page', () => {
  it('answers an invitation link to the end with JavaScript off; a second visit is told it was submitted', async () => {
    const { api, surveyId, customerId } = suite;
    const shots = new Shots('survey-public-nojs');
    const { link } = await api.post<{ link: string }>(`/api/v1/surveys/${surveyId}/links`, { customerId });
    const ctx = await noScriptPhone();
    try {
      const p = await ctx.newPage();
      await p.goto(link);
      await see(p, '第 1 / 2 题');
      // The company's name heads the page (its branding line, as on every public page).
      await see(p.getByTestId('branding'), '示例供热有限公司');
      expect(await p.locator('script').count()).toBe(0);
      await p.locator('label:has(input[name="v"][value="3"])').click();
      await p.getByRole('button', { name: '下一题' }).click();
      // A detractor: the branch asks what disappointed them (the path is still two questions).
      await see(p, '哪些方面让您不满意？');
      await see(p, '第 2 / 2 题');
      await p.locator('textarea[name="v"]').fill('<script>alert(1)</script> 室温偏低');
      await shots.take(p, 'detractor');
      await p.getByRole('button', { name: '下一题' }).click();
      await p.getByRole('button', { name: '提交' }).click();
      await see(p, '提交成功');
      await p.goto(link);
      await see(p, '您已提交过本问卷，感谢参与');
      await shots.take(p, 'already');
    } finally {
      await ctx.close();
    }
    // The results page shows the response: NPS −100, one detractor, the text answer as text.
    const page = suite.browser.page;
    await page.goto(`${suite.server.url}/surveys/${surveyId}/results`);
    await expect.poll(async () => page.getByTestId('results-responses').textContent(), { timeout: WAIT }).toBe('1');
    await see(page.getByTestId('results-nps-value'), '-100.0');
    await see(page.getByTestId('results-nps-groups'), '推荐者 0 · 中立者 0 · 贬损者 1（共 1）');
    await see(page.getByTestId('results-texts'), '<script>alert(1)</script> 室温偏低');
  });

  it('makes a QR code in the UI whose PNG decodes to the survey link; answered anonymously through it', async () => {
    const { surveyId } = suite;
    const page = suite.browser.page;
    const shots = new Shots('survey-public-qr');
    // Anonymous answers on (the builder's settings; no new version: the questions did not change).
    await page.goto(`${suite.server.url}/surveys/${surveyId}/design`);
    await page.getByTestId('setting-anonymousAllowed').click();
    await page.getByTestId('builder-save').click();
    await see(page, '已保存');
    await see(page.getByTestId('survey-version'), '第 1 版');
    // 新建二维码 for a building.
    await page.getByTestId('survey-tab-send').click();
    await page.getByTestId('qr-new').click();
    await page.getByTestId('qr-label').fill('3 号楼大堂');
    await pick(page, page.getByTestId('qr-place'), '楼栋');
    await page.getByTestId('qr-place-value').fill('幸福家园 3 号楼');
    await page.getByRole('button', { name: '保存' }).click();
    await see(page, '二维码「3 号楼大堂」已创建');
    const card = page.getByTestId('qr-card').filter({ hasText: '3 号楼大堂' });
    await see(card, '匿名');
    await expect.poll(() => card.getByTestId('qr-svg').evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0), { timeout: WAIT }).toBe(true);
    const url = (await card.getByTestId('qr-url').textContent())!.trim();
    expect(url).toMatch(new RegExp(`^${suite.server.url}/s/q/[A-Za-z0-9._~-]+$`));
    await shots.take(page, 'qr');
    // The PNG, downloaded with the button and decoded.
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('qr-png').click()]);
    const png = PNG.sync.read(readFileSync((await download.path())!));
    const decoded = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    expect(decoded?.data).toBe(url);

    // Scanned on a phone (WeChat, no JavaScript): 开始作答, a promoter's 10, what they value, 提交.
    const ctx = await noScriptPhone();
    try {
      const p = await ctx.newPage();
      await p.goto(decoded!.data);
      await see(p, '供热服务推荐意愿调查');
      await p.getByRole('button', { name: '开始作答' }).click();
      await see(p, '第 1 / 2 题');
      await p.locator('label:has(input[name="v"][value="10"])').click();
      await p.getByRole('button', { name: '下一题' }).click();
      await see(p, '您最看重我们的哪一点？');
      // (Left empty, this optional question is shown again: the server's resumeStep takes a skipped optional
      // question for an unanswered one — reported; answered here.)
      await p.locator('textarea[name="v"]').fill('热线接听快');
      await p.getByRole('button', { name: '下一题' }).click();
      await p.getByRole('button', { name: '提交' }).click();
      await see(p, '提交成功');
      await shots.take(p, 'qr-thanks');
    } finally {
      await ctx.close();
    }
    // Both responses in the results (NPS 0: one promoter, one detractor); the code's card counts its one.
    await page.getByTestId('survey-tab-results').click();
    await expect.poll(async () => page.getByTestId('results-responses').textContent(), { timeout: WAIT }).toBe('2');
    await see(page.getByTestId('results-nps-groups'), '推荐者 1 · 中立者 0 · 贬损者 1（共 2）');
    await page.getByTestId('survey-tab-send').click();
    await see(page.getByTestId('qr-card').filter({ hasText: '3 号楼大堂' }), '1 份答卷');
  });
});
