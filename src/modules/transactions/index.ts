export { transactionRoutes } from './transactions.routes.js';
export { createTransaction, purchaseSummary, transactionRef } from './transactions.service.js';
export { createProduct, listProducts } from './products.service.js';
export type { LineView, ProductView, PurchaseSummary, TransactionView } from './transactions.contract.js';
export { transactionImporter } from './import.js';
export { transactionMergeHook } from './merge.js';
export { transactionTimelineSource } from './timeline.js';
