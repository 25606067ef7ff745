/**
 * The tag registry on the web side: the list of tags with their colours and counts (GET /api/v1/tags), a tag chip
 * in its registered colour for the list, cards and 360 page, and the colour palette the tag forms use.
 */
import { useMemo, type ReactNode } from 'react';
import { ColorPicker, Flex, Tag, Tooltip, theme } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../platform/api';
import { useT, type Translate } from '../../platform/i18n';
import { customerKeys } from './api';

/**
 * One tag of the registry: registered (colour, description) and/or in use. `count` is the number of live customers
 * within the reader's scope carrying it. Mirrors `TagRow` of src/modules/customers/tags.repository.ts (the server
 * declares no contract type for it).
 */
export type TagView = { name: string; color: string | null; description: string | null; count: number };

/** The Ant Design preset colours the server accepts by name (besides #RRGGBB). */
export const TAG_PRESETS = ['magenta', 'red', 'volcano', 'orange', 'gold', 'lime', 'green', 'cyan', 'blue', 'geekblue', 'purple'] as const;
export type TagPreset = (typeof TAG_PRESETS)[number];
const isPreset = (c: string): c is TagPreset => (TAG_PRESETS as readonly string[]).includes(c);
/** The longest tag name the server accepts. */
export const TAG_MAX = 32;

export const tagRegistryKey = [...customerKeys.tags, 'registry'] as const;

/** Every tag with colour, description and count (under customerKeys.tags, so customer changes refresh it). */
export function useTagRegistry(enabled = true) {
  return useQuery({
    queryKey: tagRegistryKey,
    queryFn: async ({ signal }) => (await api.get<{ items: TagView[] }>('/api/v1/tags', undefined, signal)).items,
    staleTime: 30_000,
    enabled,
  });
}

/** name → registered colour, for showing tags in their colour. */
export function useTagColors(): (name: string) => string | undefined {
  const registry = useTagRegistry();
  return useMemo(() => {
    const map = new Map((registry.data ?? []).filter((x) => x.color).map((x) => [x.name, x.color!]));
    return (name: string) => map.get(name);
  }, [registry.data]);
}

/** A colour's name on screen: 金色 for a preset, the hex code for a custom colour, 默认 for none. */
export function colorLabel(t: Translate, color: string | null | undefined): string {
  if (!color) return t('tags.color.none');
  return isPreset(color) ? t(`tags.color.${color}`) : color.toLowerCase();
}

/** A tag in its colour (or `fallback` when it has none). `data-color` says which, for tests and styling. */
export function TagChip({ name, color, fallback, children }: { name: string; color?: string | null; fallback?: string; children?: ReactNode }) {
  const c = color || fallback;
  return (
    <Tag color={c} data-testid="tag-chip" data-color={color ?? ''} style={{ marginInlineEnd: 0 }}>
      {children ?? name}
    </Tag>
  );
}

/** The tags of one customer, each in its registered colour. */
export function CustomerTags({ tags, fallback, testId }: { tags: string[]; fallback?: string; testId?: string }) {
  const colorOf = useTagColors();
  if (!tags.length) return null;
  return (
    <Flex gap={4} wrap data-testid={testId}>
      {tags.map((x) => (
        <TagChip key={x} name={x} color={colorOf(x)} fallback={fallback} />
      ))}
    </Flex>
  );
}

/** The solid colour a swatch shows: a preset's main shade from the theme, or the hex code itself. */
export function useSwatch(): (color: string | null | undefined) => string | undefined {
  const { token } = theme.useToken();
  return (color) => (!color ? undefined : isPreset(color) ? (token[color] as string) : color);
}

export function Swatch({ color, size = 14 }: { color: string | null | undefined; size?: number }) {
  const swatch = useSwatch();
  const { token } = theme.useToken();
  const fill = swatch(color);
  return (
    <span
      aria-hidden
      style={{
        display: 'inline-block',
        verticalAlign: 'middle',
        width: size,
        height: size,
        borderRadius: '50%',
        flex: 'none',
        background: fill ?? token.colorFillSecondary,
        border: `1px solid ${fill ?? token.colorBorder}`,
      }}
    />
  );
}

/**
 * The colour field of the tag forms: 默认, the eleven presets as round swatches (a radio group), and a custom colour
 * picker. Value: null, a preset name, or #rrggbb.
 */
export function ColorPalette({ value, onChange, id }: { value?: string | null; onChange?: (v: string | null) => void; id?: string }) {
  const t = useT();
  const swatch = useSwatch();
  const { token } = theme.useToken();
  const current = value ?? null;
  const custom = !!current && !isPreset(current);
  const option = (color: string | null, label: string) => {
    const checked = current === color;
    const fill = swatch(color);
    return (
      <Tooltip key={color ?? 'none'} title={label}>
        <button
          type="button"
          role="radio"
          aria-checked={checked}
          aria-label={label}
          data-color={color ?? ''}
          onClick={() => onChange?.(color)}
          style={{
            width: 28,
            height: 28,
            padding: 0,
            borderRadius: '50%',
            cursor: 'pointer',
            display: 'inline-flex',
            alignItems: 'center',
            justifyContent: 'center',
            background: fill ?? token.colorBgContainer,
            color: fill ? '#fff' : token.colorText,
            border: fill ? `2px solid ${checked ? token.colorText : fill}` : `1px dashed ${checked ? token.colorText : token.colorBorder}`,
            outlineOffset: 2,
          }}
        >
          {checked ? <CheckOutlined style={{ fontSize: 12 }} /> : color === null ? <span style={{ fontSize: 10 }}>—</span> : null}
        </button>
      </Tooltip>
    );
  };
  return (
    <Flex gap={6} wrap align="center" role="radiogroup" id={id} aria-label={t('tags.color')}>
      {option(null, t('tags.color.none'))}
      {TAG_PRESETS.map((c) => option(c, t(`tags.color.${c}`)))}
      <ColorPicker
        size="small"
        disabledAlpha
        format="hex"
        value={custom ? current : undefined}
        onChangeComplete={(c) => onChange?.(c.toHexString())}
        showText={() => (custom ? current : t('tags.color.custom'))}
        aria-label={t('tags.color.custom')}
      />
    </Flex>
  );
}
