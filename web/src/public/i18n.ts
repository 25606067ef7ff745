import { en, zh, type PublicKey } from './messages';

export type Lang = 'zh-CN' | 'en';
/** Shared with the agent app, so a choice made there (or here) is remembered for both. */
const STORAGE_KEY = 'hearth.lang';

/** `?lang=en` (a link in an English SMS) wins and is remembered; then the remembered choice; zh-CN by default. */
function initialLang(): Lang {
  const asked = new URLSearchParams(window.location.search).get('lang')?.toLowerCase();
  const fromUrl: Lang | null = asked?.startsWith('en') ? 'en' : asked?.startsWith('zh') ? 'zh-CN' : null;
  try {
    if (fromUrl) localStorage.setItem(STORAGE_KEY, fromUrl);
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // storage blocked (some in-app browsers): the URL or the default decides
  }
  return fromUrl ?? 'zh-CN';
}

let current: Lang = initialLang();
document.documentElement.lang = current;

export const lang = (): Lang => current;

export function setLang(next: Lang): void {
  current = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered, still switched
  }
  // A `lang` in the address would switch it back on reload: drop it.
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.delete('lang');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
}

export function t(key: PublicKey, params: Record<string, string | number> = {}): string {
  const template = (current === 'en' ? en : zh)[key] ?? zh[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] === undefined ? m : String(params[name])));
}

/** YYYY-MM-DD HH:mm in the company's zone (Asia/Shanghai), as the agent app shows times. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
}
