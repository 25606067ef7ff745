import type { KbPublicArticle, KbPublicArticleListItem, KbPublicArticlePage, KbPublicCategory } from '../../../src/modules/kb/kb.contract';
import { fill, h } from './dom';
import { formatDateTime, lang, t } from './i18n';
import { call } from './http';
import { brandLine, languageSwitch, loading, result } from './ui';

/** The header bar of the answers pages, and their content column. */
function shell(...body: (Node | null)[]): HTMLElement {
  document.title = t('help.title');
  return h(
    'div',
    { class: 'help' },
    h('header', { class: 'help-bar' }, h('a', { href: '/s/help' }, t('help.title')), languageSwitch()),
    h('main', { class: 'help-main' }, brandLine(), ...body),
  );
}

const title = (a: KbPublicArticleListItem) => (lang() === 'en' && a.titleEn ? a.titleEn : a.title);

/** Answers on one page of /s/help. */
const PAGE_SIZE = 20;

/**
 * /s/help: search and categories, published public articles. Search, category and the next page are plain links and
 * a GET form (`?q=…&c=…&cursor=…`, the cursor being the list's `nextCursor`): each answer is its own small page load,
 * and the back button works as people expect (it is also the way to the previous page).
 */
export function renderHelp(root: HTMLElement): void {
  const params = new URLSearchParams(window.location.search);
  const q = params.get('q')?.trim() ?? '';
  const categoryId = params.get('c') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const href = (next: { q?: string; c?: string; cursor?: string | null }) => {
    const p = new URLSearchParams();
    if (next.q) p.set('q', next.q);
    if (next.c) p.set('c', next.c);
    if (next.cursor) p.set('cursor', next.cursor);
    const s = p.toString();
    return s ? `/s/help?${s}` : '/s/help';
  };

  const search = h(
    'form',
    { class: 'search', action: '/s/help', method: 'get', role: 'search', 'data-testid': 'help-search' },
    h('input', { type: 'search', name: 'q', value: q, maxlength: 200, placeholder: t('help.search'), 'aria-label': t('help.search'), enterkeyhint: 'search' }),
    categoryId ? h('input', { type: 'hidden', name: 'c', value: categoryId }) : null,
    h('button', { type: 'submit', class: 'btn primary' }, t('help.searchButton')),
  );
  const tags = h('nav', { class: 'tags' });
  const list = h('section', { class: 'card list' }, loading());
  fill(root, shell(search, tags, list));

  const tag = (label: string, c: string | undefined) => h('a', { class: c === categoryId ? 'tag on' : 'tag', href: href({ q, c }), 'aria-current': c === categoryId ? 'page' : undefined }, label);
  call<{ items: KbPublicCategory[] }>('GET', '/api/v1/public/kb/categories')
    .then(({ items }) => fill(tags, tag(t('help.all'), undefined), items.filter((c) => !c.parentId).map((c) => tag(lang() === 'en' && c.nameEn ? c.nameEn : c.name, c.id))))
    .catch(() => fill(tags, tag(t('help.all'), undefined)));

  // Later pages link back to the first; the next page, when there is one, is a link carrying its cursor.
  const first = cursor ? h('a', { href: href({ q, c: categoryId }), 'data-testid': 'help-first' }, t('help.first')) : null;
  call<KbPublicArticlePage>('GET', '/api/v1/public/kb/articles', { query: { q: q || undefined, categoryId, cursor, limit: String(PAGE_SIZE) } })
    .then(({ items, total, nextCursor }) => {
      const next = nextCursor ? h('a', { href: href({ q, c: categoryId, cursor: nextCursor }), rel: 'next', 'data-testid': 'help-next' }, `${t('help.next')} →`) : null;
      const pager = first || next ? h('nav', { class: 'pager' }, first, next) : null;
      if (!items.length) return fill(list, h('p', { class: 'empty' }, t('help.empty')), pager);
      fill(
        list,
        q ? h('p', { class: 'muted list-head' }, t('help.results', { n: total })) : null,
        h(
          'ul',
          null,
          items.map((a) => h('li', { 'data-testid': 'help-result' }, h('a', { href: `/s/help/${encodeURIComponent(a.id)}` }, title(a)), a.snippet ?? a.summary ? h('p', { class: 'muted' }, a.snippet ?? a.summary ?? '') : null)),
        ),
        pager,
      );
    })
    .catch((err: Error) => fill(list, h('p', { class: 'empty field-error' }, err.message), first ? h('nav', { class: 'pager' }, first) : null));
}

/** /s/help/:id: one public article. Markdown is turned into HTML by micromark (loaded only here), which escapes raw HTML and drops `javascript:` links. */
export function renderArticle(root: HTMLElement, id: string): void {
  const back = h(
    'a',
    {
      class: 'back',
      href: '/s/help',
      onclick: (e: Event) => {
        if (window.history.length > 1 && document.referrer.startsWith(window.location.origin)) {
          e.preventDefault();
          window.history.back();
        }
      },
    },
    `← ${t('help.back')}`,
  );
  const body = h('div', null, loading());
  fill(root, shell(back, body));
  Promise.all([call<KbPublicArticle>('GET', `/api/v1/public/kb/articles/${encodeURIComponent(id)}`), import('micromark')])
    .then(([a, { micromark }]) => {
      let text: HTMLElement;
      if (a.bodyFormat === 'text') {
        text = h('p', { class: 'pre', 'data-testid': 'kb-body' }, a.body);
      } else {
        text = h('div', { class: 'kb-body', 'data-testid': 'kb-body' });
        // micromark's defaults are the safe ones: HTML in the text comes out escaped, dangerous URLs are dropped.
        text.innerHTML = micromark(a.body);
      }
      document.title = title(a);
      fill(
        body,
        h(
          'article',
          { class: 'card article' },
          h('h1', { 'data-testid': 'help-article-title' }, title(a)),
          h('p', { class: 'muted small' }, t('help.updated', { date: formatDateTime(a.updatedAt) })),
          a.summary ? h('p', null, a.summary) : null,
          text,
        ),
      );
    })
    .catch(() => fill(body, result('warning', t('help.notFound'))));
}
