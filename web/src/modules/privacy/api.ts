import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { PrivacyRequestDetail } from '../../../../src/modules/privacy/privacy.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  PRIVACY_CHANNELS,
  PRIVACY_REQUEST_KINDS,
  PRIVACY_REQUEST_STATUSES,
  PRIVACY_TRANSITIONS,
  VERIFICATION_METHODS,
  type PrivacyChannel,
  type PrivacyRequestDetail,
  type PrivacyRequestKind,
  type PrivacyRequestPage,
  type PrivacyRequestStatus,
  type PrivacyRequestView,
  type VerificationMethod,
} from '../../../../src/modules/privacy/privacy.contract';

export type PrivacyFilters = { status?: string; kind?: string; overdue?: string };

export const privacyKeys = {
  all: ['privacy'] as const,
  list: (f: PrivacyFilters) => ['privacy', 'list', f] as const,
  detail: (id: string) => ['privacy', 'detail', id] as const,
};

export const BASE = '/api/v1/privacy/requests';

export function useRequest(id: string | null) {
  return useQuery({ queryKey: privacyKeys.detail(id ?? ''), queryFn: ({ signal }) => api.get<PrivacyRequestDetail>(`${BASE}/${id}`, undefined, signal), enabled: !!id });
}
