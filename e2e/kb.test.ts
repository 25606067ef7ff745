/**
 * The knowledge base in the browser: an editor writes an article (Markdown, with a script in it), publishes it as
 * public, finds it with the list's Chinese search, rewrites it and restores version 1 from the history; then, signed
 * out at phone width, the public answers page finds it, shows it, and the script is shown as text and never runs.
 * The heating template's starter articles are listed too. Both lists page by keyset cursor: the agents' list with
 * 上一页 / 下一页 and the total, the public answers page with a 下一页 link carrying the cursor.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, DESKTOP, PHONE, see, seedCompany, Shots, signIn, WAIT } from './harness.js';

const suite = browserSuite(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  await signIn(browser, server.url, '/kb');
  return { api };
});

type Listed = { items: { id: string; title: string }[]; nextCursor: string | null; total: number };

const TITLE = '地暖分水器排气方法';

describe('knowledge base', () => {
  it('an editor creates an article, it is found by search, and the public page shows it safely', async () => {
    const page = suite.browser.page;
    const shots = new Shots('kb');

    // The heating template's starter articles.
    await see(page, '暖气不热怎么办');
    await see(page, '供暖问题');
    await shots.take(page, 'list');

    // 新建文章: Markdown with a heading, a list and a script; published and public.
    await page.getByTestId('kb-new').click();
    const drawer = page.locator('.ant-drawer:visible');
    await drawer.getByTestId('kb-title').fill(TITLE);
    await drawer
      .getByTestId('kb-body-input')
      .fill('## 操作步骤\n\n1. 关闭分水器**进水阀**\n2. 打开排气阀放气\n\n<script>window.__kbXss = 1</script>');
    await drawer.getByText('已发布', { exact: true }).click();
    await drawer.getByTestId('kb-public').click();
    // The preview renders the Markdown; the script is text.
    await drawer.getByRole('tab', { name: '预览' }).click();
    const preview = drawer.getByTestId('kb-body');
    await see(preview, '操作步骤');
    await see(preview, '<script>window.__kbXss = 1</script>');
    await shots.take(page, 'editor-preview');
    await drawer.getByTestId('kb-save').click();
    await see(page, '已保存');
    await drawer.waitFor({ state: 'hidden' });

    // Found by the list's search (a word jieba cuts out of the body).
    await page.getByTestId('kb-search').locator('input').fill('分水器');
    await page.getByTestId('kb-search').locator('input').press('Enter');
    await expect.poll(async () => page.getByTestId('kb-row-title').allTextContents(), { timeout: WAIT }).toEqual([TITLE]);
    await shots.take(page, 'search');

    // Rewrite it, then bring version 1 back from the history (a new version 3; the original text again).
    // (A closed drawer stays in the DOM: the steps go by test ids, not by `.ant-drawer:visible`.)
    await page.getByTestId('kb-row-title').click();
    await see(page.getByTestId('kb-body'), '操作步骤');
    await page.locator('.ant-drawer-extra button:visible').click();
    await page.getByTestId('kb-body-input').fill('改写后的说明：请联系物业。');
    await page.getByTestId('kb-save').click();
    await page.getByTestId('kb-save').waitFor({ state: 'hidden' });
    await page.getByTestId('kb-row-title').click();
    await see(page.getByTestId('kb-body'), '改写后的说明');
    await see(page.getByTestId('kb-versions'), '版本 2');
    await page.getByTestId('kb-version-restore-1').click();
    await page.locator('.ant-popconfirm:visible').getByRole('button', { name: '恢复此版本' }).click();
    await see(page, '已恢复为版本 1');
    await see(page.getByTestId('kb-body'), '操作步骤');
    await see(page.getByTestId('kb-versions'), '版本 3');
    await shots.take(page, 'version-restored');
    await page.keyboard.press('Escape');
    await page.getByTestId('kb-versions').waitFor({ state: 'hidden' });

    // The public answers page, signed out, at phone width.
    await suite.browser.context.clearCookies();
    await page.setViewportSize(PHONE);
    await page.goto(`${suite.server.url}/s/help`);
    await see(page, '暖气不热怎么办');
    await page.getByTestId('help-search').locator('input').fill('地暖排气');
    await page.getByTestId('help-search').locator('input').press('Enter');
    await see(page, TITLE);
    await shots.take(page, 'public-search');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await page.getByRole('link', { name: TITLE }).click();
    await expect.poll(async () => page.getByTestId('help-article-title').textContent(), { timeout: WAIT }).toBe(TITLE);
    await see(page, '<script>window.__kbXss = 1</script>');
    expect(await page.locator('[data-testid="kb-body"] h2').textContent()).toBe('操作步骤');
    expect(await page.locator('[data-testid="kb-body"] strong').textContent()).toBe('进水阀');
    expect(await page.evaluate('typeof globalThis.__kbXss')).toBe('undefined');
    expect(suite.browser.pageErrors).toEqual([]);
    await shots.take(page, 'public-article');
  });

  it('the agents\' list and the public page go page by page (keyset cursors), each article once', async () => {
    const { api, server } = suite;
    const page = suite.browser.page;
    const shots = new Shots('kb-pages');
    // More than one page (20) of articles, all published and public.
    for (let i = 1; i <= 14; i++) {
      const n = String(i).padStart(2, '0');
      await api.post('/api/v1/kb/articles', { title: `换热站巡检问答${n}`, body: `第 ${n} 个巡检问题的答复。`, status: 'published', isPublic: true });
    }
    const all = await api.get<Listed>('/api/v1/kb/articles?limit=100');
    expect(all.total).toBeGreaterThan(20);

    await page.setViewportSize(DESKTOP);
    await suite.browser.context.clearCookies();
    await signIn(suite.browser, server.url, '/kb');
    const rowTitles = async () => page.getByTestId('kb-row-title').allTextContents();
    await expect.poll(async () => page.getByTestId('kb-total').textContent(), { timeout: WAIT }).toBe(`共 ${all.total} 篇`);
    await see(page.getByTestId('kb-page-no'), '第 1 页');
    await expect.poll(rowTitles, { timeout: WAIT }).toEqual(all.items.slice(0, 20).map((a) => a.title));
    await page.getByTestId('kb-next').click();
    await see(page.getByTestId('kb-page-no'), '第 2 页');
    await expect.poll(rowTitles, { timeout: WAIT }).toEqual(all.items.slice(20, 40).map((a) => a.title));
    // The total stays; on the last page there is no next one.
    expect(await page.getByTestId('kb-total').textContent()).toBe(`共 ${all.total} 篇`);
    expect(await page.getByTestId('kb-next').isDisabled()).toBe(all.total <= 40);
    await shots.take(page, 'page-2');
    await page.getByTestId('kb-prev').click();
    await see(page.getByTestId('kb-page-no'), '第 1 页');
    await expect.poll(rowTitles, { timeout: WAIT }).toEqual(all.items.slice(0, 20).map((a) => a.title));

    // A search starts again at the first page, with its own total.
    await page.getByTestId('kb-next').click();
    await see(page.getByTestId('kb-page-no'), '第 2 页');
    const found = await api.get<Listed>(`/api/v1/kb/articles?limit=100&q=${encodeURIComponent('巡检问答')}`);
    expect(found.total).toBe(14);
    await page.getByTestId('kb-search').locator('input').fill('巡检问答');
    await page.getByTestId('kb-search').locator('input').press('Enter');
    await expect.poll(async () => page.getByTestId('kb-total').textContent(), { timeout: WAIT }).toBe('共 14 篇');
    await expect.poll(rowTitles, { timeout: WAIT }).toEqual(found.items.map((a) => a.title));
    // One page: 第 1 页 with both buttons off.
    await see(page.getByTestId('kb-page-no'), '第 1 页');
    expect(await page.getByTestId('kb-prev').isDisabled()).toBe(true);
    expect(await page.getByTestId('kb-next').isDisabled()).toBe(true);

    // The public answers page: 20 answers, then 下一页 (a link carrying the cursor) to the rest; each answer once.
    const open = await api.get<Listed>('/api/v1/public/kb/articles?limit=50');
    expect(open.total).toBeGreaterThan(20);
    await suite.browser.context.clearCookies();
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/s/help`);
    const answers = async () => page.getByTestId('help-result').locator('a').allTextContents();
    await expect.poll(answers, { timeout: WAIT }).toEqual(open.items.slice(0, 20).map((a) => a.title));
    expect(await page.getByTestId('help-first').count()).toBe(0);
    await page.getByTestId('help-next').click();
    await expect.poll(answers, { timeout: WAIT }).toEqual(open.items.slice(20, 40).map((a) => a.title));
    expect(new URL(page.url()).searchParams.get('cursor')).toEqual(expect.any(String));
    await see(page.getByTestId('help-first'), '回到第一页');
    expect(await page.getByTestId('help-next').count()).toBe(open.total > 40 ? 1 : 0);
    await shots.take(page, 'public-page-2');
    // Back to the first page, by the link and by the browser's back button.
    await page.goBack();
    await expect.poll(answers, { timeout: WAIT }).toEqual(open.items.slice(0, 20).map((a) => a.title));
    await page.getByTestId('help-next').click();
    await page.getByTestId('help-first').click();
    await expect.poll(answers, { timeout: WAIT }).toEqual(open.items.slice(0, 20).map((a) => a.title));
    expect(suite.browser.pageErrors).toEqual([]);
  });
});
