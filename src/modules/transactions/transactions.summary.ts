/**
 * The transactions module's figure on the customer 360 page's summary band (registered in src/app.ts), computed now
 * from the ledger (「交易 截至今天」): the lifetime spend (purchases + payments − refunds, as the 交易记录 tab sums it),
 * with the number of purchases and payments and the day of the latest. (The arrears — 欠费 — are the heating module's
 * figure, from its read model: heating.summary.ts.)
 */
import { dayInZone } from '../../platform/time.js';
import type { CustomerSummarySource } from '../customers/index.js';
import { summaryFor } from './transactions.repository.js';

export const transactionSummarySource: CustomerSummarySource = {
  key: 'transactions',
  order: 20,
  permissions: ['customer:read'],
  source: 'summary.source.transactions',
  async figures({ db, customer, zone, tab }) {
    const s = await summaryFor(db, customer.id);
    return [
      {
        key: 'transactions.lifetime_spend',
        label: 'summary.transactions.lifetime_spend',
        value: s.grossFen - s.refundsFen,
        unit: 'fen',
        detail: s.lastAt ? { key: 'summary.transactions.spend_detail', params: { count: s.count, date: dayInZone(zone, s.lastAt) } } : 'summary.transactions.no_transactions',
        link: tab('transactions'),
      },
    ];
  },
};
