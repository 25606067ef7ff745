import { h, type Child } from './dom';
import { lang, setLang, t, type Lang } from './i18n';

let rerender: () => void = () => undefined;
/** main.ts registers how to draw the current page again (after a language switch). */
export function onLanguageChange(draw: () => void): void {
  rerender = draw;
}

/** 中文 / English: a native select (the phone's own picker); the page is drawn again in the chosen language. */
export function languageSwitch(): HTMLSelectElement {
  const options: [Lang, string][] = [
    ['zh-CN', t('lang.zh-CN')],
    ['en', t('lang.en')],
  ];
  return h(
    'select',
    {
      class: 'lang',
      'aria-label': t('lang.label'),
      'data-testid': 'language-switch',
      onchange: (e: Event) => {
        setLang((e.target as HTMLSelectElement).value as Lang);
        rerender();
      },
    },
    options.map(([value, label]) => h('option', { value, selected: value === lang() }, label)),
  );
}

/** The company the pages speak for (GET /api/v1/public/branding, loaded once by main.ts). */
export type Branding = { companyName: string; hotline: string | null; logoUrl: string | null };
let branding: Branding | null = null;
export function setBranding(b: Branding | null): void {
  branding = b;
}

/** The company's logo, name and hotline (a tel: link) above the card's title; nothing until the branding is known. */
export function brandLine(): HTMLElement | null {
  if (!branding) return null;
  const b = branding;
  return h(
    'div',
    { class: 'brand', 'data-testid': 'branding' },
    b.logoUrl ? h('img', { src: b.logoUrl, alt: '', width: '28', height: '28' }) : null,
    h('strong', null, b.companyName),
    b.hotline ? h('a', { class: 'hotline', href: `tel:${b.hotline.replace(/[^\d+]/g, '')}` }, `${t('pub.hotline')} ${b.hotline}`) : null,
  );
}

/** The mobile-first card of the report and follow pages (no sign-in, often inside WeChat). */
export function frame(title: string, ...body: Child[]): HTMLElement {
  document.title = branding ? `${title} · ${branding.companyName}` : title;
  return h(
    'main',
    { class: 'frame' },
    h('section', { class: 'card' }, brandLine(), h('header', { class: 'card-head' }, h('h1', null, title), languageSwitch()), h('div', { class: 'card-body' }, ...body)),
  );
}

export function loading(): HTMLElement {
  return h('p', { class: 'boot', role: 'status' }, t('app.loading'));
}

/** A centred outcome: ✓ done, ! warning (the antd Result of the agent app, in a few lines of CSS). */
export function result(kind: 'success' | 'warning', title: Child, ...extra: Child[]): HTMLElement {
  return h('div', { class: `result ${kind === 'success' ? 'ok' : 'warning'}` }, h('div', { class: 'result-icon', 'aria-hidden': 'true' }, kind === 'success' ? '✓' : '!'), h('h2', null, title), ...extra);
}

/** A text field with its label, a character count when it has a limit worth showing, and its error line. */
export function field(
  id: string,
  label: string,
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | HTMLElement,
  opts: { required?: boolean; count?: number } = {},
): { wrap: HTMLElement; error: HTMLElement; setError: (message: string | null) => void } {
  const error = h('div', { class: 'field-error', id: `${id}-error`, hidden: true });
  const count = opts.count && (control instanceof HTMLTextAreaElement || control instanceof HTMLInputElement) ? h('span', { class: 'count' }, t('pub.chars', { n: 0, max: opts.count })) : null;
  if (count && (control instanceof HTMLTextAreaElement || control instanceof HTMLInputElement)) {
    const c = control;
    c.addEventListener('input', () => (count.textContent = t('pub.chars', { n: c.value.length, max: opts.count! })));
  }
  const labelEl = control.id ? h('label', { for: control.id, class: opts.required ? 'required' : undefined }, label) : h('span', { class: 'label' }, label);
  const wrap = h('div', { class: 'field' }, labelEl, control, count, error);
  const setError = (message: string | null) => {
    error.textContent = message ?? '';
    error.hidden = !message;
    wrap.classList.toggle('has-error', !!message);
    if (control.id) {
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    }
  };
  // As in the agent app's forms: a field's message goes once it is edited.
  if (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement || control instanceof HTMLSelectElement) {
    control.addEventListener('input', () => setError(null));
    control.addEventListener('change', () => setError(null));
  }
  return { wrap, error, setError };
}

/** A key of the public catalogue built at run time (a ticket type or status), trusted to exist. */
export const dyn = (key: string) => key as Parameters<typeof t>[0];
