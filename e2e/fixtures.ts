/**
 * Customers the customer tests share: 25 plain households in 丽水小区, then 张伟 and 王芳 in 幸福家园 (哈尔滨),
 * 李娜 in 阳光小区 (长春) and an organisation, 哈尔滨热力设备有限公司. Seeded through the API, newest last.
 */
import type { Page } from 'playwright-core';
import { browserSuite, seedCompany, signIn, type Api } from './harness.js';

export const addr = (city: string, district: string, compound: string, building: string, unit: string, room: string) => ({
  province: city === '长春市' ? '吉林省' : '黑龙江省',
  city,
  district,
  compound,
  building,
  unit,
  room,
});

export type Seeded = Record<'zhang' | 'li' | 'wang' | 'org', string>;

export async function seedCustomers(api: Api): Promise<Seeded> {
  const ids: Partial<Seeded> = {};
  // 25 plain households first (oldest), then the ones the tests look for.
  for (let i = 1; i <= 25; i++) {
    await api.post('/api/v1/customers', { name: `住户${String(i).padStart(2, '0')}`, address: addr('哈尔滨市', '道外区', '丽水小区', `${i}号楼`, '1单元', '101') });
  }
  const make = async (key: keyof Seeded, body: Record<string, unknown>) => {
    ids[key] = (await api.post<{ id: string }>('/api/v1/customers', body)).id;
  };
  await make('zhang', {
    name: '张伟',
    phones: ['13812345678'],
    idType: 'resident',
    idNumber: '11010519491231002X',
    address: addr('哈尔滨市', '南岗区', '幸福家园', '3号楼', '2单元', '501'),
    tags: ['VIP'],
    stage: 'active',
  });
  await make('li', { name: '李娜', phones: ['13987654321'], address: addr('长春市', '朝阳区', '阳光小区', '1号楼', '1单元', '101'), tags: ['欠费'], stage: 'at_risk' });
  await make('wang', { name: '王芳', address: addr('哈尔滨市', '南岗区', '幸福家园', '5号楼', '1单元', '302'), tags: ['VIP'], stage: 'loyal' });
  await make('org', { kind: 'organization', name: '哈尔滨热力设备有限公司', phones: ['045188886666'], address: { city: '哈尔滨市', district: '南岗区', street: '红旗大街 88 号' } });
  return ids as Seeded;
}

/** The customer tests' suite: a company with the customers above, and the browser signed in as admin on /customers. */
export function customerSuite() {
  return browserSuite(async ({ server, browser }) => {
    const api = await seedCompany(server.url);
    const ids = await seedCustomers(api);
    await signIn(browser, server.url, '/customers');
    return { api, ids };
  });
}

/** The customer names the list shows, top to bottom. */
export async function customerNames(page: Page): Promise<string[]> {
  return page.getByTestId('customer-link').allTextContents();
}
