// The customers module as other modules see it: the customer's type, query keys and look-up, its name and address
// formats, and the 360 page's tab and action registry. Its pages are in routes.ts, for the shell only.

export { customerKeys, useCustomer, type CustomerView } from './api';
export { CustomerName } from './CustomerSummary';
export { CustomerPicker } from './CustomerPicker';
export { enumLabel, formatAddress, formatLunar } from './labels';
export { formatValue, type Lookup } from './historyFormat';
export { registerCustomerAction, registerCustomerTab, type CustomerActionContext } from './tabs';
export * as customersMessages from './messages';
export * as customerFieldsMessages from './fields.messages';
export * as tagsMessages from './tags.messages';
export * as customerSummaryMessages from './summary.messages';
