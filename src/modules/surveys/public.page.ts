/**
 * The HTML of the public survey page (issue #15 part 3): server-rendered strings, one question per screen, no
 * script at all (everything is a plain form and links, so it works with JavaScript off and in WeChat's in-app
 * browser), inline CSS of ~2 KB, system fonts. Mobile first: one column up to 560 px, tap targets at least 44 px
 * high; scores are radio buttons drawn as a row of buttons (`input:checked + span`), which every browser since
 * Android 4 draws. Flex layout without `gap` (older WebViews lack it for flex). Every text that comes from a
 * definition or a respondent goes through `esc()`: a `<script>` answer is shown as text, never as markup.
 */
import { t, type Locale, type MessageKey } from '../../platform/i18n/index.js';
import { DIMENSION_NAMES, SCALES, type AnswerIssue, type Question, type SurveyDefinition, type Text } from './definition.js';
import type { Fields, Screen } from './public.flow.js';
import { BRAND_SLOT } from '../settings/index.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const textOf = (lang: Locale, text: Text | undefined): string => (text ? (lang === 'en' && text.en ? text.en : text.zh) : '');

const CSS = `*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f5f5f5;color:#1f1f1f;font:16px/1.6 -apple-system,BlinkMacSystemFont,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',Roboto,Arial,sans-serif}
main{max-width:560px;margin:0 auto;padding:12px}.card{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:18px;margin:0 0 8px;line-height:1.35}h2{font-size:17px;margin:0 0 6px;line-height:1.4}p{margin:0 0 10px}
.muted{color:#6b6b6b;font-size:14px}.intro{white-space:pre-wrap}.req{color:#d4380d}
.bar{height:4px;background:#f0f0f0;border-radius:2px;margin:4px 0 14px}.bar i{display:block;height:4px;background:#1668dc;border-radius:2px}
fieldset{border:0;margin:0 0 14px;padding:0;min-width:0}legend{padding:0;margin:0 0 6px;font-weight:600}
.row{display:flex;flex-wrap:nowrap;margin:0 -2px}.row label{flex:1 1 0;min-width:0;margin:0 2px;position:relative}
.o input,.row input{position:absolute;opacity:0;width:1px;height:1px}
.row span{display:block;text-align:center;min-height:44px;line-height:42px;border:1px solid #d0d0d0;border-radius:6px;background:#fff;font-size:15px}
.row input:checked+span,.o input:checked+span{background:#1668dc;border-color:#1668dc;color:#fff}
.row input:focus+span,.o input:focus+span{box-shadow:0 0 0 2px rgba(22,104,220,.35)}
.ends{display:flex;justify-content:space-between;font-size:13px;color:#6b6b6b;margin-top:2px}
.o{display:block;position:relative;margin:0 0 8px}.o span{display:block;min-height:44px;padding:10px 12px;border:1px solid #d0d0d0;border-radius:6px}
.item{padding:10px 0;border-top:1px solid #f0f0f0}.item:first-of-type{border-top:0}.half{display:flex;align-items:center;margin:6px 0}
.half b{flex:0 0 3.6em;font-weight:400;font-size:14px;color:#555}.half .row{flex:1}
textarea{display:block;width:100%;font:inherit;border:1px solid #d0d0d0;border-radius:6px;padding:8px 10px;min-height:120px}
.err{color:#cf1322;font-size:14px;margin:4px 0 0}.alert{background:#fff2f0;border:1px solid #ffccc7;border-radius:6px;padding:8px 12px;margin:0 0 12px}
.bad .row span,.bad textarea,.bad .o span{border-color:#ff7875}
.nav{display:flex;align-items:center;justify-content:space-between;margin-top:18px}.nav a{color:#1668dc;text-decoration:none;padding:12px 8px 12px 0}
button{font:inherit;font-size:16px;min-height:46px;padding:0 28px;border:0;border-radius:6px;background:#1668dc;color:#fff;margin-left:auto}
.lang{text-align:right;font-size:14px;margin:0 0 6px}.lang a{color:#1668dc;text-decoration:none}
.done{text-align:center;padding:24px 0}.done .icon{width:56px;height:56px;line-height:56px;margin:0 auto 12px;border-radius:50%;background:#52c41a;color:#fff;font-size:30px}
.done.warn .icon{background:#faad14}input[type=tel]{display:block;width:100%;font:inherit;min-height:44px;border:1px solid #d0d0d0;border-radius:6px;padding:8px 10px}`;

/** The whole document: the page's own CSS inline, nothing else to load. */
export function layout(lang: Locale, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="format-detection" content="telephone=no">` +
    `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${CSS}</style></head>` +
    `<body><main><div class="card">${BRAND_SLOT}${body}</div></main></body></html>`
  );
}

const m = (lang: Locale, key: MessageKey, params?: Record<string, string | number>) => esc(t(lang, key, params));

/** A page with no form: an invalid or expired link, a closed survey, a second submission, the thanks. */
export function messagePage(lang: Locale, o: { title: string; text: string; ok?: boolean }): string {
  return layout(
    lang,
    o.title,
    `<div class="done${o.ok ? '' : ' warn'}"><div class="icon">${o.ok ? '✓' : '!'}</div><h1>${esc(o.title)}</h1>${o.text ? `<p class="intro">${esc(o.text)}</p>` : ''}</div>`,
  );
}

/** Issues as messages by field path ('answers.q.row' → text), in the page's language. */
export function issueMessages(lang: Locale, issues: AnswerIssue[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of issues) if (!out.has(i.path)) out.set(i.path, t(lang, i.key, i.params ?? {}));
  return out;
}

type Errors = Map<string, string>;
/** The messages of a path and of anything under it. */
const errorsAt = (errors: Errors, path: string, deep = false) =>
  [...errors].filter(([p]) => p === path || (deep && p.startsWith(`${path}.`))).map(([, msg]) => `<p class="err">${esc(msg)}</p>`).join('');

/** A row of radio buttons `min`…`max` named `name` (the chosen one checked). */
function scaleRow(name: string, min: number, max: number, chosen: string | undefined, label: string): string {
  let out = `<div class="row" role="radiogroup" aria-label="${esc(label)}">`;
  for (let v = min; v <= max; v++) {
    out += `<label><input type="radio" name="${esc(name)}" value="${v}"${chosen === String(v) ? ' checked' : ''}><span>${v}</span></label>`;
  }
  return `${out}</div>`;
}

const first = (fields: Fields, name: string) => fields[name]?.[0];

function scaleOf(q: Question): { min: number; max: number } {
  if (q.type === 'nps' || q.type === 'csat' || q.type === 'ces') return SCALES[q.type];
  if (q.type === 'rating') return { min: 1, max: q.max };
  return { min: 1, max: 5 };
}

/** The inputs of one screen's question. */
function inputsOf(lang: Locale, screen: Screen, fields: Fields, errors: Errors): string {
  const { q } = screen;
  const at = `answers.${q.id}`;
  const title = textOf(lang, q.text);
  switch (q.type) {
    case 'nps':
    case 'csat':
    case 'ces':
    case 'rating': {
      const { min, max } = scaleOf(q);
      return scaleRow('v', min, max, first(fields, 'v'), title) + errorsAt(errors, at, true);
    }
    case 'single':
      return (
        q.options.map((o) => `<label class="o"><input type="radio" name="v" value="${esc(o.value)}"${first(fields, 'v') === o.value ? ' checked' : ''}><span>${esc(textOf(lang, o.text))}</span></label>`).join('') +
        errorsAt(errors, at, true)
      );
    case 'multiple': {
      const chosen = new Set(fields.v ?? []);
      return (
        q.options.map((o) => `<label class="o"><input type="checkbox" name="v" value="${esc(o.value)}"${chosen.has(o.value) ? ' checked' : ''}><span>${esc(textOf(lang, o.text))}</span></label>`).join('') +
        errorsAt(errors, at, true)
      );
    }
    case 'text':
      return (
        `<textarea name="v" maxlength="${q.maxLength}" aria-label="${esc(title)}">${esc(first(fields, 'v') ?? '')}</textarea>` +
        `<p class="muted">${m(lang, 'survey_public.max_chars', { max: q.maxLength })}</p>` +
        errorsAt(errors, at, true)
      );
    case 'matrix':
      return (
        q.rows
          .map((r) => `<div class="item"><p>${esc(textOf(lang, r.text))}</p>${scaleRow(`r.${r.id}`, q.scale.min, q.scale.max, first(fields, `r.${r.id}`), textOf(lang, r.text))}${errorsAt(errors, `${at}.${r.id}`, true)}</div>`)
          .join('') + errorsAt(errors, at)
      );
    case 'servqual': {
      const { min, max } = SCALES.servqual;
      const e = t(lang, 'survey_public.expectation');
      const p = t(lang, 'survey_public.perception');
      return (
        (screen.items ?? [])
          .map((i) => {
            const text = textOf(lang, i.text);
            return (
              `<div class="item"><p>${esc(text)}</p>` +
              `<div class="half"><b>${esc(e)}</b>${scaleRow(`e.${i.id}`, min, max, first(fields, `e.${i.id}`), `${text} ${e}`)}</div>` +
              `<div class="half"><b>${esc(p)}</b>${scaleRow(`p.${i.id}`, min, max, first(fields, `p.${i.id}`), `${text} ${p}`)}</div>` +
              `${errorsAt(errors, `${at}.${i.id}`, true)}</div>`
            );
          })
          .join('') + errorsAt(errors, at)
      );
    }
  }
}

/** The two ends of a score row, from the question's help text when it has one (e.g. "0 = 完全不可能，10 = 非常可能"). */
function helpOf(lang: Locale, q: Question): string {
  const help = textOf(lang, q.help);
  return help ? `<p class="muted">${esc(help)}</p>` : '';
}

export type QuestionPage = {
  lang: Locale;
  def: SurveyDefinition;
  screen: Screen;
  number: number;
  total: number;
  /** The form's target (with ?lang= when chosen). */
  action: string;
  backHref: string | null;
  /** Links to the same screen in the other language, when the survey has English. */
  langHref: string | null;
  showIntro: boolean;
  fields: Fields;
  errors: Errors;
};

/** One question (or one SERVQUAL part) with the progress, the back link and 下一题. */
export function questionPage(o: QuestionPage): string {
  const { lang, def, screen } = o;
  const { q } = screen;
  const title = textOf(lang, def.title);
  const dimension = screen.items && screen.parts > 1 ? DIMENSION_NAMES[screen.items[0]!.dimension] : null;
  const partNote = dimension ? ` · ${esc(lang === 'en' ? dimension.en : dimension.zh)} (${screen.part + 1}/${screen.parts})` : '';
  const pct = Math.round(((o.number - 1 + (screen.part + 1) / screen.parts) / Math.max(o.total, 1)) * 100);
  const bad = o.errors.size > 0;
  const body =
    (o.langHref ? `<p class="lang"><a href="${esc(o.langHref)}">${lang === 'en' ? '中文' : 'English'}</a></p>` : '') +
    `<h1>${esc(title)}</h1>` +
    (o.showIntro && def.intro ? `<p class="intro muted">${esc(textOf(lang, def.intro))}</p>` : '') +
    `<p class="muted">${m(lang, 'survey_public.progress', { n: o.number, total: o.total })}${partNote}</p>` +
    `<div class="bar"><i style="width:${pct}%"></i></div>` +
    (bad ? `<div class="alert" role="alert">${m(lang, 'survey_public.fix')}</div>` : '') +
    `<form method="post" action="${esc(o.action)}" accept-charset="utf-8"><input type="hidden" name="_q" value="${esc(q.id)}"><input type="hidden" name="_p" value="${screen.part}">` +
    `<fieldset${bad ? ' class="bad"' : ''}><legend><h2>${esc(textOf(lang, q.text))}${q.required ? ' <span class="req">*</span>' : ` <span class="muted">${m(lang, 'survey_public.optional')}</span>`}</h2></legend>` +
    helpOf(lang, q) +
    inputsOf(lang, screen, o.fields, o.errors) +
    `</fieldset><div class="nav">${o.backHref ? `<a href="${esc(o.backHref)}">‹ ${m(lang, 'survey_public.back')}</a>` : ''}` +
    `<button type="submit" name="_go" value="next">${m(lang, 'survey_public.next')}</button></div></form>`;
  return layout(lang, title, body);
}

/** The last screen: every question answered, 提交. */
export function submitPage(o: { lang: Locale; def: SurveyDefinition; action: string; backHref: string | null; error: string | null }): string {
  const { lang } = o;
  const title = textOf(lang, o.def.title);
  return layout(
    lang,
    title,
    `<h1>${esc(title)}</h1><div class="bar"><i style="width:100%"></i></div>` +
      (o.error ? `<div class="alert" role="alert">${esc(o.error)}</div>` : '') +
      `<p>${m(lang, 'survey_public.review')}</p>` +
      `<form method="post" action="${esc(o.action)}" accept-charset="utf-8"><div class="nav">` +
      (o.backHref ? `<a href="${esc(o.backHref)}">‹ ${m(lang, 'survey_public.back')}</a>` : '') +
      `<button type="submit" name="_go" value="submit">${m(lang, 'survey_public.submit')}</button></div></form>`,
  );
}

/** A QR code's first screen: the survey's title and intro, for a self-identifying code the phone number, 开始. */
export function startPage(o: { lang: Locale; def: SurveyDefinition; action: string; askPhone: boolean; phone: string; error: string | null; langHref: string | null }): string {
  const { lang } = o;
  const title = textOf(lang, o.def.title);
  return layout(
    lang,
    title,
    (o.langHref ? `<p class="lang"><a href="${esc(o.langHref)}">${lang === 'en' ? '中文' : 'English'}</a></p>` : '') +
      `<h1>${esc(title)}</h1>` +
      (o.def.intro ? `<p class="intro muted">${esc(textOf(lang, o.def.intro))}</p>` : '') +
      `<form method="post" action="${esc(o.action)}" accept-charset="utf-8">` +
      (o.askPhone
        ? `<fieldset${o.error ? ' class="bad"' : ''}><legend>${m(lang, 'survey_public.phone')}</legend><input type="tel" name="phone" maxlength="20" autocomplete="tel" value="${esc(o.phone)}">` +
          `<p class="muted">${m(lang, 'survey_public.phone_help')}</p>${o.error ? `<p class="err">${esc(o.error)}</p>` : ''}</fieldset>`
        : '') +
      `<div class="nav"><button type="submit" name="_go" value="start">${m(lang, 'survey_public.start')}</button></div></form>`,
  );
}
