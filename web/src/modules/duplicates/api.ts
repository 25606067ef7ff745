import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { usePagedList } from '../../platform/usePagedList';
import type { CustomerView } from '../customers';
import type { DuplicatePair, DuplicateReason, MergeView } from '../../../../src/modules/customers/merge.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  DUPLICATE_REASONS,
  MERGE_FIELDS,
  type DuplicateReason,
  type MergeChoice,
  type MergeField,
  type MergeView,
} from '../../../../src/modules/customers/merge.contract';

export type Pair = DuplicatePair<CustomerView>;
export type MergeResult = { merge: MergeView; survivor: CustomerView };
export type UndoResult = { merge: MergeView; survivor: CustomerView; merged: CustomerView };

const PAGE_SIZE = 20;

export const dupKeys = {
  all: ['duplicates'] as const,
  pairs: (reason: DuplicateReason | null) => ['duplicates', 'pairs', reason] as const,
  merges: ['duplicates', 'merges'] as const,
  merge: (id: string) => ['duplicates', 'merge', id] as const,
};

export function usePairs(reason: DuplicateReason | null) {
  return usePagedList<Pair>({ queryKey: dupKeys.pairs(reason), path: '/api/v1/customers/duplicates', query: { reason: reason ?? undefined }, limit: PAGE_SIZE });
}

export function useMerges() {
  return usePagedList<MergeView>({ queryKey: dupKeys.merges, path: '/api/v1/customers/merges', limit: PAGE_SIZE });
}

export function useMerge(id: string) {
  return useQuery({ queryKey: dupKeys.merge(id), queryFn: ({ signal }) => api.get<MergeView>(`/api/v1/customers/merges/${id}`, undefined, signal) });
}
