/**
 * What the transactions API returns: plain types and constants with no imports, shared with the web app.
 * Money is integer fen.
 */
export const TRANSACTION_TYPES = ['purchase', 'payment', 'refund'] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export type LineView = {
  position: number;
  productId: string | null;
  description: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
};

export type TransactionView = {
  id: string;
  customerId: string;
  occurredAt: string;
  type: TransactionType;
  amountFen: number;
  channel: string | null;
  externalId: string | null;
  heatingSeason: string | null;
  billedAreaM2: number | null;
  notes: string | null;
  /** A refund's purchase or payment. */
  refundOfId: string | null;
  lines: LineView[];
  createdAt: string;
  deletedAt: string | null;
};

/** Lifetime spend = purchases + payments − refunds; the average order excludes refunds. */
export type PurchaseSummary = {
  count: number;
  lifetimeSpendFen: number;
  grossFen: number;
  refundsFen: number;
  averageOrderFen: number | null;
  firstAt: string | null;
  lastAt: string | null;
};

export type ProductView = {
  id: string;
  code: string;
  name: string;
  category: string | null;
  priceFen: number;
  unit: string | null;
  active: boolean;
};

/** A page of a customer's transactions, newest first; `nextCursor` asks for the next page. */
export type TransactionPage = { items: TransactionView[]; nextCursor: string | null };
