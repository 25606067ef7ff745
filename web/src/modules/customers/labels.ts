import type { MessageKey, Translate } from '../../platform/i18n';
import { ADDRESS_KEYS, type Address, type LunarBirthday, type Stage } from './api';

export const STAGE_COLOR: Record<Stage, string> = {
  prospect: 'default',
  new: 'blue',
  active: 'green',
  loyal: 'gold',
  at_risk: 'orange',
  dormant: 'purple',
  churned: 'red',
};

/** 黑龙江省 哈尔滨市 南岗区 … 幸福家园 3号楼 2单元 501 — the parts present, in order. */
export function formatAddress(a: Partial<Address> | null | undefined): string {
  if (!a) return '';
  return ADDRESS_KEYS.map((k) => a[k])
    .filter((v): v is string => !!v)
    .join(' ');
}

export function formatLunar(t: Translate, l: LunarBirthday | null | undefined): string {
  if (!l) return '';
  return t('lunar.format', { leap: l.leap ? t('lunar.leap') : '', m: l.month, d: l.day });
}

/** The label of a customer field as the history and errors name it (`ownerId`, `city`, `phones` …). */
export function fieldLabel(t: Translate, field: string): string {
  const key = `field.${field}` as MessageKey;
  const label = t(key);
  return label === key ? field : label;
}

/** A label for a known enum value (`stage.active` → 活跃), or the value itself. */
export function enumLabel(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey;
  const label = t(key);
  return label === key ? value : label;
}
