/**
 * Tags in the browser: the 标签管理 page (create with a colour, edit, rename with the server's field message, merge
 * two tags with the affected count in the confirmation, delete), bulk tagging and untagging from the customer list
 * with the tags then on the rows in their colours, the page at phone width, and what users without tag:manage see.
 * Every test that writes has a server of its own, seeded through the API with what it starts from (the state an
 * earlier step of the story would have left); the tests that only look share one. Each has its own browser context.
 * So no test depends on another or on their order.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  Api,
  closeSharedBrowser,
  DESKTOP,
  launchBrowser,
  PHONE,
  pick,
  see,
  seedCompany,
  Shots,
  shotIfFailed,
  signIn,
  startServer,
  tableRows,
  WAIT,
  type BrowserHandle,
  type ServerHandle,
} from './harness.js';

type Ids = Record<'zhang' | 'wang' | 'sun' | 'zhao' | 'li' | 'zhou' | 'wu' | 'zheng', string>;
const suite = {} as { server: ServerHandle; browser: BrowserHandle; api: Api; ids: Ids; own: boolean };

/**
 * Where a test starts: `base` the seeded company; `renamed` also 回访名单 registered and 供暖季重点 renamed 重点关注;
 * `merged` also VIP and 贵宾 merged into 重要客户; `deleted` also 欠费 deleted; `bulk` also 待回访 and 2025冬季 on 周敏,
 * 吴磊 and 郑洁, then 2025冬季 taken off 周敏 again.
 */
const STAGES = ['base', 'renamed', 'merged', 'deleted', 'bulk'] as const;
type Stage = (typeof STAGES)[number];

async function seed(api: Api, server: ServerHandle, stage: Stage): Promise<Ids> {
  const customer = async (name: string, tags: string[]) => (await api.post<{ id: string }>('/api/v1/customers', { name, tags })).id;
  // Oldest first; the list shows the newest first.
  const ids: Ids = {
    zhang: await customer('张伟', ['VIP', '供暖季重点']),
    wang: await customer('王芳', ['VIP']),
    sun: await customer('孙丽', ['VIP', '贵宾']),
    zhao: await customer('赵刚', ['贵宾']),
    li: await customer('李娜', ['欠费']),
    zhou: await customer('周敏', []),
    wu: await customer('吴磊', []),
    zheng: await customer('郑洁', []),
  };
  // A registered tag no customer carries yet.
  await api.request('PUT', `/api/v1/tags/${encodeURIComponent('待回访')}`, { color: 'green', description: '本季度需要电话回访' });
  await api.post('/api/v1/users', { username: 'chakan', displayName: '查看员', password: 'Chakan1234', roleKey: 'viewer' });
  await api.post('/api/v1/users', { username: 'zuoxi', displayName: '坐席员', password: 'Zuoxi12345', roleKey: 'agent' });
  // The agent owns one customer of its own (an agent's scope is its own customers).
  const agent = await new Api(server.url).login('zuoxi', 'Zuoxi12345');
  await agent.post('/api/v1/customers', { name: '坐席的客户' });
  const reached = (s: Stage) => STAGES.indexOf(stage) >= STAGES.indexOf(s);
  if (reached('renamed')) {
    await api.request('PUT', `/api/v1/tags/${encodeURIComponent('回访名单')}`, { color: 'gold', description: '冬季回访的客户' });
    await api.post('/api/v1/tags/merge', { from: ['供暖季重点'], into: '重点关注' });
  }
  if (reached('merged')) await api.post('/api/v1/tags/merge', { from: ['VIP', '贵宾'], into: '重要客户' });
  if (reached('deleted')) await api.delete(`/api/v1/tags/${encodeURIComponent('欠费')}`);
  if (reached('bulk')) {
    await api.post('/api/v1/customers/bulk/tags', { ids: [ids.zhou, ids.wu, ids.zheng], add: ['待回访', '2025冬季'], remove: [] });
    await api.post('/api/v1/customers/bulk/tags', { ids: [ids.zhou], add: [], remove: ['2025冬季'] });
  }
  return ids;
}

/** Servers of the tests that write nothing (they only look, select rows and open dialogs they cancel), by stage. */
const readOnly = new Map<Stage, Promise<{ server: ServerHandle; api: Api; ids: Ids }>>();

async function seededServer(stage: Stage) {
  const server = await startServer();
  const api = await seedCompany(server.url);
  return { server, api, ids: await seed(api, server, stage) };
}

/**
 * A server with the company seeded up to `stage` — a new one, or for a test that writes nothing (`readOnlyTest`) one
 * shared with the other such tests — and a new browser context signed in as admin on /customers.
 */
async function start(stage: Stage, readOnlyTest = false): Promise<void> {
  let seeded: Promise<{ server: ServerHandle; api: Api; ids: Ids }>;
  if (readOnlyTest) {
    if (!readOnly.has(stage)) readOnly.set(stage, seededServer(stage));
    seeded = readOnly.get(stage)!;
  } else {
    seeded = seededServer(stage);
  }
  const [s, browser] = await Promise.all([seeded, launchBrowser(DESKTOP)]);
  Object.assign(suite, s, { browser, own: !readOnlyTest });
  await signIn(suite.browser, suite.server.url, '/customers');
}

afterEach(async ({ task }) => {
  await shotIfFailed(suite.browser?.page, task);
  await suite.browser?.close();
  if (suite.own) await suite.server?.stop();
});
afterAll(async () => {
  await closeSharedBrowser();
  for (const s of readOnly.values()) await (await s).server.stop();
});

/** A server start and seeding come on top of the test itself. */
const T = { timeout: 120_000 };

const page = () => suite.browser.page;
const dialog = () => page().locator('.ant-modal-wrap:visible').filter({ hasNot: page().locator('.ant-modal-confirm') });
const confirmBox = () => page().locator('.ant-modal-confirm:visible');
const closed = () => page().locator('.ant-modal-wrap:visible').first().waitFor({ state: 'detached' });
/** Waits until a modal (its .ant-modal box) has finished zooming in (a click during that can miss). */
async function settled(modal: Locator): Promise<void> {
  await modal.waitFor();
  await expect
    .poll(
      () =>
        modal.evaluate((m: { className: string; getAnimations: () => unknown[] }) => !/-(appear|enter)/.test(m.className) && m.getAnimations().length === 0),
      { timeout: WAIT },
    )
    .toBe(true);
}
async function openDialog(button: Locator): Promise<void> {
  await button.click();
  await settled(dialog().locator('.ant-modal'));
}
/** The antd form item (label, control, errors) around the control with this label. */
const formItem = (scope: Locator, label: string) =>
  scope.getByLabel(label, { exact: true }).locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ant-form-item ")][1]');
/** The row of the tags table for this tag. */
const tagRow = (p: Page, name: string) => tableRows(p).filter({ has: p.getByTestId('tag-name').getByText(name, { exact: true }) });
const countOf = (p: Page, name: string) => tagRow(p, name).getByTestId('tag-count').textContent();
/** The tags table as { name: count }. */
async function tagCounts(p: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const row of await tableRows(p).all()) {
    out[(await row.getByTestId('tag-chip').textContent())!] = Number(await row.getByTestId('tag-count').textContent());
  }
  return out;
}
/** The customer list's row for this name, and the tags on it. */
const customerRow = (p: Page, name: string) => tableRows(p).filter({ has: p.getByTestId('customer-link').getByText(name, { exact: true }) });
const rowTags = (p: Page, name: string) => customerRow(p, name).getByTestId('tag-chip').allTextContents();
/** Opens 标签管理 (unless it is open) and waits for its rows. */
async function openTagsPage(p: Page): Promise<void> {
  if (new URL(p.url()).pathname !== '/admin/tags') await p.goto(suite.server.url + '/admin/tags');
  await tableRows(p).first().waitFor();
}

describe('标签管理', () => {
  it('lists the tags with colour and count, creates one with a palette colour, refuses an existing name, edits one', T, async () => {
    await start('base');
    const p = page();
    const shots = new Shots('tags-create-edit');
    await p.goto(suite.server.url + '/customers');
    await p.getByRole('menuitem', { name: '标签管理' }).click();
    await see(p, '本季度需要电话回访');
    expect(new URL(p.url()).pathname).toBe('/admin/tags');
    await expect.poll(() => tagCounts(p), { timeout: WAIT }).toEqual({ VIP: 3, 贵宾: 2, 欠费: 1, 供暖季重点: 1, 待回访: 0 });
    expect(await tagRow(p, '待回访').getByTestId('tag-color').textContent()).toBe('绿色');
    expect(await tagRow(p, '待回访').getByTestId('tag-chip').getAttribute('data-color')).toBe('green');
    await shots.take(p, 'seeded');

    // New tag: name, a colour from the palette, a description.
    await openDialog(p.getByRole('button', { name: '新建标签' }));
    await dialog().getByLabel('标签名称').fill('回访名单');
    await dialog().getByRole('radio', { name: '金色' }).click();
    await expect.poll(() => dialog().getByRole('radio', { name: '金色' }).getAttribute('aria-checked'), { timeout: WAIT }).toBe('true');
    await dialog().getByLabel('说明').fill('冬季回访的客户');
    await shots.take(p, 'new-tag');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(p, '标签「回访名单」已创建');
    await closed();
    const created = tagRow(p, '回访名单');
    await created.waitFor();
    expect(await created.getByTestId('tag-count').textContent()).toBe('0');
    expect(await created.getByTestId('tag-color').textContent()).toBe('金色');
    expect(await created.getByTestId('tag-description').textContent()).toBe('冬季回访的客户');
    expect(await created.getByTestId('tag-chip').getAttribute('class')).toContain('ant-tag-gold');

    // A name that exists is refused on the field.
    await openDialog(p.getByRole('button', { name: '新建标签' }));
    await dialog().getByLabel('标签名称').fill('VIP');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(formItem(dialog(), '标签名称'), '标签「VIP」已存在');
    await dialog().getByRole('button', { name: '取消' }).click();
    await closed();

    // Edit a colour and description.
    await openDialog(tagRow(p, '欠费').getByRole('button', { name: '编辑' }));
    await dialog().getByRole('radio', { name: '红色' }).click();
    await dialog().getByLabel('说明').fill('采暖费未缴清');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await expect.poll(() => tagRow(p, '欠费').getByTestId('tag-color').textContent(), { timeout: WAIT }).toBe('红色');
    expect(await tagRow(p, '欠费').getByTestId('tag-description').textContent()).toBe('采暖费未缴清');
    await shots.take(p, 'edited');
  });

  it('renames a tag: the same name is refused with the server’s message on the field, then a new name', T, async () => {
    await start('base');
    const p = page();
    const shots = new Shots('tags-rename');
    await openTagsPage(p);
    await openDialog(tagRow(p, '供暖季重点').getByRole('button', { name: '重命名' }));
    await see(dialog(), '所有带此标签的客户（1 位）都会改用新名称');
    await dialog().getByRole('button', { name: '重命名' }).click();
    await see(formItem(dialog(), '新名称'), '要合并的标签与目标标签相同');
    await shots.take(p, 'rename-same-name');
    await dialog().getByLabel('新名称').fill('重点关注');
    await dialog().getByRole('button', { name: '重命名' }).click();
    await see(p, '已重命名为「重点关注」，1 位客户已更新');
    await closed();
    await expect.poll(() => countOf(p, '重点关注'), { timeout: WAIT }).toBe('1');
    expect(await tagRow(p, '供暖季重点').count()).toBe(0);
    await shots.take(p, 'renamed');
  });

  it('merges two selected tags into a new one, confirming with the customers affected; 孙丽 carries both, so 4 not 5', T, async () => {
    await start('renamed');
    const p = page();
    const shots = new Shots('tags-merge');
    await openTagsPage(p);
    await p.getByRole('checkbox', { name: '选择标签「VIP」' }).check();
    await p.getByRole('checkbox', { name: '选择标签「贵宾」' }).check();
    await see(p.getByTestId('tag-selection'), '已选 2 个标签');
    await openDialog(p.getByTestId('tag-selection').getByRole('button', { name: '合并' }));
    await see(dialog(), 'VIP · 3');
    await see(dialog(), '贵宾 · 2');
    await dialog().getByLabel('合并为').fill('重要客户');
    await dialog().locator('.ant-modal-title').click();
    await dialog().getByRole('button', { name: '合并' }).click();
    await settled(confirmBox());
    expect(await confirmBox().getByTestId('merge-confirm').textContent()).toBe(
      '「VIP」「贵宾」将合并为「重要客户」，涉及最多 5 位客户（同时带有其中几个标签的客户只算一次）。此操作不能自动撤销。',
    );
    await shots.take(p, 'merge-confirm');
    await confirmBox().getByRole('button', { name: '合并' }).click();
    await see(p, '已合并为「重要客户」，4 位客户已更新');
    await expect.poll(() => tagCounts(p), { timeout: WAIT }).toEqual({ 重要客户: 4, 欠费: 1, 重点关注: 1, 待回访: 0, 回访名单: 0 });
    expect(await p.getByTestId('tag-selection').count()).toBe(0);
    await shots.take(p, 'merged');
  });

  it('deletes a tag after a confirmation with its customer count; the customer list shows the new tags', T, async () => {
    await start('merged');
    const p = page();
    const shots = new Shots('tags-delete');
    await openTagsPage(p);
    await tagRow(p, '欠费').getByRole('button', { name: '删除' }).click();
    await settled(confirmBox());
    expect(await confirmBox().locator('.ant-modal-confirm-title').textContent()).toBe('删除标签「欠费」？');
    expect(await confirmBox().getByTestId('delete-confirm').textContent()).toBe('将从 1 位客户身上移除此标签，并删除它的颜色和说明。此操作不能自动撤销。');
    await confirmBox().getByRole('button', { name: '删除' }).click();
    await see(p, '标签「欠费」已删除，已从 1 位客户移除');
    await expect.poll(() => tagRow(p, '欠费').count(), { timeout: WAIT }).toBe(0);
    await shots.take(p, 'deleted');

    // The count links to the customers carrying the tag; their rows show the new names.
    await tagRow(p, '重要客户').getByTestId('tag-count').click();
    await see(p, '共 4 位客户');
    expect(new URL(p.url()).searchParams.get('tag')).toBe('重要客户');
    expect(await rowTags(p, '张伟')).toEqual(['重要客户', '重点关注']);
    expect(await rowTags(p, '孙丽')).toEqual(['重要客户']);
    expect(await rowTags(p, '赵刚')).toEqual(['重要客户']);
    await p.goto(suite.server.url + '/customers');
    await see(p, '共 9 位客户');
    expect(await rowTags(p, '李娜')).toEqual([]);
    await shots.take(p, 'customer-list');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});

describe('bulk tagging from the customer list', () => {
  it('tags three selected customers with a registered tag and a new one, then removes one from a customer', T, async () => {
    await start('deleted');
    const p = page();
    const shots = new Shots('tags-bulk');
    await p.goto(suite.server.url + '/customers');
    await see(p, '共 9 位客户');
    expect(await p.getByTestId('bulk-bar').count()).toBe(0);
    for (const name of ['周敏', '吴磊', '郑洁']) await p.getByRole('checkbox', { name: `选择客户「${name}」` }).check();
    await see(p.getByTestId('bulk-bar'), '已选 3 位客户');
    await shots.take(p, 'selected');

    await openDialog(p.getByRole('button', { name: '批量打标签' }));
    await see(dialog(), '给 3 位客户打标签');
    const select = dialog().getByLabel('标签', { exact: true });
    await pick(p, select, '待回访', '待回');
    await select.fill('2025冬季');
    await select.press('Enter');
    await dialog().locator('.ant-modal-title').click();
    await expect.poll(() => dialog().getByTestId('bulk-chosen').allTextContents(), { timeout: WAIT }).toEqual(['待回访', '2025冬季']);
    expect(await dialog().getByTestId('bulk-chosen').first().getAttribute('data-color')).toBe('green');
    await shots.take(p, 'add-dialog');
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(p, '已为 3 位客户添加标签：「待回访」「2025冬季」');
    await closed();
    for (const name of ['周敏', '吴磊', '郑洁']) {
      await expect.poll(() => rowTags(p, name), { timeout: WAIT }).toEqual(['待回访', '2025冬季']);
      // The registered tag shows in its colour.
      expect(await customerRow(p, name).getByTestId('tag-chip').first().getAttribute('data-color')).toBe('green');
    }
    expect(await rowTags(p, '李娜')).toEqual([]);
    expect(await p.getByTestId('bulk-bar').count()).toBe(0);
    await shots.take(p, 'tagged');

    // Remove one tag from one customer.
    await p.getByRole('checkbox', { name: '选择客户「周敏」' }).check();
    await openDialog(p.getByRole('button', { name: '批量移除标签' }));
    await pick(p, dialog().getByLabel('标签', { exact: true }), '2025冬季');
    await dialog().locator('.ant-modal-title').click();
    await expect.poll(() => dialog().getByTestId('bulk-chosen').allTextContents(), { timeout: WAIT }).toEqual(['2025冬季']);
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(p, '已从 1 位客户移除标签：「2025冬季」');
    await closed();
    await expect.poll(() => rowTags(p, '周敏'), { timeout: WAIT }).toEqual(['待回访']);
    expect(await rowTags(p, '吴磊')).toEqual(['待回访', '2025冬季']);

    // The tags page counts them.
    await p.goto(suite.server.url + '/admin/tags');
    await expect.poll(() => countOf(p, '2025冬季'), { timeout: WAIT }).toBe('2');
    expect(await countOf(p, '待回访')).toBe('3');
    expect(suite.browser.pageErrors).toEqual([]);
  });
});

describe('phone width', () => {
  it('shows the tags page and its form within 390×844, and bulk selection on the cards', T, async () => {
    await start('bulk', true);
    const p = page();
    const shots = new Shots('tags-phone');
    await p.setViewportSize(PHONE);
    try {
      await p.goto(suite.server.url + '/admin/tags');
      await tagRow(p, '待回访').waitFor();
      // The description moves under the name; name, count and actions stay on screen.
      await see(tagRow(p, '待回访'), '本季度需要电话回访');
      for (const loc of [tagRow(p, '待回访').getByTestId('tag-chip'), tagRow(p, '待回访').getByTestId('tag-count'), tagRow(p, '待回访').getByRole('button', { name: '删除' })]) {
        const box = (await loc.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      }
      expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await shots.take(p, 'tags');

      await openDialog(p.getByRole('button', { name: '新建标签' }));
      const purple = (await dialog().getByRole('radio', { name: '紫色' }).boundingBox())!;
      expect(purple.x + purple.width).toBeLessThanOrEqual(PHONE.width);
      await shots.take(p, 'new-tag');
      await dialog().getByRole('button', { name: '取消' }).click();
      await closed();

      await p.goto(suite.server.url + '/customers');
      await p.getByTestId('customer-cards').waitFor();
      await p.getByRole('checkbox', { name: '选择客户「吴磊」' }).check();
      await see(p.getByTestId('bulk-bar'), '已选 1 位客户');
      await see(p.getByTestId('customer-card').filter({ hasText: '吴磊' }), '2025冬季');
      await shots.take(p, 'cards-selected');
    } finally {
      await p.setViewportSize(DESKTOP);
    }
  });
});

describe('without tag:manage', () => {
  it('a viewer sees tags in their colours but no 标签管理 menu or page and no bulk action', T, async () => {
    await start('bulk', true);
    const viewer = await launchBrowser();
    try {
      const p = await signIn(viewer, suite.server.url, '/customers', 'chakan', 'Chakan1234');
      await see(p, '共 9 位客户');
      await expect.poll(() => customerRow(p, '吴磊').getByTestId('tag-chip').first().getAttribute('data-color'), { timeout: WAIT }).toBe('green');
      expect(await p.getByRole('menuitem', { name: '标签管理' }).count()).toBe(0);
      expect(await p.getByRole('checkbox').count()).toBe(0);
      expect(await p.getByRole('button', { name: '批量打标签' }).count()).toBe(0);
      await p.goto(suite.server.url + '/admin/tags');
      await see(p, '你没有访问此页面的权限');
      expect(await p.getByRole('button', { name: '新建标签' }).count()).toBe(0);
      expect(viewer.pageErrors).toEqual([]);
    } finally {
      await viewer.close();
    }
  });

  it('an agent has no 标签管理 menu or page; it may bulk-tag its own customers (customer:write), as the server allows', T, async () => {
    await start('bulk', true);
    const agent = await launchBrowser();
    try {
      const p = await signIn(agent, suite.server.url, '/customers', 'zuoxi', 'Zuoxi12345');
      await see(p, '共 1 位客户');
      expect(await p.getByRole('menuitem', { name: '标签管理' }).count()).toBe(0);
      await p.getByRole('checkbox', { name: '选择客户「坐席的客户」' }).check();
      await see(p.getByTestId('bulk-bar'), '已选 1 位客户');
      await p.goto(suite.server.url + '/admin/tags');
      await see(p, '你没有访问此页面的权限');
      expect(agent.pageErrors).toEqual([]);
    } finally {
      await agent.close();
    }
  });
});
