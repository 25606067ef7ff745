/**
 * The HTML of the member's page (会员中心, issue #16 part 4): server-rendered strings, no script at all (links and
 * plain forms, so it works with JavaScript off and in WeChat's in-app browser), ~2 KB of inline CSS, system fonts,
 * one column up to 560 px, tap targets at least 44 px high. The referral QR code is inline SVG (the `qrcode` package,
 * as the survey codes), so the page loads nothing else. Every text that comes from data (names, reasons, rewards)
 * goes through `esc()`.
 */
import { t, type Locale, type MessageKey, type MessageParams } from '../../platform/i18n/index.js';
import type { LedgerEntryView, LocalText, MemberView, RewardView } from './loyalty.contract.js';
import { BRAND_SLOT } from '../settings/index.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const textOf = (lang: Locale, text: LocalText | undefined): string => (text ? (lang === 'en' && text.en ? text.en : text.zh) : '');

const num = (n: number) => new Intl.NumberFormat('en-US').format(n);

const CSS = `*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f5f5f5;color:#1f1f1f;font:16px/1.55 -apple-system,BlinkMacSystemFont,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC',Roboto,Arial,sans-serif}
main{max-width:560px;margin:0 auto;padding:12px}.card{background:#fff;border-radius:8px;padding:16px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h1{font-size:19px;margin:0 0 4px;line-height:1.35}h2{font-size:16px;margin:0 0 10px}p{margin:0 0 8px}
.muted{color:#6b6b6b;font-size:14px}.lang{text-align:right;font-size:14px;margin:0 0 6px}a{color:#1668dc;text-decoration:none}
.hero{background:linear-gradient(135deg,#1d3f72,#1668dc);color:#fff}.hero .muted{color:#dbe7ff}
.tier{display:inline-block;font-size:13px;padding:1px 10px;border-radius:10px;background:rgba(255,255,255,.2);margin:0 0 10px}
.pts{font-size:36px;font-weight:600;line-height:1.2}.bar{height:6px;background:rgba(255,255,255,.25);border-radius:3px;margin:10px 0 6px}
.bar i{display:block;height:6px;background:#ffd666;border-radius:3px}
.row{display:flex;align-items:center;justify-content:space-between;padding:10px 0;border-top:1px solid #f0f0f0}.row:first-of-type{border-top:0}
.row>div{min-width:0;flex:1}.row b{font-weight:600}.plus{color:#389e0d;white-space:nowrap;margin-left:10px}.minus{color:#cf1322;white-space:nowrap;margin-left:10px}
.warn{color:#d46b08}form{margin:0 0 0 10px}
button{font:inherit;font-size:15px;min-height:44px;min-width:76px;padding:0 16px;border:0;border-radius:6px;background:#1668dc;color:#fff}
button[disabled]{background:#d9d9d9;color:#6b6b6b}
.qr{text-align:center}.qr svg{width:176px;height:176px}.code{font-size:20px;letter-spacing:2px;font-weight:600}.url{word-break:break-all;font-size:13px}
.done{text-align:center;padding:20px 0}.done .icon{width:56px;height:56px;line-height:56px;margin:0 auto 12px;border-radius:50%;background:#52c41a;color:#fff;font-size:30px}
.done.no .icon{background:#faad14}.done a{display:inline-block;padding:12px 8px}`;

/** The whole document: the page's own CSS inline, nothing else to load. */
export function layout(lang: Locale, title: string, body: string): string {
  return (
    `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="format-detection" content="telephone=no">` +
    `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${CSS}</style></head>` +
    `<body><main>${BRAND_SLOT}${body}</main></body></html>`
  );
}

const m = (lang: Locale, key: MessageKey, params?: MessageParams) => esc(t(lang, key, params));

/** A page with no form: a refused link, the result of a redemption, an error; a link back when there is one. */
export function messagePage(lang: Locale, o: { title: string; text: string; ok?: boolean; backHref?: string | null }): string {
  return layout(
    lang,
    o.title,
    `<div class="card"><div class="done${o.ok ? '' : ' no'}" role="${o.ok ? 'status' : 'alert'}"><div class="icon">${o.ok ? '✓' : '!'}</div><h1>${esc(o.title)}</h1>` +
      (o.text ? `<p>${esc(o.text)}</p>` : '') +
      (o.backHref ? `<a href="${esc(o.backHref)}">‹ ${m(lang, 'loyalty_public.back')}</a>` : '') +
      `</div></div>`,
  );
}

export type RewardOffer = { reward: RewardView; affordable: boolean };

export type MemberPage = {
  lang: Locale;
  member: MemberView;
  benefits: string;
  rewards: RewardOffer[];
  entries: LedgerEntryView[];
  referral: { code: string; url: string; svg: string; referrerPoints: number; refereePoints: number };
  /** The redeem form's target (with ?lang= when chosen). */
  redeemAction: string;
  /** The member's latest ledger entry id when the page was drawn: a redemption is taken only while it still is. */
  after: number;
  /** The same page in the other language. */
  langHref: string;
  /** A timestamp as the company's calendar day (YYYY-MM-DD). */
  dayOf: (iso: string) => string;
  /** An expiry instant as the last day the points are good (the day before a start-of-day expiry). */
  lastDayOf: (iso: string) => string;
};

function heroCard(o: MemberPage): string {
  const { lang, member } = o;
  const next = member.nextTier;
  const progress = next
    ? `<div class="bar"><i style="width:${Math.min(100, Math.floor((member.growth / Math.max(next.threshold, 1)) * 100))}%"></i></div>` +
      `<p class="muted">${m(lang, 'loyalty_public.to_next', { needed: num(Math.max(0, next.threshold - member.growth)), tier: next.name, growth: num(member.growth), threshold: num(next.threshold) })}</p>`
    : `<p class="muted">${m(lang, 'loyalty_public.top_tier')}</p>`;
  return (
    `<div class="card hero"><h1>${esc(member.name)}</h1><p class="muted">${m(lang, 'loyalty_public.member_no', { no: member.memberNo })}</p>` +
    `<span class="tier" data-testid="member-tier">${esc(member.tierName)}</span>` +
    `<p class="muted">${m(lang, 'loyalty_public.balance')}</p><div class="pts" data-testid="member-balance">${num(member.balance)}</div>` +
    (member.debt > 0 ? `<p class="muted">${m(lang, 'loyalty_public.debt', { points: num(member.debt) })}</p>` : '') +
    progress +
    `</div>`
  );
}

function benefitsCard(o: MemberPage): string {
  const { lang } = o;
  const expiring = o.member.expiringSoon.length
    ? o.member.expiringSoon.map((x) => `<p class="warn">${m(lang, 'loyalty_public.expiring_item', { points: num(x.points), date: o.lastDayOf(x.expiresAt) })}</p>`).join('')
    : `<p class="muted">${m(lang, 'loyalty_public.expiring_none')}</p>`;
  return (
    `<div class="card"><h2>${m(lang, 'loyalty_public.benefits', { tier: o.member.tierName })}</h2><p>${esc(o.benefits || '—')}</p></div>` +
    `<div class="card" data-testid="member-expiring"><h2>${m(lang, 'loyalty_public.expiring')}</h2>${expiring}</div>`
  );
}

function rewardsCard(o: MemberPage): string {
  const { lang, member } = o;
  const rows = o.rewards.map(({ reward, affordable }) => {
    const name = textOf(lang, reward.name);
    const desc = textOf(lang, reward.description);
    const facts = [t(lang, 'loyalty_public.cost', { points: num(reward.pointsCost) }), ...(reward.stock !== null ? [t(lang, 'loyalty_public.stock', { stock: num(reward.stock) })] : [])].join(' · ');
    const action = affordable
      ? `<form method="post" action="${esc(o.redeemAction)}" accept-charset="utf-8"><input type="hidden" name="reward" value="${esc(reward.id)}"><input type="hidden" name="after" value="${o.after}">` +
        `<button type="submit" aria-label="${esc(`${t(lang, 'loyalty_public.redeem')} ${name}`)}">${m(lang, 'loyalty_public.redeem')}</button></form>`
      : `<form><button type="button" disabled>${m(lang, 'loyalty_public.redeem')}</button></form>`;
    return (
      `<div class="row" data-testid="reward"><div><b>${esc(name)}</b>${desc ? `<p class="muted">${esc(desc)}</p>` : ''}<p class="muted">${esc(facts)}</p>` +
      (affordable ? '' : `<p class="warn">${m(lang, 'loyalty_public.short', { points: num(reward.pointsCost - member.balance) })}</p>`) +
      `</div>${action}</div>`
    );
  });
  return `<div class="card" data-testid="member-rewards"><h2>${m(lang, 'loyalty_public.rewards')}</h2>${rows.join('') || `<p class="muted">${m(lang, 'loyalty_public.rewards_none')}</p>`}</div>`;
}

function historyCard(o: MemberPage): string {
  const { lang } = o;
  const rows = o.entries.map(
    (e) =>
      `<div class="row"><div><p>${esc(e.reason)}</p><p class="muted">${esc(o.dayOf(e.occurredAt))}</p></div>` +
      `<span class="${e.points > 0 ? 'plus' : 'minus'}">${e.points > 0 ? '+' : '−'}${num(Math.abs(e.points))}</span></div>`,
  );
  return (
    `<div class="card" data-testid="member-history"><h2>${m(lang, 'loyalty_public.history')}</h2>` +
    (rows.length ? `${rows.join('')}<p class="muted">${m(lang, 'loyalty_public.history_note', { n: rows.length })}</p>` : `<p class="muted">${m(lang, 'loyalty_public.history_none')}</p>`) +
    `</div>`
  );
}

function referralCard(o: MemberPage): string {
  const { lang } = o;
  const r = o.referral;
  return (
    `<div class="card" data-testid="member-referral"><h2>${m(lang, 'loyalty_public.referral')}</h2>` +
    `<p>${m(lang, 'loyalty_public.referral_text', { referrer: num(r.referrerPoints), referee: num(r.refereePoints) })}</p>` +
    `<p class="code">${m(lang, 'loyalty_public.referral_code', { code: r.code })}</p>` +
    `<div class="qr" role="img" aria-label="${m(lang, 'loyalty_public.qr_label')}">${r.svg}</div>` +
    `<p class="url"><a href="${esc(r.url)}">${esc(r.url)}</a></p></div>`
  );
}

/** The member's page: points and tier, benefits and expiring points, rewards with 兑换, the history, the referral. */
export function memberPage(o: MemberPage): string {
  const title = t(o.lang, 'loyalty_public.title');
  return layout(
    o.lang,
    title,
    `<p class="lang"><a href="${esc(o.langHref)}">${o.lang === 'en' ? '中文' : 'English'}</a></p>` +
      heroCard(o) +
      benefitsCard(o) +
      rewardsCard(o) +
      historyCard(o) +
      referralCard(o),
  );
}
