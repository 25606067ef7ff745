import {
  ATTACHMENT_MAX_BYTES,
  ATTACHMENT_TYPES,
  ATTACHMENTS_PER_TICKET,
  TICKET_LIMITS,
  type PublicSubmitResult,
} from '../../../src/modules/tickets/tickets.contract';
import { TICKET_TYPES } from '../../../src/modules/tickets/sla/sla.contract';
import { alertBox, fill, h } from './dom';
import { lang, t } from './i18n';
import { call, Problem, uuid, submitter } from './http';
import { dyn, field, frame, result } from './ui';

type Category = { id: string; parentId: string | null; nameZh: string; nameEn: string };

/** Categories as a tree in a flat list (children indented), in the page's language. */
function categoryOptions(categories: Category[]): HTMLOptionElement[] {
  const out: HTMLOptionElement[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const c of categories.filter((x) => x.parentId === parent)) {
      out.push(h('option', { value: c.id }, `${'　'.repeat(depth)}${lang() === 'en' ? c.nameEn || c.nameZh : c.nameZh}`));
      if (depth < 5) walk(c.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/** /s/report: a household reports a problem; images are uploaded after the ticket exists, with its token. */
export function renderReport(root: HTMLElement): void {
  const input = (id: string, attrs: Record<string, string | number | boolean>) => h('input', { id, name: id.slice(2), ...attrs });
  const name = input('f-name', { maxlength: TICKET_LIMITS.name, autocomplete: 'name', required: true });
  const phone = input('f-phone', { maxlength: 30, inputmode: 'tel', type: 'tel', autocomplete: 'tel', required: true });
  // The compound, building, unit and room help the agent find the household when the phone is not on file.
  const address = input('f-address', { maxlength: TICKET_LIMITS.address, autocomplete: 'street-address', placeholder: t('tk.pub.addressPlaceholder') });
  const category = h('select', { id: 'f-categoryId', name: 'categoryId', 'data-testid': 'report-category' }, h('option', { value: '' }, ''));
  const description = h('textarea', { id: 'f-description', name: 'description', rows: 5, maxlength: TICKET_LIMITS.description, required: true });
  const types = h(
    'div',
    { class: 'segmented', role: 'radiogroup', 'aria-labelledby': 'f-type-label' },
    TICKET_TYPES.map((x) => h('label', null, h('input', { type: 'radio', name: 'type', value: x, checked: x === 'complaint' }), h('span', null, t(dyn(`tk.type.${x}`))))),
  );

  const fields = {
    name: field('f-name', t('tk.pub.name'), name, { required: true }),
    phone: field('f-phone', t('tk.pub.phone'), phone, { required: true }),
    address: field('f-address', t('tk.pub.address'), address),
    type: field('f-type', t('tk.pub.type'), types),
    categoryId: field('f-categoryId', t('tk.pub.category'), category),
    description: field('f-description', t('tk.pub.description'), description, { required: true, count: TICKET_LIMITS.description }),
  };
  fields.type.wrap.querySelector('.label')?.setAttribute('id', 'f-type-label');

  // Images: chosen here, checked here (type, size, count), sent once the ticket exists.
  const files: File[] = [];
  const fileInput = h('input', { type: 'file', accept: ATTACHMENT_TYPES.join(','), class: 'visually-hidden', tabindex: -1, 'data-testid': 'report-file' });
  const fileList = h('div', { class: 'files' });
  const addImage = h('button', { type: 'button', class: 'btn small', onclick: () => fileInput.click() }, `＋ ${t('tk.pub.addImage')}`);
  const images = field('f-images', t('tk.pub.images'), h('div', null, fileList, addImage, fileInput));
  const drawFiles = () => {
    fill(
      fileList,
      files.map((f, i) =>
        h(
          'button',
          {
            type: 'button',
            class: 'btn small',
            'aria-label': t('pub.removeImage', { name: f.name }),
            onclick: () => {
              files.splice(i, 1);
              drawFiles();
            },
          },
          `${f.name} ✕`,
        ),
      ),
    );
    addImage.hidden = files.length >= ATTACHMENTS_PER_TICKET;
  };
  fileInput.addEventListener('change', () => {
    const f = fileInput.files?.[0];
    fileInput.value = '';
    images.setError(null);
    if (!f) return;
    if (!(ATTACHMENT_TYPES as readonly string[]).includes(f.type)) return images.setError(t('tk.pub.imageType'));
    if (f.size > ATTACHMENT_MAX_BYTES) return images.setError(t('tk.pub.imageSize'));
    if (files.length < ATTACHMENTS_PER_TICKET) files.push(f);
    drawFiles();
  });

  const errors = alertBox('error');
  const submit = h('button', { type: 'submit', class: 'btn primary block large', 'data-testid': 'report-submit' }, t('tk.pub.submit'));
  const form = h(
    'form',
    { novalidate: true, 'data-testid': 'report-form' },
    Object.values(fields).map((f) => f.wrap),
    images.wrap,
    submit,
  );
  const sending = submitter(submit, { busyText: t('pub.submitting'), once: true });
  form.addEventListener('input', () => sending.reset());

  const required = [
    ['name', name, 'tk.pub.name'],
    ['phone', phone, 'tk.pub.phone'],
    ['description', description, 'tk.pub.description'],
  ] as const;

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    errors.show([]);
    Object.values(fields).forEach((f) => f.setError(null));
    const missing = required.filter(([, el]) => !el.value.trim());
    for (const [key, , label] of missing) fields[key].setError(t('pub.required', { label: t(label) }));
    if (missing.length) return missing[0]![1].focus();
    const body = {
      name: name.value,
      phone: phone.value,
      address: address.value.trim() ? address.value : undefined,
      type: (form.querySelector('input[name="type"]:checked') as HTMLInputElement | null)?.value ?? 'complaint',
      categoryId: category.value || undefined,
      description: description.value,
    };
    void sending
      .run((key) => call<PublicSubmitResult>('POST', '/api/v1/public/tickets', { body, idempotencyKey: key }))
      .then(async (made) => {
        if (!made) return;
        const failed: string[] = [];
        for (const f of files) {
          try {
            await call('POST', `/api/v1/public/tickets/${encodeURIComponent(made.token)}/attachments`, { file: f, query: { name: f.name }, idempotencyKey: uuid() });
          } catch (err) {
            failed.push(t('tk.pub.uploadFailed', { name: f.name, error: (err as Error).message }));
          }
        }
        fill(root, done(made, failed));
        window.scrollTo(0, 0);
      })
      .catch((err: unknown) => {
        const leftover: string[] = [];
        if (err instanceof Problem) {
          for (const fe of err.errors) {
            const f = fields[fe.field as keyof typeof fields];
            if (f) f.setError(fe.message);
            else leftover.push(fe.message);
          }
          if (!err.errors.length) leftover.push(err.message);
        } else leftover.push(String(err));
        errors.show(leftover);
        (form.querySelector('[aria-invalid="true"]') as HTMLElement | null)?.focus();
        if (leftover.length) errors.scrollIntoView({ block: 'center' });
      });
  });

  fill(root, frame(t('tk.pub.reportTitle'), h('p', { class: 'muted' }, t('tk.pub.reportIntro')), errors, form));

  call<{ items: Category[] }>('GET', '/api/v1/public/ticket-categories')
    .then(({ items }) => category.append(...categoryOptions(items)))
    .catch(() => {
      // no categories: the form works without one
    });
}

/** After the report: its number, the follow link to keep, and any image that did not go through. */
function done(made: PublicSubmitResult, uploadErrors: string[]): HTMLElement {
  const url = `${window.location.origin}${made.followUrl}`;
  const copy = h('button', { type: 'button', class: 'btn small' }, t('pub.copy'));
  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(url).then(() => (copy.textContent = t('pub.copied')));
  });
  return frame(
    t('tk.pub.reportTitle'),
    result(
      'success',
      h('span', { 'data-testid': 'report-done' }, t('tk.pub.submitted', { number: made.number })),
      h('p', { class: 'muted' }, t('tk.pub.keepLink')),
      h('p', { class: 'link-box' }, h('span', { class: 'url' }, url), ' ', navigator.clipboard ? copy : null),
      h('a', { class: 'btn primary large', href: made.followUrl, 'data-testid': 'follow-link' }, t('tk.pub.follow')),
    ),
    uploadErrors.map((e) => h('div', { class: 'alert warning', role: 'alert' }, e)),
  );
}
