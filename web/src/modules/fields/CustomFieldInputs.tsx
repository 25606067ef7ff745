import { Fragment, type ReactNode } from 'react';
import { Col, DatePicker, Form, Input, InputNumber, Row, Select, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useI18n, useT } from '../../platform/i18n';
import { fieldLabel, optionLabel, useCustomFields, type CustomFieldView, type CustomFilter } from './api';

const third = { xs: 24, sm: 12, lg: 8 } as const;

/** One input per custom field type; the form name is ['custom', key], so server errors on `custom.<key>` land on it. */
function CustomInput({ field, label }: { field: CustomFieldView; label: string }) {
  const t = useT();
  const { lang } = useI18n();
  const options = field.options.map((o) => ({ value: o.value, label: optionLabel(o, lang) }));
  const rules = field.required && field.type !== 'boolean' ? [{ required: true, message: t('common.required', { field: label }) }] : [];
  const name = ['custom', field.key];
  switch (field.type) {
    case 'number':
      return (
        <Form.Item name={name} label={label} rules={rules}>
          <InputNumber style={{ width: '100%' }} aria-label={label} />
        </Form.Item>
      );
    case 'date':
      return (
        <Form.Item
          name={name}
          label={label}
          rules={rules}
          getValueProps={(v: string | null | undefined) => ({ value: v ? dayjs(v) : null })}
          normalize={(d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null)}
        >
          <DatePicker style={{ width: '100%' }} aria-label={label} />
        </Form.Item>
      );
    case 'select':
      return (
        <Form.Item name={name} label={label} rules={rules}>
          <Select allowClear options={options} aria-label={label} />
        </Form.Item>
      );
    case 'multiselect':
      return (
        <Form.Item name={name} label={label} rules={rules}>
          <Select mode="multiple" allowClear options={options} aria-label={label} />
        </Form.Item>
      );
    case 'boolean':
      return (
        <Form.Item name={name} label={label} valuePropName="checked">
          <Switch aria-label={label} />
        </Form.Item>
      );
    default:
      return (
        <Form.Item name={name} label={label} rules={rules.map((r) => ({ ...r, whitespace: true }))}>
          <Input maxLength={1000} aria-label={label} />
        </Form.Item>
      );
  }
}

/**
 * The 自定义字段 section of the customer form (nothing when no field is defined). `gate` wraps each field's input (the
 * customers module's field grants: hidden or read-only).
 */
export function CustomFieldsSection({
  wrap,
  gate = (_key, input) => input,
}: {
  wrap: (title: string, children: ReactNode) => ReactNode;
  gate?: (key: string, input: ReactNode) => ReactNode;
}) {
  const t = useT();
  const { lang } = useI18n();
  const fields = useCustomFields();
  if (!fields.data?.length) return null;
  return wrap(
    t('customFields.section'),
    <Row gutter={16} data-testid="custom-fields">
      {fields.data.map((f) => (
        <Fragment key={f.id}>
          {gate(
            f.key,
            <Col {...third}>
              <CustomInput field={f} label={fieldLabel(f, lang)} />
            </Col>,
          )}
        </Fragment>
      ))}
    </Row>,
  );
}

/** A stored value as people read it: select values by their label, booleans as 是/否. */
export function formatCustomValue(field: CustomFieldView, value: unknown, lang: 'zh-CN' | 'en', yesNo: [string, string]): string | null {
  if (value === undefined || value === null || value === '') return null;
  const label = (v: unknown) => {
    const o = field.options.find((x) => x.value === v);
    return o ? optionLabel(o, lang) : String(v);
  };
  switch (field.type) {
    case 'select':
      return label(value);
    case 'multiselect':
      return Array.isArray(value) ? value.map(label).join(lang === 'en' ? ', ' : '、') : String(value);
    case 'boolean':
      return value === true ? yesNo[0] : value === false ? yesNo[1] : String(value);
    default:
      return String(value);
  }
}

/** Description items for the profile tab: one per active field. */
export function useCustomDescriptionItems(custom: Record<string, unknown> | undefined): { key: string; label: string; children: ReactNode }[] {
  const t = useT();
  const { lang } = useI18n();
  const fields = useCustomFields();
  return (fields.data ?? []).map((f) => ({
    key: `custom.${f.key}`,
    label: fieldLabel(f, lang),
    children: <span data-testid={`custom-${f.key}`}>{formatCustomValue(f, custom?.[f.key], lang, [t('common.yes'), t('common.no')]) ?? t('common.none')}</span>,
  }));
}

export function parseCustomFilter(raw: string | undefined): CustomFilter {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as CustomFilter) : {};
  } catch {
    return {};
  }
}

/** Filters for select, multi-select and yes/no custom fields in the list's filter panel; `custom` is the JSON parameter. */
export function CustomFieldFilters({ value, onChange }: { value: string | undefined; onChange: (next: string | undefined) => void }) {
  const t = useT();
  const { lang } = useI18n();
  const fields = useCustomFields();
  const current = parseCustomFilter(value);
  const set = (key: string, v: unknown) => {
    const next: Record<string, unknown> = { ...current };
    if (v === undefined || v === null) delete next[key];
    else next[key] = v;
    onChange(Object.keys(next).length ? JSON.stringify(next) : undefined);
  };
  return (
    <>
      {(fields.data ?? [])
        .filter((f) => f.type === 'select' || f.type === 'multiselect' || f.type === 'boolean')
        .map((f) => {
          const label = fieldLabel(f, lang);
          const options =
            f.type === 'boolean'
              ? [
                  { value: 'true', label: t('common.yes') },
                  { value: 'false', label: t('common.no') },
                ]
              : f.options.map((o) => ({ value: o.value, label: optionLabel(o, lang) }));
          const raw = current[f.key];
          const selected = raw === undefined ? undefined : f.type === 'boolean' ? String(raw) : Array.isArray(raw) ? raw[0] : String(raw);
          return (
            <Select
              key={f.id}
              allowClear
              placeholder={label}
              aria-label={label}
              data-testid={`filter-custom-${f.key}`}
              value={selected}
              onChange={(v?: string) => set(f.key, v === undefined ? undefined : f.type === 'boolean' ? v === 'true' : v)}
              options={options}
            />
          );
        })}
    </>
  );
}
