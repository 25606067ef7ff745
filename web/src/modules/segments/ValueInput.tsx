import { DatePicker, Input, InputNumber, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useT } from '../../platform/i18n';
import { useChoices, type SegmentFieldItem } from './api';
import { shapeOf, type Params, type RuleValue } from './model';

type Scalar = string | number;
type Props = { field: SegmentFieldItem; op: string; value: RuleValue | undefined; onChange: (v: RuleValue | undefined) => void };

const WIDTH = { minWidth: 160, flex: '1 1 160px' } as const;

/** One scalar of the field's type: a number, yuan (sent as fen), a date, or a text. */
function ScalarInput({ type, value, onChange, placeholder, testId }: { type: SegmentFieldItem['type']; value: Scalar | undefined; onChange: (v: Scalar | undefined) => void; placeholder?: string; testId?: string }) {
  const t = useT();
  if (type === 'number') {
    return <InputNumber style={WIDTH} value={typeof value === 'number' ? value : null} onChange={(v) => onChange(v ?? undefined)} placeholder={placeholder} data-testid={testId} />;
  }
  if (type === 'money') {
    return (
      <InputNumber
        style={WIDTH}
        min={0}
        precision={2}
        suffix={t('segments.builder.yuan')}
        value={typeof value === 'number' ? value / 100 : null}
        onChange={(v) => onChange(v === null || v === undefined ? undefined : Math.round(Number(v) * 100))}
        placeholder={placeholder}
        data-testid={testId}
      />
    );
  }
  if (type === 'date') {
    return (
      <DatePicker
        style={WIDTH}
        value={typeof value === 'string' && value ? dayjs(value) : null}
        onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)}
        placeholder={placeholder}
        data-testid={testId}
      />
    );
  }
  return <Input style={WIDTH} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.target.value)} placeholder={placeholder ?? t('segments.builder.value')} data-testid={testId} />;
}

/** The value of a condition, shaped by its operator: none, a number of days, a pair, a list, or one value. */
export function ValueInput({ field, op, value, onChange }: Props) {
  const t = useT();
  const choices = useChoices(field.optionsSource);
  const shape = shapeOf(op);
  if (shape === 'none') return null;
  if (shape === 'days') {
    return (
      <InputNumber
        style={WIDTH}
        min={1}
        precision={0}
        suffix={t('segments.builder.days')}
        value={typeof value === 'number' ? value : null}
        onChange={(v) => onChange(v ?? undefined)}
        data-testid="cond-value"
      />
    );
  }
  if (shape === 'pair') {
    const [a, b] = Array.isArray(value) ? value : [];
    const set = (i: 0 | 1, v: Scalar | undefined) => {
      const next = [a, b] as (Scalar | undefined)[];
      next[i] = v;
      onChange(next as Scalar[]);
    };
    return (
      <Space.Compact style={{ flex: '1 1 240px' }}>
        <ScalarInput type={field.type} value={a} onChange={(v) => set(0, v)} placeholder={t('segments.builder.from')} testId="cond-value-from" />
        <ScalarInput type={field.type} value={b} onChange={(v) => set(1, v)} placeholder={t('segments.builder.to')} testId="cond-value-to" />
      </Space.Compact>
    );
  }
  const options = field.options?.map((o) => ({ value: o.value, label: o.label })) ?? (field.optionsSource && choices.data ? choices.data : undefined);
  if (shape === 'list' || options) {
    const multiple = shape === 'list';
    // Tags and free texts take values typed in as well as the ones offered; fixed options only those.
    const free = field.type === 'tags' || (field.type === 'text' && !field.options) || (!!field.optionsSource && !choices.data);
    return (
      <Select<Scalar | Scalar[]>
        style={WIDTH}
        mode={multiple ? (free ? 'tags' : 'multiple') : undefined}
        showSearch={{ optionFilterProp: 'label' }}
        loading={choices.isFetching}
        options={options ?? []}
        value={value as Scalar | Scalar[] | undefined}
        onChange={(v) => onChange(v as RuleValue)}
        tokenSeparators={multiple && free ? [',', '，'] : undefined}
        placeholder={t('segments.builder.value')}
        data-testid="cond-value"
        aria-label={t('segments.builder.value')}
      />
    );
  }
  return <ScalarInput type={field.type} value={value as Scalar | undefined} onChange={onChange} testId="cond-value" />;
}

/** A behaviour field's parameters (the window in days, a type, a product …). */
export function ParamsInput({ field, params, onChange }: { field: SegmentFieldItem; params: Params; onChange: (p: Params) => void }) {
  const t = useT();
  if (!field.params?.length) return null;
  const set = (name: string, v: string | number | undefined) => {
    const next = { ...params };
    if (v === undefined || v === null || v === '') delete next[name];
    else next[name] = v;
    onChange(next);
  };
  return (
    <>
      {field.params.map((p) => {
        const label = p.name === 'days' || p.name === 'type' || p.name === 'channel' ? t(`segments.param.${p.name}`) : p.name;
        if (p.kind === 'days') {
          return (
            <InputNumber
              key={p.name}
              style={{ width: 150 }}
              min={1}
              precision={0}
              prefix={label}
              value={typeof params[p.name] === 'number' ? (params[p.name] as number) : null}
              onChange={(v) => set(p.name, v ?? undefined)}
              data-testid={`cond-param-${p.name}`}
            />
          );
        }
        if (p.options || p.optionsSource) return <ParamSelect key={p.name} param={p} label={label} value={params[p.name] as Scalar | undefined} onChange={(v) => set(p.name, v)} />;
        return <Input key={p.name} style={{ width: 180 }} placeholder={label} value={(params[p.name] as string | undefined) ?? ''} onChange={(e) => set(p.name, e.target.value)} />;
      })}
    </>
  );
}

function ParamSelect({ param, label, value, onChange }: { param: NonNullable<SegmentFieldItem['params']>[number]; label: string; value: Scalar | undefined; onChange: (v: Scalar | undefined) => void }) {
  const t = useT();
  const choices = useChoices(param.optionsSource);
  const options = param.options ?? choices.data ?? [];
  return (
    <Select<Scalar>
      style={{ width: 160 }}
      allowClear={!param.required}
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={`${label}: ${t('segments.param.any')}`}
      options={options}
      value={value}
      onChange={(v) => onChange(v ?? undefined)}
      aria-label={label}
      data-testid={`cond-param-${param.name}`}
    />
  );
}
