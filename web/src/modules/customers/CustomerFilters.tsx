import { DatePicker, Input, Select, TreeSelect } from 'antd';
import dayjs from 'dayjs';
import { useT } from '../../platform/i18n';
import { teamTree, useTeams, useUsers } from '../accounts';
import { CustomFieldFilters } from '../fields';
import { STAGES, useTags, type ListFilters } from './api';

type Props = { filters: ListFilters; onChange: (patch: Partial<ListFilters>) => void };

/** Tag, owner, team, stage, city, compound, building, unit, created date range and sort; each applies as soon as it changes. */
export function CustomerFilters({ filters, onChange }: Props) {
  const t = useT();
  const tags = useTags();
  const users = useUsers();
  const teams = useTeams();

  const grid = { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))', gap: 8 } as const;
  const text = (key: 'city' | 'compound' | 'building' | 'unit') => (
    <Input
      key={`${key}:${filters[key] ?? ''}`}
      defaultValue={filters[key]}
      placeholder={t(`field.${key}`)}
      aria-label={t(`field.${key}`)}
      allowClear
      maxLength={100}
      onPressEnter={(e) => onChange({ [key]: e.currentTarget.value.trim() || undefined })}
      onBlur={(e) => {
        const v = e.currentTarget.value.trim() || undefined;
        if (v !== filters[key]) onChange({ [key]: v });
      }}
      onClear={() => onChange({ [key]: undefined })}
    />
  );

  return (
    <div style={grid} data-testid="customer-filters">
      <Select
        allowClear
        showSearch
        placeholder={t('field.tags')}
        aria-label={t('field.tags')}
        value={filters.tag}
        onChange={(v?: string) => onChange({ tag: v })}
        options={(tags.data ?? []).map((x) => ({ value: x.tag, label: `${x.tag} (${x.count})` }))}
      />
      <Select
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('field.ownerId')}
        aria-label={t('field.ownerId')}
        value={filters.ownerId}
        onChange={(v?: string) => onChange({ ownerId: v })}
        options={(users.data ?? []).map((u) => ({ value: u.id, label: u.displayName }))}
      />
      <TreeSelect
        allowClear
        placeholder={t('field.teamId')}
        aria-label={t('field.teamId')}
        value={filters.teamId}
        onChange={(v?: string) => onChange({ teamId: v })}
        treeData={teamTree(teams.data ?? [])}
        treeDefaultExpandAll
      />
      <Select
        allowClear
        placeholder={t('field.stage')}
        aria-label={t('field.stage')}
        value={filters.stage}
        onChange={(v?: ListFilters['stage']) => onChange({ stage: v })}
        options={STAGES.map((s) => ({ value: s, label: t(`stage.${s}`) }))}
      />
      {text('city')}
      {text('compound')}
      {text('building')}
      {text('unit')}
      <CustomFieldFilters value={filters.custom} onChange={(custom) => onChange({ custom })} />
      <DatePicker.RangePicker
        style={{ gridColumn: 'span 2', minWidth: 0 }}
        placeholder={[t('common.dateFrom'), t('common.dateTo')]}
        value={
          filters.createdFrom || filters.createdTo
            ? [filters.createdFrom ? dayjs(filters.createdFrom) : null, filters.createdTo ? dayjs(filters.createdTo) : null]
            : null
        }
        onChange={(range) =>
          onChange({ createdFrom: range?.[0]?.format('YYYY-MM-DD') ?? undefined, createdTo: range?.[1]?.format('YYYY-MM-DD') ?? undefined })
        }
        allowEmpty={[true, true]}
      />
      <Select
        aria-label={t('customers.sort')}
        value={`${filters.sort ?? 'createdAt'}:${filters.order ?? 'desc'}`}
        onChange={(v: string) => {
          const [sort, order] = v.split(':') as [ListFilters['sort'], ListFilters['order']];
          onChange({ sort: sort === 'createdAt' ? undefined : sort, order: order === 'desc' ? undefined : order });
        }}
        options={(['createdAt', 'updatedAt', 'name'] as const).flatMap((s) =>
          (['desc', 'asc'] as const).map((o) => ({ value: `${s}:${o}`, label: `${t(`customers.sort.${s}`)} · ${t(`customers.order.${o}`)}` })),
        )}
      />
    </div>
  );
}
