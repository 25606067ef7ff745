import { Form, Select, Switch, Tag } from 'antd';
import { useT } from '../../platform/i18n';
import { useSegments } from '../segments';
import { CARE_TIERS, CUSTOMER_STAGES, type CareAudience, type CareTier } from './api';

/** The customer segments (客户细分) to choose an audience from (the first 100, dynamic and static). */
function useSegmentNames() {
  const segments = useSegments({}, 100);
  return { ...segments, items: segments.data?.items ?? [] };
}

/** The audience fields of a plan or rule form (under the form's `audience`). */
export function AudienceFields() {
  const t = useT();
  const segments = useSegmentNames();
  const tags = (name: string, label: string) => (
    <Form.Item name={['audience', name]} label={label} style={{ minWidth: 200, flex: '1 1 200px' }}>
      <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} />
    </Form.Item>
  );
  return (
    <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
      <Form.Item name={['audience', 'segmentIds']} label={t('care.segmentIds')} tooltip={t('care.segmentIdsHelp')} style={{ minWidth: 260, flex: '1 1 100%' }}>
        <Select
          mode="multiple"
          allowClear
          showSearch
          optionFilterProp="label"
          loading={segments.isPending}
          options={segments.items.map((s) => ({ value: s.id, label: s.kind === 'static' ? `${s.name}（${t('care.segmentStatic')}）` : s.name }))}
          data-testid="audience-segments"
        />
      </Form.Item>
      <Form.Item name={['audience', 'tiers']} label={t('care.tiers')} style={{ minWidth: 200, flex: '1 1 200px' }}>
        <Select mode="multiple" allowClear options={CARE_TIERS.map((x) => ({ value: x, label: t(`care.tier.${x}`) }))} data-testid="audience-tiers" />
      </Form.Item>
      {tags('tags', t('care.tags'))}
      <Form.Item name={['audience', 'stages']} label={t('care.stages')} style={{ minWidth: 200, flex: '1 1 200px' }}>
        <Select mode="multiple" allowClear options={CUSTOMER_STAGES.map((x) => ({ value: x, label: t(`care.stage.${x}`) }))} />
      </Form.Item>
      {tags('cities', t('care.cities'))}
      {tags('compounds', t('care.compounds'))}
      <Form.Item name={['audience', 'segmentsText']} label={t('care.segments')} style={{ minWidth: 160, flex: '1 1 160px' }}>
        <Select mode="tags" open={false} suffixIcon={null} />
      </Form.Item>
    </div>
  );
}

export type AudienceValues = CareAudience & { segmentsText?: string[] };

/** The form's audience as the API wants it: empty lists left out, segment numbers parsed. */
export function audienceOut(a: AudienceValues | undefined): CareAudience {
  const out: CareAudience = {};
  if (!a) return out;
  if (a.segmentIds?.length) out.segmentIds = a.segmentIds;
  if (a.tiers?.length) out.tiers = a.tiers;
  for (const k of ['tags', 'stages', 'cities', 'compounds'] as const) {
    const v = a[k]?.map((x) => x.trim()).filter(Boolean);
    if (v?.length) out[k] = v;
  }
  const segs = (a.segmentsText ?? []).map(Number).filter((n) => Number.isInteger(n) && n >= 0);
  if (segs.length) out.segments = segs;
  return out;
}

export const audienceIn = (a: CareAudience): AudienceValues => ({ ...a, segmentsText: a.segments?.map(String) });

/** The audience in one line of tags. */
export function AudienceTags({ audience }: { audience: CareAudience }) {
  const t = useT();
  const segments = useSegmentNames();
  const names = new Map(segments.items.map((s) => [s.id, s.name]));
  const parts: string[] = [
    ...(audience.segmentIds ?? []).map((id) => names.get(id) ?? `${t('care.segmentIds')} ${id.slice(0, 8)}`),
    ...(audience.tiers ?? []).map((x: CareTier) => t(`care.tier.${x}`)),
    ...(audience.tags ?? []).map((x) => `#${x}`),
    ...(audience.stages ?? []).map((x) => t(`care.stage.${x}` as 'care.stage.new')),
    ...(audience.cities ?? []),
    ...(audience.compounds ?? []),
    ...(audience.segments ?? []).map((x) => `${t('care.segments')} ${x}`),
  ];
  if (!parts.length) return <Tag>{t('care.audience.all')}</Tag>;
  return (
    <>
      {parts.map((p) => (
        <Tag key={p}>{p}</Tag>
      ))}
    </>
  );
}

/** The last row of a plan or rule form: who gets the task when a customer has no owner, and whether it is on. */
export function FallbackAndActive({ users }: { users: { data?: { id: string; name: string }[]; isPending: boolean } }) {
  const t = useT();
  return (
    <div style={{ display: 'flex', gap: 12, flexWrap: 'wrap' }}>
      <Form.Item name="fallbackUserId" label={t('care.fallback')} tooltip={t('care.fallbackHelp')} style={{ minWidth: 220 }}>
        <Select allowClear showSearch optionFilterProp="label" loading={users.isPending} options={(users.data ?? []).map((u) => ({ value: u.id, label: u.name }))} />
      </Form.Item>
      <Form.Item name="active" label={t('care.active')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </div>
  );
}
