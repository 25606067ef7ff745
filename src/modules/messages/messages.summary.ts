/**
 * The messages module's figure on the customer 360 page's summary band (registered in src/app.ts): the customer's
 * consent per channel (电话 ✓ · 短信 ✗ …), the rule the outbox applies before anything is sent (no consent for the
 * channel → suppressed). Read from the customer record as it is now (「客户资料 截至今天」); the 概况 tab shows and edits
 * it. Needs `customer:read`.
 */
import { t } from '../../platform/i18n/index.js';
import type { CustomerSummarySource } from '../customers/index.js';

const CHANNELS = ['phone', 'sms', 'email', 'wechat'] as const;

export const consentSummarySource: CustomerSummarySource = {
  key: 'consent',
  order: 60,
  permissions: ['customer:read'],
  source: 'summary.source.consent',
  async figures({ customer, locale, tab }) {
    const given = CHANNELS.filter((ch) => customer.consent[ch]);
    const text = CHANNELS.map((ch) => t(locale, customer.consent[ch] ? 'summary.consent.yes' : 'summary.consent.no', { channel: t(locale, `summary.consent.${ch}`) })).join(' · ');
    return [
      {
        key: 'messages.consent',
        label: 'summary.consent.channels',
        value: given.join(','),
        unit: 'text',
        text: { text },
        detail: { key: 'summary.consent.detail', params: { n: given.length, total: CHANNELS.length } },
        tone: given.length ? 'default' : 'warning',
        link: tab('profile'),
      },
    ];
  },
};
