/**
 * 满意度调查 in the browser, the story: a survey from the relational NPS template (新建问卷), a rename in the
 * builder, 启用, then 发放问卷 to a small static list by SMS (the default SMS adapter only logs); the invitation link
 * is read from the outbox and opened at phone width with WeChat's user agent, answered to the end (a promoter: 9,
 * then what they value); the results page then shows 1 response, the NPS with its groups and interval, and the list
 * its response.
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, PHONE, phoneContext, pick, see, seedCompany, Shots, signIn, until, WAIT, type Api } from './harness.js';

const suite = browserSuite<{ api: Api; customers: string[] }>(async ({ server, browser }) => {
  const api = await seedCompany(server.url);
  const customers: string[] = [];
  for (const [name, phone] of [
    ['赵丽', '13800001111'],
    ['钱进', '13800002222'],
    ['孙悦', '13800003333'],
  ] as const) {
    customers.push((await api.post<{ id: string }>('/api/v1/customers', { name, phones: [phone], consent: { sms: true }, address: { city: '哈尔滨市', compound: '幸福家园' } })).id);
  }
  const list = await api.post<{ id: string }>('/api/v1/segments', { name: '冬季回访名单', kind: 'static' });
  await api.post(`/api/v1/segments/${list.id}/members`, { customerIds: customers });
  // Quiet hours would hold an SMS in the evening (Shanghai time); the test must not depend on when it runs.
  await api.patch('/api/v1/message-settings', { quietHours: { channels: [] } });
  await signIn(browser, server.url, '/surveys');
  return { api, customers };
});

type Msg = { body: string; status: string };

describe('surveys', () => {
  it('creates a survey from the NPS template, sends it to a static list; the SMS link is answered in WeChat at phone width; the results show it', async () => {
    const { api, customers } = suite;
    const page = suite.browser.page;
    const shots = new Shots('surveys');

    // 新建问卷 from the relational NPS template.
    await see(page, '还没有问卷');
    await page.getByTestId('survey-new').click();
    await page.getByTestId('survey-template-relational_nps').click();
    await page.getByTestId('survey-new-name').fill('2026 供暖季推荐度调查');
    await shots.take(page, 'new');
    await page.getByRole('button', { name: '创建' }).click();
    await expect.poll(async () => page.getByTestId('survey-title').textContent(), { timeout: WAIT }).toBe('2026 供暖季推荐度调查');
    await see(page.getByTestId('survey-status'), '草稿');
    const id = new URL(page.url()).pathname.split('/')[2]!;
    // The builder: the template's three questions, the NPS one with its branch to the detractors' question.
    await expect.poll(async () => page.getByTestId('question').count(), { timeout: WAIT }).toBe(3);
    await see(page.getByTestId('question').first().getByTestId('question-type'), 'NPS 推荐度（0–10）');
    expect(await page.getByTestId('question').first().getByTestId('branch').count()).toBe(1);
    // A change saved in place (no responses yet: still version 1).
    await page.getByTestId('builder-intro-zh').fill('只有两个问题，感谢您抽出一分钟时间。');
    await page.getByTestId('builder-save').click();
    await see(page, '已保存');
    await shots.take(page, 'builder');
    const saved = await api.get<{ definitionVersion: number; definition: { intro: { zh: string } } }>(`/api/v1/surveys/${id}`);
    expect(saved.definitionVersion).toBe(1);
    expect(saved.definition.intro.zh).toBe('只有两个问题，感谢您抽出一分钟时间。');

    // 启用, then 发放问卷 to the static list by SMS.
    await page.getByTestId('survey-activate').click();
    await see(page.getByTestId('survey-status'), '进行中');
    await page.getByTestId('survey-tab-send').click();
    await page.getByTestId('survey-send').click();
    await page.getByTestId('send-audience').getByText('静态名单').click();
    await pick(page, page.getByTestId('send-list'), '冬季回访名单（3 位客户）');
    await see(page.getByTestId('send-channel').locator('.ant-radio-button-wrapper-checked'), '短信');
    await page.getByRole('button', { name: '发放', exact: true }).click();
    await see(page, '已开始发放');
    const row = page.getByTestId('send-row').first();
    await see(row.getByTestId('send-status'), '已完成', 60_000);
    expect(await row.getByTestId('send-count-invited').getAttribute('data-value')).toBe('3');
    expect(await row.getByTestId('send-count-drawn').getAttribute('data-value')).toBe('3');
    await shots.take(page, 'sent');

    // The invitation in the outbox (log channel): its link.
    let link = '';
    await until(async () => {
      const msgs = await api.get<{ items: Msg[] }>(`/api/v1/messages?channel=sms&customerId=${customers[0]}`);
      link = /https?:\/\/\S+\/s\/v\/[A-Za-z0-9._~-]+/.exec(msgs.items[0]?.body ?? '')?.[0] ?? '';
      return link !== '';
    }, 'the SMS with the survey link');
    expect(link.startsWith(suite.server.url)).toBe(true);

    // The household opens it in WeChat on a (Chinese) phone and answers to the end.
    const phone = await phoneContext(suite.browser, { js: true });
    try {
      const p = await phone.newPage();
      await p.goto(link);
      await see(p, '供热服务推荐意愿调查');
      await see(p, '第 1 / 2 题');
      await see(p, '您有多大可能向亲友推荐我们的供热服务？');
      // One question a screen, fitting the phone's width.
      expect(await p.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await p.locator('label:has(input[name="v"][value="9"])').click();
      await shots.take(p, 'phone-nps');
      await p.getByRole('button', { name: '下一题' }).click();
      await see(p, '您最看重我们的哪一点？');
      await p.locator('textarea[name="v"]').fill('师傅上门及时，暖气很热');
      await p.getByRole('button', { name: '下一题' }).click();
      await see(p, '您已答完全部题目');
      await p.getByRole('button', { name: '提交' }).click();
      await see(p, '提交成功');
      await shots.take(p, 'phone-thanks');
    } finally {
      await phone.close();
    }

    // 结果: 1 response of 3 invited, NPS +100 (one promoter) with its interval, the text answer.
    await page.getByTestId('survey-tab-results').click();
    await expect.poll(async () => page.getByTestId('results-responses').textContent(), { timeout: WAIT }).toBe('1');
    await see(page.getByTestId('results-rate'), '回收率 33.3%（邀请 3 人）');
    await see(page.getByTestId('results-nps-value'), '+100.0');
    await see(page.getByTestId('results-nps-groups'), '推荐者 1 · 中立者 0 · 贬损者 0（共 1）');
    await page.getByTestId('results-nps-plot').waitFor();
    await see(page.getByTestId('results-texts'), '师傅上门及时，暖气很热');
    await shots.take(page, 'results');

    // The list: the survey active, version 1, one response.
    await page.goto(`${suite.server.url}/surveys`);
    const listRow = page.locator('tr').filter({ hasText: '2026 供暖季推荐度调查' });
    await see(listRow, '进行中');
    expect(await listRow.getByTestId('survey-row-responses').textContent()).toBe('1');
    await see(page.getByTestId('surveys-total'), '共 1 份问卷');

    // Editing the questions of a survey with a response makes version 2; the response stays with version 1.
    await listRow.getByTestId('survey-row-name').click();
    await page.getByTestId('survey-tab-design').click();
    await see(page.getByTestId('builder-version-note'), '该问卷已有 1 份答卷');
    await page.getByTestId('builder-preview').click();
    await expect.poll(async () => page.getByTestId('preview-question').count(), { timeout: WAIT }).toBe(3);
    await page.keyboard.press('Escape');
    await page.getByTestId('question').nth(1).getByTestId('question-text-zh').fill('您最看重我们服务的哪一点？');
    await page.getByTestId('builder-save').click();
    await see(page, '已保存为第 2 版（原版本已有答卷）');
    await see(page.getByTestId('survey-version'), '第 2 版 · 1 份答卷');
    const versions = await api.get<{ items: { version: number; responseCount: number }[] }>(`/api/v1/surveys/${id}/versions`);
    expect(versions.items.map((v) => [v.version, v.responseCount])).toEqual([
      [2, 0],
      [1, 1],
    ]);
    await shots.take(page, 'version-2');
  });

  it('builds a blank survey with every question type, a branch and SERVQUAL weights; the server checks the weights', async () => {
    const { api } = suite;
    const page = suite.browser.page;
    const shots = new Shots('surveys-builder');
    await page.goto(`${suite.server.url}/surveys`);
    await page.getByTestId('survey-new').click();
    await page.getByTestId('survey-template-blank').click();
    await page.getByTestId('survey-new-name').fill('入户服务综合评价');
    await page.getByRole('button', { name: '创建' }).click();
    await expect.poll(async () => page.getByTestId('survey-title').textContent(), { timeout: WAIT }).toBe('入户服务综合评价');
    const id = new URL(page.url()).pathname.split('/')[2]!;
    // Every other type, added from 添加题目 (the blank survey starts with a CSAT question).
    for (const type of ['nps', 'ces', 'rating', 'single', 'multiple', 'text', 'matrix', 'servqual']) {
      await page.getByTestId('question-add').click();
      await page.getByTestId(`add-${type}`).click();
    }
    const questions = page.getByTestId('question');
    await expect.poll(async () => questions.count(), { timeout: WAIT }).toBe(9);
    // The NPS question (2nd): a detractor (≤ 6) skips to the text question (7th).
    const nps = questions.nth(1);
    await nps.getByTestId('branch-add').click();
    await pick(page, nps.getByTestId('branch-op'), '小于等于');
    await nps.getByTestId('branch-value').fill('6');
    await pick(page, nps.getByTestId('branch-goto'), '第 7 题：您还有什么建议？');
    // A second SERVQUAL item, of 响应性, in both languages.
    const sq = questions.nth(8);
    await sq.getByTestId('item-add').click();
    await sq.getByTestId('item-text-zh').nth(1).fill('报修后两小时内上门');
    await sq.getByTestId('item-text-en').nth(1).fill('A visit within two hours of a repair call');
    await pick(page, sq.getByTestId('item-dimension').nth(1), '响应性');
    // Weights that do not sum to 100: the total shows it, and the server refuses them.
    await page.getByTestId('weights-on').click();
    await page.getByTestId('weight-tangibles').fill('10');
    await see(page.getByTestId('weights-sum'), '合计 90');
    await page.getByTestId('builder-save').click();
    await see(page.locator('.ant-alert-error').first(), /100/);
    await page.getByTestId('weight-reliability').fill('30');
    await see(page.getByTestId('weights-sum'), '合计 100');
    await page.getByTestId('builder-save').click();
    await see(page, '已保存');
    await shots.take(page, 'saved');
    type Def = { questions: { id: string; type: string; branches?: { when: { op: string; value?: number }; goTo: string }[]; items?: { dimension: string; text: { zh: string; en?: string } }[] }[]; dimensionWeights: Record<string, number> };
    const saved = await api.get<{ definition: Def; definitionVersion: number }>(`/api/v1/surveys/${id}`);
    const def = saved.definition;
    expect(def.questions.map((q) => q.type)).toEqual(['csat', 'nps', 'ces', 'rating', 'single', 'multiple', 'text', 'matrix', 'servqual']);
    expect(def.questions[1]!.branches).toEqual([{ when: { op: 'lte', value: 6 }, goTo: def.questions[6]!.id }]);
    expect(def.questions[8]!.items![1]).toMatchObject({ dimension: 'responsiveness', text: { zh: '报修后两小时内上门', en: 'A visit within two hours of a repair call' } });
    expect(def.dimensionWeights).toEqual({ tangibles: 10, reliability: 30, responsiveness: 20, assurance: 20, empathy: 20 });
    expect(saved.definitionVersion).toBe(1);
  });
});
