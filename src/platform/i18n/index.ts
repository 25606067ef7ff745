import { en, zhCN, type MessageKey } from './messages.js';

export type Locale = 'zh-CN' | 'en';
export type { MessageKey };
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export type MessageParams = Record<string, string | number>;

export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = catalogs[locale][key] ?? zhCN[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    return v === undefined ? `{${name}}` : String(v);
  });
}

export function isMessageKey(key: string): key is MessageKey {
  return key in zhCN;
}

/**
 * The label of a field path such as `address.city`, `phones.1` or `admin.password`: the longest labelled prefix
 * (`field.address.city` → 城市), a container without its own meaning dropped (admin.password → 密码), and list
 * positions counted from 1 (电话 #2). Falls back to the path itself.
 */
export function fieldLabel(locale: Locale, path: string): string {
  const parts = path.split('.');
  for (let n = parts.length; n >= 1; n--) {
    const key = `field.${parts.slice(0, n).join('.')}`;
    if (!isMessageKey(key)) continue;
    const rest = parts.slice(n).map((p) => (/^\d+$/.test(p) ? `#${Number(p) + 1}` : p));
    if (rest.length && !rest.some((p) => p.startsWith('#'))) {
      // `admin.password`: the inner field has a label of its own.
      const inner = `field.${parts.slice(n).join('.')}`;
      if (isMessageKey(inner)) return t(locale, inner);
    }
    return rest.length ? `${t(locale, key)} ${rest.join(' ')}` : t(locale, key);
  }
  return path;
}

/** Picks zh-CN or en from an Accept-Language header (quality values honoured); default when nothing matches. */
export function negotiateLocale(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
    if (tag === '*') return fallback;
  }
  return fallback;
}
