import type { ReactNode } from 'react';
import type { MessageKey } from '../../platform/i18n';
import type { CustomerView, RevealResult } from './api';

/** What a tab of the customer 360 page gets: the customer and the personal data revealed on this page, if any. */
export type CustomerTabContext = {
  customer: CustomerView;
  revealed: RevealResult | null;
  reveal: () => Promise<void>;
  revealing: boolean;
};

export type CustomerTab = {
  key: string;
  label: MessageKey;
  /** Position among the tabs (profile 10, contacts 20, history 90; later modules slot in between). */
  order: number;
  visible?: (c: CustomerView) => boolean;
  render: (ctx: CustomerTabContext) => ReactNode;
};

const registry = new Map<string, CustomerTab>();

/** Other modules (transactions, interactions, tickets …) add their tab to the customer 360 page with this. */
export function registerCustomerTab(tab: CustomerTab): void {
  registry.set(tab.key, tab);
}

export function customerTabs(c: CustomerView): CustomerTab[] {
  return [...registry.values()].filter((tab) => !tab.visible || tab.visible(c)).sort((a, b) => a.order - b.order);
}
