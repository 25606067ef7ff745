/**
 * Tags in the browser: the 标签管理 page (create with a colour, edit, rename with the server's field message, merge
 * two tags with the affected count in the confirmation, delete), bulk tagging and untagging from the customer list
 * with the tags then on the rows in their colours, the page at phone width, and what users without tag:manage see.
 *
 * One server for the file, seeded once through the API (beforeAll). Every test that writes works on customers and
 * tags of its own, named under a prefix of its own (建·VIP, 并·VIP …) and seeded in the state it starts from (the
 * state an earlier step of the story would have left), so the counts it asserts are exact whatever ran before it; the
 * read-only tests (phone, viewer, agent) look at the 看· data, which no test changes. No test creates or removes a
 * customer, so the list's total is the same for all. Each test has its own browser context. So no test depends on
 * another or on their order.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

/** A test's names: `own('建')('VIP')` is 建·VIP. The tags page's search for `建·` shows exactly that test's tags. */
const own = (prefix: string) => (name: string) => `${prefix}·${name}`;
const GREEN = { color: 'green', description: '本季度需要电话回访' };

/**
 * Each test's customers (name → tags) and registered tags, by prefix, in the order they are created. The list shows
 * the newest first, 20 to a page: the customers the tests look for in the whole list (删, 批, 看 and the agent's)
 * come last, so they are on its first page.
 */
const DATA: Record<string, { customers: Record<string, string[]>; registered?: Record<string, { color: string; description: string }> }> = {
  // Creating, refusing an existing name, editing: the company as seeded.
  建: {
    customers: { 张伟: ['VIP', '供暖季重点'], 王芳: ['VIP'], 孙丽: ['VIP', '贵宾'], 赵刚: ['贵宾'], 李娜: ['欠费'] },
    registered: { 待回访: GREEN },
  },
  // Renaming 供暖季重点 (one customer).
  改: { customers: { 张伟: ['VIP', '供暖季重点'] } },
  // Merging VIP (3) and 贵宾 (2; 孙丽 carries both): after 回访名单 was registered and 供暖季重点 renamed 重点关注.
  并: {
    customers: { 张伟: ['VIP', '重点关注'], 王芳: ['VIP'], 孙丽: ['VIP', '贵宾'], 赵刚: ['贵宾'], 李娜: ['欠费'] },
    registered: { 待回访: GREEN, 回访名单: { color: 'gold', description: '冬季回访的客户' } },
  },
  // Deleting 欠费: after VIP and 贵宾 were merged into 重要客户.
  删: { customers: { 张伟: ['重要客户', '重点关注'], 王芳: ['重要客户'], 孙丽: ['重要客户'], 赵刚: ['重要客户'], 李娜: ['欠费'] } },
  // Bulk tagging from the list: 周敏, 吴磊 and 郑洁 untagged, 待回访 registered and on no one.
  批: { customers: { 李娜: [], 周敏: [], 吴磊: [], 郑洁: [] }, registered: { 待回访: GREEN } },
  // Read only (phone, viewer): as bulk tagging left it.
  看: {
    customers: { 周敏: ['待回访'], 吴磊: ['待回访', '2025冬季'], 郑洁: ['待回访', '2025冬季'] },
    registered: { 待回访: GREEN },
  },
};
/** Every customer there is: the admin's, and the agent's one. */
const ALL = Object.values(DATA).reduce((n, d) => n + Object.keys(d.customers).length, 0) + 1;

let server: ServerHandle;
/** The current test's browser context. */
let browser: BrowserHandle | undefined;

beforeAll(async () => {
  // Chromium starts while the server does (the first context would start it otherwise).
  const [s] = await Promise.all([startServer(), launchBrowser().then((b) => b.close())]);
  server = s;
  const api = await seedCompany(server.url);
  for (const [prefix, d] of Object.entries(DATA)) {
    const n = own(prefix);
    for (const [name, { color, description }] of Object.entries(d.registered ?? {})) {
      await api.request('PUT', `/api/v1/tags/${encodeURIComponent(n(name))}`, { color, description });
    }
    for (const [name, tags] of Object.entries(d.customers)) await api.post('/api/v1/customers', { name: n(name), tags: tags.map(n) });
  }
  await api.post('/api/v1/users', { username: 'chakan', displayName: '查看员', password: 'Chakan1234', roleKey: 'viewer' });
  await api.post('/api/v1/users', { username: 'zuoxi', displayName: '坐席员', password: 'Zuoxi12345', roleKey: 'agent' });
  // The agent owns one customer of its own (an agent's scope is its own customers).
  const agent = await new Api(server.url).login('zuoxi', 'Zuoxi12345');
  await agent.post('/api/v1/customers', { name: '坐席的客户' });
});
afterEach(async ({ task }) => {
  await shotIfFailed(browser?.page, task);
  await browser?.close();
  browser = undefined;
});
afterAll(async () => {
  await closeSharedBrowser();
  await server?.stop();
});

/** A new browser context, signed in (as admin unless told) on `path`. */
async function open(path: string, { user, password, viewport }: { user?: string; password?: string; viewport?: typeof DESKTOP } = {}): Promise<Page> {
  browser = await launchBrowser(viewport);
  return signIn(browser, server.url, path, user, password);
}

const page = () => browser!.page;
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
/** Shows only the tags under this prefix (the page's search box; no other test's tag or description contains it). */
const onlyOwn = (p: Page, prefix: string) => p.getByLabel('搜索标签').fill(`${prefix}·`);
/** Follows a menu item (the side menu; on a phone, the menu in its drawer). */
async function menu(p: Page, name: string | RegExp, phone = false): Promise<void> {
  if (!phone) return p.getByRole('menuitem', { name }).click();
  await p.getByTestId('menu-toggle').click();
  await p.locator('.ant-drawer').getByRole('menuitem', { name }).click();
  await p.locator('.ant-drawer-content-wrapper').waitFor({ state: 'hidden' });
}
const CUSTOMERS_MENU = /(^|\s)客户$/;

describe('标签管理', () => {
  it('lists the tags with colour and count, creates one with a palette colour, refuses an existing name, edits one', async () => {
    const n = own('建');
    const p = await open('/customers');
    const shots = new Shots('tags-create-edit');
    await menu(p, '标签管理');
    await tableRows(p).first().waitFor();
    expect(new URL(p.url()).pathname).toBe('/admin/tags');
    await onlyOwn(p, '建');
    await expect.poll(() => tagCounts(p), { timeout: WAIT }).toEqual({ [n('VIP')]: 3, [n('贵宾')]: 2, [n('欠费')]: 1, [n('供暖季重点')]: 1, [n('待回访')]: 0 });
    expect(await tagRow(p, n('待回访')).getByTestId('tag-description').textContent()).toBe('本季度需要电话回访');
    expect(await tagRow(p, n('待回访')).getByTestId('tag-color').textContent()).toBe('绿色');
    expect(await tagRow(p, n('待回访')).getByTestId('tag-chip').getAttribute('data-color')).toBe('green');
    await shots.take(p, 'seeded');

    // New tag: name, a colour from the palette, a description.
    await openDialog(p.getByRole('button', { name: '新建标签' }));
    await dialog().getByLabel('标签名称').fill(n('回访名单'));
    await dialog().getByRole('radio', { name: '金色' }).click();
    await expect.poll(() => dialog().getByRole('radio', { name: '金色' }).getAttribute('aria-checked'), { timeout: WAIT }).toBe('true');
    await dialog().getByLabel('说明').fill('冬季回访的客户');
    await shots.take(p, 'new-tag');
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(p, `标签「${n('回访名单')}」已创建`);
    await closed();
    const created = tagRow(p, n('回访名单'));
    await created.waitFor();
    expect(await created.getByTestId('tag-count').textContent()).toBe('0');
    expect(await created.getByTestId('tag-color').textContent()).toBe('金色');
    expect(await created.getByTestId('tag-description').textContent()).toBe('冬季回访的客户');
    expect(await created.getByTestId('tag-chip').getAttribute('class')).toContain('ant-tag-gold');

    // A name that exists is refused on the field.
    await openDialog(p.getByRole('button', { name: '新建标签' }));
    await dialog().getByLabel('标签名称').fill(n('VIP'));
    await dialog().getByRole('button', { name: '保存' }).click();
    await see(formItem(dialog(), '标签名称'), `标签「${n('VIP')}」已存在`);
    await dialog().getByRole('button', { name: '取消' }).click();
    await closed();

    // Edit a colour and description.
    await openDialog(tagRow(p, n('欠费')).getByRole('button', { name: '编辑' }));
    await dialog().getByRole('radio', { name: '红色' }).click();
    await dialog().getByLabel('说明').fill('采暖费未缴清');
    await dialog().getByRole('button', { name: '保存' }).click();
    await closed();
    await expect.poll(() => tagRow(p, n('欠费')).getByTestId('tag-color').textContent(), { timeout: WAIT }).toBe('红色');
    expect(await tagRow(p, n('欠费')).getByTestId('tag-description').textContent()).toBe('采暖费未缴清');
    await shots.take(p, 'edited');
  });

  it('renames a tag: the same name is refused with the server’s message on the field, then a new name', async () => {
    const n = own('改');
    const p = await open('/admin/tags');
    const shots = new Shots('tags-rename');
    await openDialog(tagRow(p, n('供暖季重点')).getByRole('button', { name: '重命名' }));
    await see(dialog(), '所有带此标签的客户（1 位）都会改用新名称');
    await dialog().getByRole('button', { name: '重命名' }).click();
    await see(formItem(dialog(), '新名称'), '要合并的标签与目标标签相同');
    await shots.take(p, 'rename-same-name');
    await dialog().getByLabel('新名称').fill(n('重点关注'));
    await dialog().getByRole('button', { name: '重命名' }).click();
    await see(p, `已重命名为「${n('重点关注')}」，1 位客户已更新`);
    await closed();
    await expect.poll(() => countOf(p, n('重点关注')), { timeout: WAIT }).toBe('1');
    expect(await tagRow(p, n('供暖季重点')).count()).toBe(0);
    await shots.take(p, 'renamed');
  });

  it('merges two selected tags into a new one, confirming with the customers affected; 孙丽 carries both, so 4 not 5', async () => {
    const n = own('并');
    const p = await open('/admin/tags');
    const shots = new Shots('tags-merge');
    await onlyOwn(p, '并');
    await p.getByRole('checkbox', { name: `选择标签「${n('VIP')}」` }).check();
    await p.getByRole('checkbox', { name: `选择标签「${n('贵宾')}」` }).check();
    await see(p.getByTestId('tag-selection'), '已选 2 个标签');
    await openDialog(p.getByTestId('tag-selection').getByRole('button', { name: '合并' }));
    await see(dialog(), `${n('VIP')} · 3`);
    await see(dialog(), `${n('贵宾')} · 2`);
    await dialog().getByLabel('合并为').fill(n('重要客户'));
    await dialog().locator('.ant-modal-title').click();
    await dialog().getByRole('button', { name: '合并' }).click();
    await settled(confirmBox());
    expect(await confirmBox().getByTestId('merge-confirm').textContent()).toBe(
      `「${n('VIP')}」「${n('贵宾')}」将合并为「${n('重要客户')}」，涉及最多 5 位客户（同时带有其中几个标签的客户只算一次）。此操作不能自动撤销。`,
    );
    await shots.take(p, 'merge-confirm');
    await confirmBox().getByRole('button', { name: '合并' }).click();
    await see(p, `已合并为「${n('重要客户')}」，4 位客户已更新`);
    await expect
      .poll(() => tagCounts(p), { timeout: WAIT })
      .toEqual({ [n('重要客户')]: 4, [n('欠费')]: 1, [n('重点关注')]: 1, [n('待回访')]: 0, [n('回访名单')]: 0 });
    expect(await p.getByTestId('tag-selection').count()).toBe(0);
    await shots.take(p, 'merged');
  });

  it('deletes a tag after a confirmation with its customer count; the customer list shows the new tags', async () => {
    const n = own('删');
    const p = await open('/admin/tags');
    const shots = new Shots('tags-delete');
    await tagRow(p, n('欠费')).getByRole('button', { name: '删除' }).click();
    await settled(confirmBox());
    expect(await confirmBox().locator('.ant-modal-confirm-title').textContent()).toBe(`删除标签「${n('欠费')}」？`);
    expect(await confirmBox().getByTestId('delete-confirm').textContent()).toBe('将从 1 位客户身上移除此标签，并删除它的颜色和说明。此操作不能自动撤销。');
    await confirmBox().getByRole('button', { name: '删除' }).click();
    await see(p, `标签「${n('欠费')}」已删除，已从 1 位客户移除`);
    await expect.poll(() => tagRow(p, n('欠费')).count(), { timeout: WAIT }).toBe(0);
    await shots.take(p, 'deleted');

    // The count links to the customers carrying the tag; their rows show the new names.
    await tagRow(p, n('重要客户')).getByTestId('tag-count').click();
    await see(p, '共 4 位客户');
    expect(new URL(p.url()).searchParams.get('tag')).toBe(n('重要客户'));
    expect(await rowTags(p, n('张伟'))).toEqual([n('重要客户'), n('重点关注')]);
    expect(await rowTags(p, n('孙丽'))).toEqual([n('重要客户')]);
    expect(await rowTags(p, n('赵刚'))).toEqual([n('重要客户')]);
    // The whole list (the menu's 客户): 李娜 carries nothing now.
    await menu(p, CUSTOMERS_MENU);
    await see(p, `共 ${ALL} 位客户`);
    expect(new URL(p.url()).search).toBe('');
    expect(await rowTags(p, n('李娜'))).toEqual([]);
    await shots.take(p, 'customer-list');
    expect(browser!.pageErrors).toEqual([]);
  });
});

describe('bulk tagging from the customer list', () => {
  it('tags three selected customers with a registered tag and a new one, then removes one from a customer', async () => {
    const n = own('批');
    const three = [n('周敏'), n('吴磊'), n('郑洁')];
    const p = await open('/customers');
    const shots = new Shots('tags-bulk');
    await see(p, `共 ${ALL} 位客户`);
    expect(await p.getByTestId('bulk-bar').count()).toBe(0);
    for (const name of three) await p.getByRole('checkbox', { name: `选择客户「${name}」` }).check();
    await see(p.getByTestId('bulk-bar'), '已选 3 位客户');
    await shots.take(p, 'selected');

    await openDialog(p.getByRole('button', { name: '批量打标签' }));
    await see(dialog(), '给 3 位客户打标签');
    const select = dialog().getByLabel('标签', { exact: true });
    await pick(p, select, n('待回访'), '待回');
    await select.fill(n('2025冬季'));
    await select.press('Enter');
    await dialog().locator('.ant-modal-title').click();
    await expect.poll(() => dialog().getByTestId('bulk-chosen').allTextContents(), { timeout: WAIT }).toEqual([n('待回访'), n('2025冬季')]);
    expect(await dialog().getByTestId('bulk-chosen').first().getAttribute('data-color')).toBe('green');
    await shots.take(p, 'add-dialog');
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(p, `已为 3 位客户添加标签：「${n('待回访')}」「${n('2025冬季')}」`);
    await closed();
    for (const name of three) {
      await expect.poll(() => rowTags(p, name), { timeout: WAIT }).toEqual([n('待回访'), n('2025冬季')]);
      // The registered tag shows in its colour.
      expect(await customerRow(p, name).getByTestId('tag-chip').first().getAttribute('data-color')).toBe('green');
    }
    expect(await rowTags(p, n('李娜'))).toEqual([]);
    expect(await p.getByTestId('bulk-bar').count()).toBe(0);
    await shots.take(p, 'tagged');

    // Remove one tag from one customer.
    await p.getByRole('checkbox', { name: `选择客户「${n('周敏')}」` }).check();
    await openDialog(p.getByRole('button', { name: '批量移除标签' }));
    await pick(p, dialog().getByLabel('标签', { exact: true }), n('2025冬季'));
    await dialog().locator('.ant-modal-title').click();
    await expect.poll(() => dialog().getByTestId('bulk-chosen').allTextContents(), { timeout: WAIT }).toEqual([n('2025冬季')]);
    await dialog().getByRole('button', { name: '确定' }).click();
    await see(p, `已从 1 位客户移除标签：「${n('2025冬季')}」`);
    await closed();
    await expect.poll(() => rowTags(p, n('周敏')), { timeout: WAIT }).toEqual([n('待回访')]);
    expect(await rowTags(p, n('吴磊'))).toEqual([n('待回访'), n('2025冬季')]);

    // The tags page counts them.
    await menu(p, '标签管理');
    await expect.poll(() => countOf(p, n('2025冬季')), { timeout: WAIT }).toBe('2');
    expect(await countOf(p, n('待回访'))).toBe('3');
    expect(browser!.pageErrors).toEqual([]);
  });
});

describe('phone width', () => {
  it('shows the tags page and its form within 390×844, and bulk selection on the cards', async () => {
    const n = own('看');
    const p = await open('/admin/tags', { viewport: PHONE });
    const shots = new Shots('tags-phone');
    const row = tagRow(p, n('待回访'));
    await row.waitFor();
    // The description moves under the name; name, count and actions stay on screen.
    await see(row, '本季度需要电话回访');
    for (const loc of [row.getByTestId('tag-chip'), row.getByTestId('tag-count'), row.getByRole('button', { name: '删除' })]) {
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

    await menu(p, CUSTOMERS_MENU, true);
    await p.getByTestId('customer-cards').waitFor();
    await p.getByRole('checkbox', { name: `选择客户「${n('吴磊')}」` }).check();
    await see(p.getByTestId('bulk-bar'), '已选 1 位客户');
    await see(p.getByTestId('customer-card').filter({ hasText: n('吴磊') }), n('2025冬季'));
    await shots.take(p, 'cards-selected');
  });
});

describe('without tag:manage', () => {
  it('a viewer sees tags in their colours but no 标签管理 menu or page and no bulk action', async () => {
    const p = await open('/customers', { user: 'chakan', password: 'Chakan1234' });
    await see(p, `共 ${ALL} 位客户`);
    await expect.poll(() => customerRow(p, own('看')('吴磊')).getByTestId('tag-chip').first().getAttribute('data-color'), { timeout: WAIT }).toBe('green');
    expect(await p.getByRole('menuitem', { name: '标签管理' }).count()).toBe(0);
    expect(await p.getByRole('checkbox').count()).toBe(0);
    expect(await p.getByRole('button', { name: '批量打标签' }).count()).toBe(0);
    await p.goto(server.url + '/admin/tags');
    await see(p, '你没有访问此页面的权限');
    expect(await p.getByRole('button', { name: '新建标签' }).count()).toBe(0);
    expect(browser!.pageErrors).toEqual([]);
  });

  it('an agent has no 标签管理 menu or page; it may bulk-tag its own customers (customer:write), as the server allows', async () => {
    const p = await open('/customers', { user: 'zuoxi', password: 'Zuoxi12345' });
    await see(p, '共 1 位客户');
    expect(await p.getByRole('menuitem', { name: '标签管理' }).count()).toBe(0);
    await p.getByRole('checkbox', { name: '选择客户「坐席的客户」' }).check();
    await see(p.getByTestId('bulk-bar'), '已选 1 位客户');
    await p.goto(server.url + '/admin/tags');
    await see(p, '你没有访问此页面的权限');
    expect(browser!.pageErrors).toEqual([]);
  });
});
