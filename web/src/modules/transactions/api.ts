import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { usePagedList } from '../../platform/usePagedList';
import {
  TRANSACTION_TYPES,
  type ProductView,
  type PurchaseSummary,
  type TransactionType,
  type TransactionView,
} from '../../../../src/modules/transactions/transactions.contract';

export type { LineView } from '../../../../src/modules/transactions/transactions.contract';
export { TRANSACTION_TYPES, type ProductView, type PurchaseSummary, type TransactionType, type TransactionView };

export type CreateLine = { productId?: string | null; description?: string; quantity: number; unitPriceFen?: number };
export type CreateTransaction = {
  occurredAt: string;
  type: TransactionType;
  amountFen?: number;
  channel?: string | null;
  externalId?: string | null;
  heatingSeason?: string | null;
  billedAreaM2?: number | null;
  lines?: CreateLine[];
  notes?: string | null;
  /** A coupon code to redeem (purchases only). */
  couponCode?: string | null;
};
export type ProductInput = { code: string; name: string; category: string | null; priceFen: number; unit: string | null; active: boolean };

const PAGE_SIZE = 20;

export const txKeys = {
  all: ['transactions'] as const,
  customer: (customerId: string) => ['transactions', customerId] as const,
  list: (customerId: string, deleted: boolean) => ['transactions', customerId, 'list', deleted] as const,
  summary: (customerId: string) => ['transactions', customerId, 'summary'] as const,
  products: ['products'] as const,
  productList: (q: string, includeInactive: boolean) => ['products', q, includeInactive] as const,
};

export function useTransactions(customerId: string, deleted: boolean) {
  return usePagedList<TransactionView>({
    queryKey: txKeys.list(customerId, deleted),
    path: `/api/v1/customers/${customerId}/transactions`,
    query: { deleted: deleted ? 'only' : undefined },
    limit: PAGE_SIZE,
  });
}

export function useTransactionSummary(customerId: string) {
  return useQuery({
    queryKey: txKeys.summary(customerId),
    queryFn: ({ signal }) => api.get<PurchaseSummary>(`/api/v1/customers/${customerId}/transactions/summary`, undefined, signal),
  });
}

export function useProducts(q = '', includeInactive = false) {
  return useQuery({
    queryKey: txKeys.productList(q, includeInactive),
    queryFn: async ({ signal }) =>
      (await api.get<{ items: ProductView[] }>('/api/v1/products', { q: q || undefined, includeInactive: includeInactive ? 'true' : undefined }, signal)).items,
    staleTime: 30_000,
    placeholderData: (prev) => prev,
  });
}
