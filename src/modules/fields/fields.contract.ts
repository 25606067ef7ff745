/**
 * Custom fields (自定义字段): definitions admins add to customers, and the values customers carry. Types and plain
 * constants only, with no imports, so the web app compiles this file as it is.
 */

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'select', 'multiselect', 'boolean'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
export const CUSTOM_FIELD_ENTITIES = ['customer'] as const;
export type CustomFieldEntity = (typeof CUSTOM_FIELD_ENTITIES)[number];
/** A field's stable key: lower-case letters, digits and underscores, starting with a letter. */
export const CUSTOM_FIELD_KEY_PATTERN = '^[a-z][a-z0-9_]{0,39}$';
/** Longest text value. */
export const CUSTOM_TEXT_MAX = 1000;

export type CustomFieldOption = { value: string; labelZh: string; labelEn: string };

export type CustomFieldView = {
  id: string;
  entity: CustomFieldEntity;
  key: string;
  labelZh: string;
  labelEn: string;
  type: CustomFieldType;
  /** Select and multi-select fields only (empty otherwise). */
  options: CustomFieldOption[];
  required: boolean;
  position: number;
  /** False when archived: hidden from forms, not validated; customers keep their values. */
  active: boolean;
  createdAt: string;
  updatedAt: string;
};

/** One stored value: text, select and date (YYYY-MM-DD) as strings, numbers, booleans, multi-select as a list. */
export type CustomValue = string | number | boolean | string[];
export type CustomValues = Record<string, CustomValue>;

/**
 * The list filter (`custom` query parameter, a JSON object): a value for text, select and boolean fields (equal),
 * a value or list for multi-select (contains all), `{from, to}` for number and date fields.
 */
export type CustomFilter = Record<string, CustomValue | { from?: number | string; to?: number | string }>;
