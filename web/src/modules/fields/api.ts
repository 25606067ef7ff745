import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { localized, type Lang } from '../../platform/i18n';
import type { CustomFieldOption, CustomFieldView } from '../../../../src/modules/fields/fields.contract';

export {
  CUSTOM_FIELD_KEY_PATTERN,
  CUSTOM_FIELD_TYPES,
  type CustomFieldOption,
  type CustomFieldType,
  type CustomFieldView,
  type CustomFilter,
  type CustomValue,
} from '../../../../src/modules/fields/fields.contract';

export const fieldKeys = {
  all: ['custom-fields'] as const,
  list: (includeArchived: boolean) => ['custom-fields', includeArchived] as const,
};

/** The custom field definitions (active ones unless `includeArchived`), in display order. */
export function useCustomFields(includeArchived = false) {
  return useQuery({
    queryKey: fieldKeys.list(includeArchived),
    queryFn: async () =>
      (await api.get<{ items: CustomFieldView[] }>('/api/v1/custom-fields', includeArchived ? { includeArchived: 'true' } : {})).items,
    staleTime: 60_000,
  });
}

export const fieldLabel = (f: Pick<CustomFieldView, 'labelZh' | 'labelEn'>, lang: Lang) => localized(f, lang, 'label');
export const optionLabel = (o: CustomFieldOption, lang: Lang) => localized(o, lang, 'label');
