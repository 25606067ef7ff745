/**
 * The member's own page (/s/m/<token>) on a phone (WeChat's browser at 390 px): the link an agent gets through the
 * API opens it with the points, the tier and the rewards; with JavaScript off the member taps 兑换, sees the result,
 * goes back and sees the points gone and the redemption in the history. With JavaScript on the same page fits the
 * screen (no sideways scrolling).
 */
import { describe, expect, it } from 'vitest';
import { browserSuite, PHONE, phoneContext, see, seedCompany, Shots, type Api } from './harness.js';

const suite = browserSuite<{ api: Api; link: string }>(async ({ server }) => {
  const api = await seedCompany(server.url);
  const customer = await api.post<{ id: string }>('/api/v1/customers', { name: '周敏', phones: ['13900001234'], consent: { sms: true } });
  // ¥3,000 of repairs and services: 3,000 points (1 a yuan), silver at once.
  await api.post(`/api/v1/customers/${customer.id}/transactions`, { type: 'purchase', amountFen: 300_000, occurredAt: new Date().toISOString() });
  await api.post('/api/v1/loyalty/rewards', { name: { zh: '暖气片清洗券', en: 'Radiator cleaning voucher' }, kind: 'voucher', pointsCost: 1000, valueFen: 5000, stock: 3 });
  await api.post('/api/v1/loyalty/rewards', { name: { zh: '电暖器', en: 'Electric heater' }, kind: 'gift', pointsCost: 8000 });
  const { url } = await api.post<{ url: string }>(`/api/v1/loyalty/members/${customer.id}/link`, {});
  return { api, link: url };
});

describe('the member page', () => {
  it('a member page at phone width shows points and redeems a reward', async () => {
    const shots = new Shots('loyalty-member-page');
    // JavaScript off, as in WeChat with scripts blocked: plain links and forms only.
    const noJs = await phoneContext(suite.browser, { js: false });
    try {
      const p = await noJs.newPage();
      await p.goto(suite.link);
      await see(p, '周敏');
      await see(p.getByTestId('branding'), '示例供热有限公司');
      expect(await p.getByTestId('member-balance').textContent()).toBe('3,000');
      expect(await p.getByTestId('member-tier').textContent()).toBe('银卡会员');
      await see(p, '即将到期的积分（90 天内）');
      await see(p, '还差 5,000 积分');
      expect(await p.locator('script').count()).toBe(0);
      await shots.take(p, 'member-page');
      const voucher = p.getByTestId('reward').filter({ hasText: '暖气片清洗券' });
      await voucher.getByRole('button', { name: '兑换' }).click();
      await see(p, '兑换成功');
      await see(p, '「暖气片清洗券」× 1，使用 1,000 积分，剩余 2,000 积分');
      await shots.take(p, 'redeemed');
      await p.getByRole('link', { name: '返回会员中心' }).click();
      await expect.poll(() => p.getByTestId('member-balance').textContent()).toBe('2,000');
      await see(p.getByTestId('member-history'), '兑换「暖气片清洗券」× 1');
      await see(p.getByTestId('member-rewards'), '剩余 2 件');
    } finally {
      await noJs.close();
    }
    // JavaScript on: the same page, nothing wider than the phone.
    const js = await phoneContext(suite.browser, { js: true });
    try {
      const p = await js.newPage();
      await p.goto(suite.link);
      expect(await p.getByTestId('member-balance').textContent()).toBe('2,000');
      expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
      await p.getByTestId('member-referral').scrollIntoViewIfNeeded();
      expect(await p.getByTestId('member-referral').locator('svg').count()).toBe(1);
      await shots.take(p, 'referral');
    } finally {
      await js.close();
    }
  });
});
