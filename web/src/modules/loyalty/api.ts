import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../../platform/api';
import { formatDateTime } from '../../platform/format';
import type { Lang } from '../../platform/i18n';
import { usePagedList } from '../../platform/usePagedList';
import type {
  AdjustmentStatus,
  AdjustmentView,
  LedgerEntryView,
  LocalText,
  LoyaltyReport,
  MemberView,
  Programme,
  RedemptionView,
  ReferralStatus,
  ReferralView,
  RewardView,
  TierChangeView,
} from '../../../../src/modules/loyalty/loyalty.contract';
import type { TransactionView } from '../../../../src/modules/transactions/transactions.contract';
import { txKeys } from '../transactions';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  ADJUSTMENT_STATUSES,
  EXPIRY_POLICIES,
  GROWTH_BASES,
  LEDGER_KINDS,
  LOYALTY_LIMITS,
  LOYALTY_REPORT,
  REFERRAL_STATUSES,
  REWARD_KINDS,
  type AdjustmentStatus,
  type AdjustmentView,
  type EarnRule,
  type LedgerEntryView,
  type LedgerKind,
  type LocalText,
  type LoyaltyCohort,
  type LoyaltyCohortGroup,
  type LoyaltyPointsFlow,
  type LoyaltyReport,
  type MemberView,
  type Programme,
  type RedemptionView,
  type ReferralView,
  type ReferralStatus,
  type RewardKind,
  type RewardView,
  type TierChangeReason,
  type TierChangeView,
  type TierDef,
} from '../../../../src/modules/loyalty/loyalty.contract';

/** A row of the member list (GET /api/v1/loyalty/members). */
export type MemberListItem = Pick<MemberView, 'customerId' | 'memberNo' | 'name' | 'tier' | 'tierName' | 'balance' | 'debt' | 'joinedAt' | 'status'>;

const BASE = '/api/v1/loyalty';
export const memberPath = (customerId: string) => `${BASE}/members/${customerId}`;

/** Every query of the module starts with 'loyalty': one invalidation refreshes balances, ledgers and lists. */
export const loyaltyKeys = {
  all: ['loyalty'] as const,
  programme: ['loyalty', 'programme'] as const,
  members: (q: MemberQuery) => ['loyalty', 'members', q] as const,
  member: (id: string) => ['loyalty', 'member', id] as const,
  ledger: (id: string) => ['loyalty', 'ledger', id] as const,
  tiers: (id: string) => ['loyalty', 'tiers', id] as const,
  rewards: ['loyalty', 'rewards'] as const,
  redemptions: (customerId?: string, days?: Days) => ['loyalty', 'redemptions', customerId ?? null, days ?? {}] as const,
  adjustments: (status: AdjustmentStatus) => ['loyalty', 'adjustments', status] as const,
  referrals: (q: ReferralQuery) => ['loyalty', 'referrals', q] as const,
  report: (days: Days) => ['loyalty', 'report', days] as const,
};

/** Company days (YYYY-MM-DD), both inclusive; absent: unbounded (a list) or the server's default (the report). */
export type Days = { from?: string; to?: string };
export type ReferralQuery = Days & { status?: ReferralStatus };

export function useProgramme() {
  return useQuery({ queryKey: loyaltyKeys.programme, queryFn: ({ signal }) => api.get<Programme>(`${BASE}/programme`, undefined, signal), staleTime: 60_000 });
}

export type MemberQuery = { tier?: string; q?: string };

export function useMembers(q: MemberQuery) {
  return usePagedList<MemberListItem>({ queryKey: loyaltyKeys.members(q), path: `${BASE}/members`, query: q, limit: 50 });
}

/** A customer's membership; `notMember` when the server says 404 (the 360 page only shows customers in scope). */
export function useMember(customerId: string) {
  const q = useQuery({ queryKey: loyaltyKeys.member(customerId), queryFn: ({ signal }) => api.get<MemberView>(memberPath(customerId), undefined, signal) });
  const notMember = q.error instanceof ApiError && q.error.status === 404;
  return { ...q, notMember };
}

export function useLedger(customerId: string, enabled: boolean) {
  return usePagedList<LedgerEntryView>({ queryKey: loyaltyKeys.ledger(customerId), path: `${memberPath(customerId)}/ledger`, limit: 20, enabled });
}

export function useTierHistory(customerId: string, enabled: boolean) {
  return useQuery({
    queryKey: loyaltyKeys.tiers(customerId),
    queryFn: async ({ signal }) => (await api.get<{ items: TierChangeView[] }>(`${memberPath(customerId)}/tiers`, undefined, signal)).items,
    enabled,
  });
}

export function useRewards(enabled = true) {
  return useQuery({
    queryKey: loyaltyKeys.rewards,
    queryFn: async ({ signal }) => (await api.get<{ items: RewardView[] }>(`${BASE}/rewards`, undefined, signal)).items,
    enabled,
  });
}

export function useRedemptions(customerId?: string, days?: Days) {
  return usePagedList<RedemptionView>({ queryKey: loyaltyKeys.redemptions(customerId, days), path: `${BASE}/redemptions`, query: { customerId, ...days }, limit: 20 });
}

export function useAdjustments(status: AdjustmentStatus) {
  return useQuery({
    queryKey: loyaltyKeys.adjustments(status),
    queryFn: async ({ signal }) => (await api.get<{ items: AdjustmentView[] }>(`${BASE}/adjustments`, { status }, signal)).items,
  });
}

export function useReferrals(q: ReferralQuery) {
  return usePagedList<ReferralView>({ queryKey: loyaltyKeys.referrals(q), path: `${BASE}/referrals`, query: q, limit: 50 });
}

/** 报表 (GET /loyalty/reports): the period's figures; without days the server's default (the last 12 months). */
export function useLoyaltyReport(days: Days) {
  return useQuery({
    queryKey: loyaltyKeys.report(days),
    queryFn: ({ signal }) => api.get<LoyaltyReport>(`${BASE}/reports`, days, signal),
    placeholderData: (prev) => prev,
  });
}

/** What POST /loyalty/members/:id/link answers (server: member-link.ts, MemberLinkView). */
export type MemberLinkView = {
  url: string;
  expiresAt: string;
  message: { id: string; channel: 'sms' | 'wechat'; status: string; reason: string | null } | null;
};
export const issueMemberLink = (customerId: string, send?: 'sms' | 'wechat') => api.post<MemberLinkView>(`${memberPath(customerId)}/link`, send ? { send } : {});
/** POST /loyalty/members/:id/link/revoke: every link issued so far stops opening the page. */
export const revokeMemberLinks = (customerId: string) => api.post<{ revokedAt: string }>(`${memberPath(customerId)}/link/revoke`, {});

/** The customer's recent purchases and payments (not refunds, not deleted): the bills a fee deduction may name. */
export function useRecentBills(customerId: string, enabled: boolean) {
  return useQuery({
    queryKey: [...txKeys.customer(customerId), 'loyalty-bills'],
    queryFn: async ({ signal }) =>
      (await api.get<{ items: TransactionView[] }>(`/api/v1/customers/${customerId}/transactions`, { limit: 30 }, signal)).items.filter((x) => x.type !== 'refund'),
    enabled,
  });
}

/** A tier's name in the UI language, from the programme (the key itself when the tier is gone). */
export function tierLabel(programme: Programme | undefined, key: string | null, lang: Lang): string {
  if (!key) return '—';
  const tier = programme?.tiers.find((x) => x.key === key);
  return tier ? localText(tier.name, lang) : key;
}

export const localText = (text: LocalText, lang: Lang): string => (lang === 'en' && text.en ? text.en : text.zh);

/** A lot's expiry is the first instant it no longer counts (00:00 on 2028-01-01): shown as its last day (2027-12-31). */
export const lastDay = (expiresAt: string): string => formatDateTime(new Date(Date.parse(expiresAt) - 1).toISOString()).slice(0, 10);

/** 12345 → "12,345"; points are whole numbers. */
export const points = (n: number): string => n.toLocaleString('en-US');
/** +220 / −1,000: a ledger movement with its sign. */
export const signedPoints = (n: number): string => `${n > 0 ? '+' : n < 0 ? '−' : ''}${points(Math.abs(n))}`;
