/**
 * The HTML of the public feedback page `/f` (issue #19): server-rendered strings, no script at all (a plain form, so
 * it works with JavaScript off and in WeChat's in-app browser), ~1 KB of inline CSS, system fonts, one column up to
 * 560 px, tap targets at least 44 px high. Every text that comes from the visitor goes through `esc()`: a `<script>`
 * in the feedback is shown as text, never as markup.
 */
import { t, type Locale, type MessageKey } from '../../platform/i18n/index.js';
import { FEEDBACK_LIMITS } from './feedback.contract.js';
import { BRAND_SLOT } from '../settings/index.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const CSS = `*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f5f5f5;color:#1f1f1f;font:16px/1.6 -apple-system,BlinkMacSystemFont,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',Roboto,Arial,sans-serif}
main{max-width:560px;margin:0 auto;padding:12px}.card{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:18px;margin:0 0 8px}p{margin:0 0 10px}.muted{color:#6b6b6b;font-size:14px}
label{display:block;font-weight:600;margin:12px 0 4px}
textarea,input{display:block;width:100%;font:inherit;border:1px solid #d0d0d0;border-radius:6px;padding:8px 10px;min-height:44px}
textarea{min-height:140px}.bad{border-color:#ff7875}.err{color:#cf1322;font-size:14px;margin:4px 0 0}
.alert{background:#fff2f0;border:1px solid #ffccc7;border-radius:6px;padding:8px 12px;margin:0 0 12px}
button{font:inherit;font-size:16px;min-height:46px;width:100%;margin-top:16px;border:0;border-radius:6px;background:#1668dc;color:#fff}
.lang{text-align:right;font-size:14px;margin:0 0 6px}a{color:#1668dc;text-decoration:none}
.done{text-align:center;padding:24px 0}.done .icon{width:56px;height:56px;line-height:56px;margin:0 auto 12px;border-radius:50%;background:#52c41a;color:#fff;font-size:30px}
.done.warn .icon{background:#faad14}`;

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': CSP,
  'x-robots-tag': 'noindex',
} as const;

/** The branding line goes in BRAND_SLOT (filled by the settings module's hook as the page is sent). */
function layout(lang: Locale, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="format-detection" content="telephone=no">` +
    `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${CSS}</style></head>` +
    `<body><main><div class="card">${BRAND_SLOT}${body}</div></main></body></html>`
  );
}

const m = (lang: Locale, key: MessageKey, params?: Record<string, string | number>) => esc(t(lang, key, params));

export type FormValues = { text: string; phone: string; name: string };

/** The form: empty, or again with what was sent and the messages of the fields that were wrong. */
export function formPage(o: { lang: Locale; action: string; otherLangHref: string; values?: FormValues; errors?: Map<string, string> }): string {
  const { lang } = o;
  const v = o.values ?? { text: '', phone: '', name: '' };
  const errors = o.errors ?? new Map<string, string>();
  const err = (field: string) => (errors.has(field) ? `<p class="err">${esc(errors.get(field)!)}</p>` : '');
  const bad = (field: string) => (errors.has(field) ? ' class="bad"' : '');
  const body =
    `<p class="lang"><a href="${esc(o.otherLangHref)}">${m(lang, 'feedback_public.other_lang')}</a></p>` +
    `<h1>${m(lang, 'feedback_public.title')}</h1><p class="muted">${m(lang, 'feedback_public.intro')}</p>` +
    (errors.size ? `<div class="alert">${m(lang, 'feedback_public.fix')}</div>` : '') +
    `<form method="post" action="${esc(o.action)}" accept-charset="utf-8">` +
    `<label for="text">${m(lang, 'feedback_public.text_label')}</label>` +
    `<textarea id="text" name="text" required minlength="${FEEDBACK_LIMITS.textMin}" maxlength="${FEEDBACK_LIMITS.text}"${bad('text')}>${esc(v.text)}</textarea>` +
    `<p class="muted">${m(lang, 'feedback_public.text_hint', { min: FEEDBACK_LIMITS.textMin, max: FEEDBACK_LIMITS.text })}</p>${err('text')}` +
    `<label for="phone">${m(lang, 'feedback_public.phone_label')}</label>` +
    `<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="30" value="${esc(v.phone)}"${bad('phone')}>${err('phone')}` +
    `<label for="name">${m(lang, 'feedback_public.name_label')}</label>` +
    `<input id="name" name="name" autocomplete="name" maxlength="${FEEDBACK_LIMITS.name}" value="${esc(v.name)}"${bad('name')}>${err('name')}` +
    `<button type="submit">${m(lang, 'feedback_public.submit')}</button></form>`;
  return layout(lang, t(lang, 'feedback_public.title'), body);
}

/** A page with no form: the thanks, or why the request was refused (with a link back to the form). */
export function messagePage(lang: Locale, o: { title: string; text: string; ok?: boolean; backHref?: string }): string {
  const back = o.backHref ? `<p><a href="${esc(o.backHref)}">${m(lang, 'feedback_public.back')}</a></p>` : '';
  return layout(
    lang,
    o.title,
    `<div class="done${o.ok ? '' : ' warn'}"><div class="icon">${o.ok ? '✓' : '!'}</div><h1>${esc(o.title)}</h1><p>${esc(o.text)}</p>${back}</div>`,
  );
}
