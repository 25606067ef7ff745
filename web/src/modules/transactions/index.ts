// The transactions module as other modules see it: money formatting, its query keys and summary look-up. Its page
// and its tab on the customer 360 page are in routes.ts.

export { txKeys, useTransactionSummary } from './api';
export { formatFen } from './money';
export * as transactionsMessages from './messages';
