/** Response schemas of the transactions and products API (see platform/http/response.ts), tied to transactions.contract.ts. */
import { z } from 'zod';
import { itemsOf, pageOf, responseOf } from '../../platform/http/response.js';
import {
  TRANSACTION_TYPES,
  type LineView,
  type ProductView,
  type PurchaseSummary,
  type TransactionPage,
  type TransactionView,
} from './transactions.contract.js';

const fen = z.number().int().describe('Integer minor units (fen)');

export const lineView = responseOf<LineView>()(
  z.object({
    position: z.number().int(),
    productId: z.uuid().nullable(),
    description: z.string(),
    quantity: z.number(),
    unitPriceFen: fen,
    amountFen: fen,
  }),
);

export const transactionView = responseOf<TransactionView>()(
  z.object({
    id: z.uuid(),
    customerId: z.uuid(),
    occurredAt: z.string().describe('ISO 8601 date-time'),
    type: z.enum(TRANSACTION_TYPES),
    amountFen: fen,
    channel: z.string().nullable(),
    externalId: z.string().nullable(),
    heatingSeason: z.string().nullable(),
    billedAreaM2: z.number().nullable(),
    notes: z.string().nullable(),
    refundOfId: z.uuid().nullable(),
    lines: z.array(lineView),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
  }),
);
export const transactionPage = responseOf<TransactionPage>()(pageOf(transactionView));

export const purchaseSummaryView = responseOf<PurchaseSummary>()(
  z.object({
    count: z.number().int(),
    lifetimeSpendFen: fen.describe('Purchases + payments − refunds'),
    grossFen: fen,
    refundsFen: fen,
    averageOrderFen: z.number().nullable().describe('Refunds excluded; null without orders'),
    firstAt: z.string().nullable(),
    lastAt: z.string().nullable(),
  }),
);

export const productView = responseOf<ProductView>()(
  z.object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    category: z.string().nullable(),
    priceFen: fen,
    unit: z.string().nullable(),
    active: z.boolean(),
  }),
);
export const productList = responseOf<{ items: ProductView[] }>()(itemsOf(productView));
