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

/** What a header action of the customer page gets: the tab context, and a way to bring a tab to the front. */
export type CustomerActionContext = CustomerTabContext & { showTab: (key: string) => void };

/** A button in the customer page's header (e.g. 记录沟通), shown on a customer that is not deleted. */
export type CustomerAction = {
  key: string;
  /** Position before the page's own 编辑 / 删除 buttons. */
  order: number;
  render: (ctx: CustomerActionContext) => ReactNode;
};

const actions = new Map<string, CustomerAction>();

/** Other modules add header actions to the customer 360 page with this. */
export function registerCustomerAction(action: CustomerAction): void {
  actions.set(action.key, action);
}

export function customerActions(): CustomerAction[] {
  return [...actions.values()].sort((a, b) => a.order - b.order);
}
