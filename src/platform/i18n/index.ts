import * as platform from './platform.messages.js';
import * as idempotency from './idempotency.messages.js';
import { MessageRegistry } from './registry.js';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];

/** One owner's messages: every key in zh-CN (the reference) and in en. Keys are flat; `{name}` placeholders. */
export type Catalogue = { readonly zhCN: Readonly<Record<string, string>>; readonly en: Readonly<Record<string, string>> };

/** The keys of a catalogue's zh-CN half, as an object type that `Messages` can extend. */
export type KeysOf<C extends Catalogue> = Record<keyof C['zhCN'], string>;

/**
 * Every message key the server knows, as an interface so that it can be merged into. The platform's own keys are here;
 * the modules' keys are added by `src/messages.ts` (the composition root's one list of catalogues), which registers
 * the same catalogues at run time: a module's key type-checks exactly when its catalogue is registered.
 */
export interface Messages extends KeysOf<typeof platform>, KeysOf<typeof idempotency> {}
export type MessageKey = keyof Messages;

const registry = new MessageRegistry<Catalogue>((c) => ({ 'zh-CN': c.zhCN, en: c.en }));

/**
 * Adds a catalogue (a module's messages, under the module's name); see MessageRegistry.register for what it
 * refuses.
 */
export function registerMessages(name: string, catalogue: Catalogue): void {
  registry.register(name, catalogue);
}

/** The registered catalogues by name (for the catalogue test and tools). */
export function registeredCatalogues(): ReadonlyMap<string, Catalogue> {
  return registry.catalogues;
}

registerMessages('platform', platform);
registerMessages('idempotency', idempotency);

export type MessageParams = Record<string, string | number>;

export function t(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = registry.text(locale, key);
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    return v === undefined ? `{${name}}` : String(v);
  });
}

export function isMessageKey(key: string): key is MessageKey {
  return registry.has(key);
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
