import type { Lang } from './index';

type Text = string | null | undefined;
type ZhKey<B extends string> = B extends '' ? 'zh' : `${B}Zh`;
type EnKey<B extends string> = B extends '' ? 'en' : `${B}En`;

/**
 * A value held in both languages, in the one column convention of the API: `<base>Zh` and `<base>En` (labelZh /
 * labelEn, nameZh / nameEn), where a Chinese column without the suffix (`name` beside `nameEn`, `title` beside
 * `titleEn`) is the same thing; with no base, `zh` and `en`.
 */
export type Bilingual<B extends string = ''> = ({ [K in ZhKey<B>]: string } | { [K in B]: string }) & { [K in EnKey<B>]?: Text };

/**
 * The text of a bilingual value in the UI language: the English column when the UI is English and it is filled in,
 * else the Chinese one (zh-CN first: every value has its Chinese text; the English one may be left empty).
 *   localized(field, lang, 'label')  → labelEn / labelZh
 *   localized(category, lang, 'name') → nameEn / nameZh (or name)
 *   localized(RFM_GROUP_LABELS[g], lang) → en / zh
 */
export function localized<B extends string = ''>(row: Bilingual<B>, lang: Lang, base?: B): string {
  const r = row as unknown as Record<string, Text>;
  const zh = base ? (r[`${base}Zh`] ?? r[base]) : r.zh;
  const en = base ? r[`${base}En`] : r.en;
  return lang === 'en' && en ? en : (zh ?? '');
}
