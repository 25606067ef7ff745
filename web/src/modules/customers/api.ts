import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import type { ContactView, CustomerView, Stage } from '../../../../src/modules/customers/customers.contract';
import type { AuditView } from '../../../../src/modules/audit/audit.contract';

// The server's own definitions (plain constants and types, no imports): one source for both sides.
export {
  ADDRESS_KEYS,
  CHANNELS,
  PREF_CHANNELS,
  STAGES,
  type Address,
  type AddressKey,
  type Channel,
  type Consent,
  type ContactView,
  type CustomerView,
  type LunarBirthday,
  type Preferences,
  type Stage,
} from '../../../../src/modules/customers/customers.contract';
export type { AuditView } from '../../../../src/modules/audit/audit.contract';

export type RevealResult = { phones: string[] | null; idNumber: string | null; contacts: { id: string; phones: string[] }[] };

export type ListFilters = {
  q?: string;
  tag?: string;
  ownerId?: string;
  teamId?: string;
  stage?: Stage;
  city?: string;
  compound?: string;
  /** 楼栋 and 单元 (the heating tree opens the list on one). */
  building?: string;
  unit?: string;
  createdFrom?: string;
  createdTo?: string;
  /** A segment's id (客户细分): only its current members. */
  segment?: string;
  /** The latest analytics run's value tier (the home page's drill-through; needs analytics:read). */
  valueTier?: 'high' | 'middle' | 'low';
  /** The latest analytics run's churn-risk level. */
  churnLevel?: 'low' | 'medium' | 'high';
  /** Custom field filters as the API's JSON parameter. */
  custom?: string;
  sort?: 'createdAt' | 'updatedAt' | 'name';
  order?: 'asc' | 'desc';
  deleted?: 'only';
};
export type CustomerPage = { items: CustomerView[]; nextCursor: string | null; total: number | null; totalExact: boolean };

export const customerKeys = {
  all: ['customers'] as const,
  list: (f: ListFilters, cursor: string | null) => ['customers', 'list', f, cursor] as const,
  one: (id: string) => ['customers', 'one', id] as const,
  history: (id: string) => ['customers', 'history', id] as const,
  contacts: (id: string) => ['customers', 'contacts', id] as const,
  tags: ['customers', 'tags'] as const,
  fieldAccess: ['customers', 'field-access'] as const,
};

export type FieldLevel = 'hidden' | 'read' | 'edit';

/**
 * 字段权限: the signed-in user's level for every customer field (a standard field's key — `idNumber`, `address` … —
 * or `custom.<key>`), as the server enforces it; the form and the 360 page hide or disable fields by it. Until it has
 * loaded, every field counts as editable (the server hides and refuses what is not).
 */
export function useFieldAccess(): { level: (field: string) => FieldLevel; visible: (field: string) => boolean; loaded: boolean } {
  const q = useQuery({
    queryKey: customerKeys.fieldAccess,
    queryFn: () => api.get<{ levels: Record<string, FieldLevel> }>('/api/v1/customers/field-access'),
    staleTime: 5_000,
  });
  // A field it does not name yet (a custom field defined since it was read) counts as editable: the server still hides
  // its value and refuses its write if the role may not have it.
  const level = (field: string): FieldLevel => q.data?.levels[field] ?? 'edit';
  return { level, visible: (field) => level(field) !== 'hidden', loaded: !!q.data };
}

export function useCustomer(id: string) {
  return useQuery({ queryKey: customerKeys.one(id), queryFn: () => api.get<CustomerView>(`/api/v1/customers/${id}`) });
}

export function useCustomerHistory(id: string) {
  return useQuery({
    queryKey: customerKeys.history(id),
    queryFn: async () => (await api.get<{ items: AuditView[] }>(`/api/v1/customers/${id}/history`)).items,
  });
}

export function useContacts(id: string, enabled: boolean) {
  return useQuery({
    queryKey: customerKeys.contacts(id),
    queryFn: async () => (await api.get<{ items: ContactView[] }>(`/api/v1/customers/${id}/contacts`)).items,
    enabled,
  });
}

export function useTags() {
  return useQuery({
    queryKey: customerKeys.tags,
    queryFn: async () => (await api.get<{ items: { tag: string; count: number }[] }>('/api/v1/customers/tags')).items,
    staleTime: 30_000,
  });
}
