/**
 * The loyalty module's figures on the customer 360 page's summary band (registered in src/app.ts), for a customer who
 * is an active member only: the tier (with the member number) and the points balance (with the points expiring
 * soonest), live, opening the 会员积分 tab. Needs `loyalty:read`; a customer who is not a member gets no figure.
 */
import { AppError } from '../../platform/errors.js';
import { dayInZone } from '../../platform/time.js';
import type { CustomerSummarySource } from '../customers/index.js';
import type { MemberView } from './loyalty.contract.js';
import { loadMember } from './loyalty.service.js';

export const loyaltySummarySource: CustomerSummarySource = {
  key: 'loyalty',
  order: 70,
  permissions: ['loyalty:read'],
  source: 'summary.source.loyalty',
  async figures({ db, customer, locale, now, zone, tab }) {
    let m: MemberView;
    try {
      m = await loadMember(db, customer.id, locale, now);
    } catch (err) {
      if (err instanceof AppError && err.status === 404) return [];
      throw err;
    }
    if (m.status !== 'active') return [];
    const link = tab('loyalty');
    const soon = m.expiringSoon[0];
    return [
      {
        key: 'loyalty.tier',
        label: 'summary.loyalty.tier',
        value: m.tier,
        unit: 'text',
        text: { text: m.tierName },
        detail: { key: 'summary.loyalty.member_no', params: { no: m.memberNo } },
        link,
      },
      {
        key: 'loyalty.points',
        label: 'summary.loyalty.points',
        value: m.balance,
        unit: 'points',
        detail: soon ? { key: 'summary.loyalty.expiring', params: { points: soon.points, date: dayInZone(zone, new Date(soon.expiresAt)) } } : 'summary.loyalty.no_expiry',
        link,
      },
    ];
  },
};
