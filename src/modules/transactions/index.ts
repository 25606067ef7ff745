export { transactionRoutes } from './transactions.routes.js';
export { createTransaction, purchaseSummary } from './transactions.service.js';
export { createProduct } from './products.service.js';
export type { LineView, ProductView, PurchaseSummary, TransactionView } from './transactions.contract.js';
export { transactionImporter } from './import.js';
export { transactionMergeHook } from './merge.js';
