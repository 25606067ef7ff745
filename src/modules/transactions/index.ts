export { transactionRoutes } from './transactions.routes.js';
export { createTransaction, purchaseSummary, transactionRef } from './transactions.service.js';
export { createProduct, listProducts } from './products.service.js';
export type { LineView, ProductView, PurchaseSummary, TransactionView } from './transactions.contract.js';
export { transactionImporter } from './import.js';
export { transactionMergeHook } from './merge.js';
export { transactionTimelineSource } from './timeline.js';
export { productCatalogue, transactionLedger, transactionLineLedger } from './schema.js';
export { transactionBulkLoad, type TransactionBulkRow, type TransactionLineBulkRow } from './transactions.bulk.js';
export { registerTransactionCodeHandler, type TransactionCodeEvent, type TransactionCodeHandler } from './codes.js';
export type { TransactionType } from './transactions.contract.js';
export { transactionGoalMetrics } from './goal.metrics.js';
export { registerTransactionWrittenHook, type TransactionWrittenEvent, type TransactionWrittenHook } from './written.js';
export { transactionSummarySource } from './transactions.summary.js';
export { transactionPersonalData } from './privacy.js'; // what Hearth holds about a person, for the PIPL export (issue #18)
