import { PUBLIC_REOPEN_DAYS, TICKET_LIMITS, type PublicTicketView } from '../../../src/modules/tickets/tickets.contract';
import { fill, h } from './dom';
import { formatDateTime, t } from './i18n';
import { call, submitter } from './http';
import { dyn, frame, loading, result } from './ui';

const STEPS = ['new', 'in_progress', 'resolved'] as const;
const stepOf = (s: PublicTicketView['status']) => (s === 'new' ? 0 : s === 'resolved' || s === 'closed' ? 2 : 1);

/** /s/t/:token: the household follows its ticket (status, replies, outcome), adds a message, rates it, reopens it. */
export function renderFollow(root: HTMLElement, token: string): void {
  const base = `/api/v1/public/tickets/${encodeURIComponent(token)}`;
  fill(root, loading());
  call<PublicTicketView>('GET', base)
    .then((tk) => draw(tk))
    .catch(() => fill(root, frame(t('tk.pub.reportTitle'), result('warning', t('tk.pub.invalid')))));

  function draw(tk: PublicTicketView): void {
    const current = stepOf(tk.status);
    fill(
      root,
      frame(
        t('tk.pub.followTitle', { number: tk.number }),
        h(
          'div',
          { class: 'stack', 'data-testid': 'follow-page', 'data-status': tk.status },
          h('ol', { class: 'steps' }, STEPS.map((s, i) => h('li', { class: i < current ? 'done' : i === current ? 'current' : undefined, 'aria-current': i === current ? 'step' : undefined }, t(dyn(`tk.status.${s}`))))),
          h(
            'section',
            null,
            h('div', { class: 'muted small' }, `${t(dyn(`tk.type.${tk.type}`))} · ${tk.category ?? ''} · ${formatDateTime(tk.createdAt)}`),
            h('h2', null, t('tk.pub.yourReport')),
            h('p', { class: 'pre', 'data-testid': 'follow-description' }, tk.description),
            tk.attachments.length
              ? h(
                  'div',
                  { class: 'thumbs' },
                  tk.attachments.map((a) => {
                    const src = `${base}/attachments/${a.id}`;
                    return h('a', { href: src, target: '_blank', rel: 'noopener', 'aria-label': t('pub.viewImage', { name: a.fileName }) }, h('img', { src, alt: a.fileName, width: 80, height: 80, loading: 'lazy' }));
                  }),
                )
              : null,
          ),
          h(
            'section',
            null,
            h('h2', null, t('tk.pub.replies')),
            tk.replies.length
              ? tk.replies.map((r) =>
                  h(
                    'div',
                    { class: `bubble ${r.from}`, 'data-testid': 'follow-reply', 'data-from': r.from },
                    h('div', { class: 'muted small' }, `${r.from === 'customer' ? t('tk.pub.you') : t('tk.pub.agent')} · ${formatDateTime(r.at)}`),
                    h('p', { class: 'pre', 'data-testid': 'follow-reply-body' }, r.body),
                  ),
                )
              : h('p', { class: 'muted' }, t('tk.pub.noReplies')),
          ),
          tk.solution ? h('section', null, h('h2', null, t('tk.pub.solution')), h('p', { class: 'pre' }, tk.solution)) : null,
          tk.canReply ? messageForm('reply') : null,
          tk.canRate ? rateForm() : null,
          tk.rating !== null
            ? h(
                'section',
                { class: 'box', 'data-testid': 'follow-rated' },
                h('h3', null, t('tk.pub.yourRating')),
                h('div', { class: 'stars static', role: 'img', 'aria-label': t('pub.stars', { n: tk.rating }) }, [1, 2, 3, 4, 5].map((n) => h('span', { class: n <= tk.rating! ? 'on' : undefined }, '★'))),
                tk.ratingComment ? h('p', { class: 'pre' }, tk.ratingComment) : null,
                h('p', { class: 'success' }, t('tk.pub.thanks')),
              )
            : null,
          tk.canReopen ? messageForm('reopen') : null,
        ),
      ),
    );
  }

  /** A message from the household (an open ticket) or, once resolved, a reopen with its reason. */
  function messageForm(kind: 'reply' | 'reopen'): HTMLElement {
    const text = h('textarea', {
      rows: 3,
      maxlength: kind === 'reply' ? TICKET_LIMITS.publicReply : TICKET_LIMITS.comment,
      placeholder: kind === 'reply' ? t('tk.pub.replyPlaceholder') : t('tk.pub.reopenPlaceholder'),
      'aria-label': kind === 'reply' ? t('tk.pub.replyTitle') : t('tk.pub.reopenTitle'),
      'data-testid': `follow-${kind}-text`,
    });
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const button = h('button', { type: 'submit', class: `btn block ${kind === 'reply' ? 'primary' : ''}`, disabled: true, 'data-testid': `follow-${kind}-submit` }, kind === 'reply' ? t('tk.pub.replySend') : t('tk.pub.reopen'));
    const sending = submitter(button, { busyText: t('pub.submitting'), enabled: () => !!text.value.trim() });
    text.addEventListener('input', () => {
      sending.reset();
      if (!sending.pending) button.disabled = !text.value.trim();
    });
    const form = h(
      'form',
      { class: 'box', 'data-testid': `follow-${kind}-form` },
      h('h3', null, kind === 'reply' ? t('tk.pub.replyTitle') : t('tk.pub.reopenTitle')),
      kind === 'reopen' ? h('p', { class: 'muted small' }, t('tk.pub.reopenHint', { days: PUBLIC_REOPEN_DAYS })) : null,
      text,
      error,
      button,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      error.hidden = true;
      void sending
        .run((key) => call<PublicTicketView>('POST', `${base}/${kind === 'reply' ? 'replies' : 'reopen'}`, { body: kind === 'reply' ? { body: text.value } : { reason: text.value }, idempotencyKey: key }))
        .then((tk) => tk && draw(tk))
        .catch((err: Error) => {
          error.textContent = err.message;
          error.hidden = false;
        });
    });
    return form;
  }

  /** 1–5 stars (big enough for a thumb) and an optional comment; sent once. */
  function rateForm(): HTMLElement {
    let rating = 0;
    const starButtons = [1, 2, 3, 4, 5].map((n) =>
      h(
        'button',
        {
          type: 'button',
          role: 'radio',
          'aria-checked': 'false',
          'aria-label': t('pub.stars', { n }),
          onclick: () => {
            rating = n;
            starButtons.forEach((b, i) => {
              b.classList.toggle('on', i < n);
              b.setAttribute('aria-checked', String(i + 1 === n));
            });
            if (!sending.pending) button.disabled = false;
          },
        },
        '★',
      ),
    );
    const stars = h('ul', { class: 'stars', role: 'radiogroup', 'aria-label': t('tk.pub.rateTitle'), 'data-testid': 'rate-stars' }, starButtons.map((b) => h('li', null, b)));
    const comment = h('textarea', { rows: 3, maxlength: TICKET_LIMITS.comment, placeholder: t('tk.pub.comment'), 'aria-label': t('tk.pub.comment'), 'data-testid': 'rate-comment' });
    const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const button = h('button', { type: 'submit', class: 'btn primary block', disabled: true, 'data-testid': 'rate-submit' }, t('tk.pub.rate'));
    const sending = submitter(button, { busyText: t('pub.submitting'), enabled: () => rating > 0, once: true });
    const form = h('form', { class: 'box', 'data-testid': 'rate-form' }, h('h3', null, t('tk.pub.rateTitle')), stars, comment, error, button);
    form.addEventListener('input', () => sending.reset());
    stars.addEventListener('click', () => sending.reset());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!rating) return;
      error.hidden = true;
      void sending
        .run((key) => call<PublicTicketView>('POST', `${base}/rating`, { body: { rating, comment: comment.value }, idempotencyKey: key }))
        .then((tk) => tk && draw(tk))
        .catch((err: Error) => {
          error.textContent = err.message;
          error.hidden = false;
        });
    });
    return form;
  }
}
