/**
 * The household's public pages, a small page of their own (no React, no antd: a few KB, so a phone on a slow network
 * or inside WeChat shows the form at once). The server sends public.html for every /s/* address; this picks the page.
 */
import './public.css';
import { fill, h } from './dom';
import { t } from './i18n';
import { renderArticle, renderHelp } from './help';
import { renderFollow } from './follow';
import { renderReport } from './report';
import { call } from './http';
import { brandLine, frame, onLanguageChange, result, setBranding, type Branding } from './ui';

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a mangled link: the server answers "not found"
  }
};

function route(): void {
  const root = document.getElementById('app')!;
  const path = window.location.pathname.replace(/\/+$/, '');
  const follow = /^\/s\/t\/([^/]+)$/.exec(path);
  const article = /^\/s\/help\/([^/]+)$/.exec(path);
  if (path === '/s/report') renderReport(root);
  else if (follow) renderFollow(root, decode(follow[1]!));
  else if (path === '/s/help') renderHelp(root);
  else if (article) renderArticle(root, decode(article[1]!));
  else fill(root, frame(t('pub.notFound'), result('warning', t('pub.notFound'), h('a', { class: 'btn', href: '/s/help' }, t('help.title')))));
}

onLanguageChange(route);
route();
// The company's name, logo and hotline: the page is drawn at once; the line is put on top of it when they arrive (not
// a redraw: what the household typed stays), and every page drawn later has it. A failure leaves it out.
void call<Branding>('GET', '/api/v1/public/branding')
  .then((b) => {
    setBranding(b);
    const card = document.querySelector('.frame > .card, .help-main');
    const line = brandLine();
    if (card && line && !card.querySelector('.brand')) card.prepend(line);
  })
  .catch(() => undefined);
