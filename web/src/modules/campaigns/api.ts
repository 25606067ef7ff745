import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useKeysetPages } from '../../platform/usePagedList';
import type { CampaignPage, CampaignResults, CampaignStatus, CampaignView, CouponView, LaunchView, RedemptionPage } from '../../../../src/modules/campaigns/campaigns.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  CAMPAIGN_GOALS,
  CAMPAIGN_STATUSES,
  CAMPAIGN_TIERS,
  CODE_MODES,
  OFFER_KINDS,
  type CampaignChannelView,
  type CampaignGoal,
  type CampaignListItem,
  type CampaignResults,
  type CampaignStatus,
  type CampaignTier,
  type CampaignView,
  type CodeMode,
  type CouponView,
  type GroupFigures,
  type Interval,
  type LaunchView,
  type OfferKind,
  type OfferView,
  type RedemptionView,
  type UpliftFigures,
} from '../../../../src/modules/campaigns/campaigns.contract';

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: (q: Record<string, unknown>, cursor: string | null) => ['campaigns', 'list', q, cursor] as const,
  one: (id: string) => ['campaigns', 'one', id] as const,
  results: (id: string) => ['campaigns', 'results', id] as const,
  redemptions: (id: string, cursor: string | null) => ['campaigns', 'redemptions', id, cursor] as const,
};

export type CampaignQuery = { status?: CampaignStatus };

export function useCampaigns(q: CampaignQuery, limit: number) {
  return useKeysetPages<CampaignPage>({
    queryKey: (cursor) => campaignKeys.list(q, cursor),
    path: '/api/v1/campaigns',
    query: q,
    limit,
    resetKey: JSON.stringify(q),
  });
}

const RUNNING: LaunchView['status'][] = ['queued', 'running'];
export const launchRunning = (l: LaunchView | null | undefined) => !!l && RUNNING.includes(l.status);

/** One campaign; polled every 2 s while its latest launch is queued or running. */
export function useCampaign(id: string | undefined) {
  return useQuery({
    queryKey: campaignKeys.one(id ?? ''),
    queryFn: ({ signal }) => api.get<CampaignView>(`/api/v1/campaigns/${id}`, undefined, signal),
    enabled: !!id,
    refetchInterval: (q) => (launchRunning(q.state.data?.launch) ? 2000 : false),
  });
}

export function useResults(id: string, enabled: boolean) {
  return useQuery({
    queryKey: campaignKeys.results(id),
    queryFn: ({ signal }) => api.get<CampaignResults>(`/api/v1/campaigns/${id}/results`, undefined, signal),
    enabled,
  });
}

export function useRedemptions(id: string, limit: number) {
  return useKeysetPages<RedemptionPage>({
    queryKey: (cursor) => campaignKeys.redemptions(id, cursor),
    path: `/api/v1/campaigns/${id}/redemptions`,
    limit,
    resetKey: id,
  });
}

/** The audiences to pick from (segments and static lists with their member counts). */

/** A customer's coupon codes. */
export function useCustomerCoupons(customerId: string | undefined) {
  return useQuery({
    queryKey: ['campaigns', 'coupons', customerId ?? ''],
    queryFn: async ({ signal }) => (await api.get<{ items: CouponView[] }>(`/api/v1/customers/${customerId}/coupons`, undefined, signal)).items,
    enabled: !!customerId,
  });
}

/** Customers found by name or phone (for a shared code's redemption). */
export function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: ['campaigns', 'customer-search', q],
    queryFn: async ({ signal }) => (await api.get<{ items: { id: string; name: string }[] }>('/api/v1/customers', { q, limit: 20 }, signal)).items,
    enabled: q.trim().length > 0,
    staleTime: 10_000,
  });
}

/** Fen → yuan text: 1234 → "¥12.34". */
export const yuan = (fen: number | null | undefined, symbol = '¥') => (fen == null ? '—' : `${fen < 0 ? '-' : ''}${symbol}${(Math.abs(fen) / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
/** Basis points → "10%". */
export const bpPercent = (bp: number) => `${(bp / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })}%`;
/** A 0–1 rate → "12.3%". */
export const ratePercent = (r: number) => `${(r * 100).toFixed(1)}%`;
