/**
 * Field grants (issue #18) in message texts. A template variable that renders a customer field a role may hide
 * (variables.ts `VARIABLE_FIELDS`: `{{points}}`) shows 「（无权查看）」 in a preview for such a role; the message goes
 * out with the real value, the outbox row keeps where it landed (`messages.field_spans`: positions, no values), and
 * every view of the message for such a role shows those spans as 「（无权查看）」 in the caller's language.
 */
import { ALWAYS_VISIBLE_FIELDS } from '../../platform/auth/field-access.js';
import type { Actor } from '../../platform/auth/permissions.js';
import { t, type Locale } from '../../platform/i18n/index.js';
import { customerFields } from '../customers/index.js';
import type { TemplateVariable } from './messages.contract.js';
import type { MessageRow } from './messages.repository.js';
import { maskSpans, VARIABLE_FIELDS, type FieldSpan, type StoredSpans } from './variables.js';

/** A field some role may hide: every field but the always-visible ones (name, owner …). */
export const hideable = (field: string): boolean => !ALWAYS_VISIBLE_FIELDS.includes(field);

/** The `field_spans` of a message with these final texts (the body with its opt-out footer, which comes after). */
export function storedSpans(r: { spans: { subject: FieldSpan[]; body: FieldSpan[] } }, subject: string | null, body: string): StoredSpans | null {
  if (!r.spans.subject.length && !r.spans.body.length) return null;
  return {
    ...(r.spans.subject.length && subject !== null ? { subject: { length: subject.length, spans: r.spans.subject } } : {}),
    ...(r.spans.body.length ? { body: { length: body.length, spans: r.spans.body } } : {}),
  };
}

/** A message's subject and body as a caller sees them. The customer got — and the database keeps — the real text. */
export type TextShown = (r: Pick<MessageRow, 'subject' | 'body' | 'fieldSpans'>) => { subject: string | null; body: string };

/** The texts with each span of a field not `visible` shown as 「（无权查看）」 (in `locale`). */
export function textShown(visible: (field: string) => boolean, locale: Locale): TextShown {
  const placeholder = t(locale, 'messages.field_hidden');
  return (r) => ({
    subject: r.subject === null ? null : maskSpans(r.subject, r.fieldSpans?.subject, visible, placeholder),
    body: maskSpans(r.body, r.fieldSpans?.body, visible, placeholder),
  });
}

export const textShownTo = (actor: Actor): TextShown => textShown(customerFields(actor).visible, actor.locale);

/** A preview for a caller: the variables whose field the caller's role does not see, rendered as a placeholder. */
export type PreviewMask = { hidden: (variable: TemplateVariable) => boolean; placeholder: string };

/** The variables a caller's role may not see the field of (none for the always-visible ones), as a preview mask. */
export function previewMaskOf(actor: Actor): PreviewMask {
  const fields = customerFields(actor);
  return {
    hidden: (variable) => {
      const field = VARIABLE_FIELDS[variable];
      return !!field && !fields.visible(field);
    },
    placeholder: t(actor.locale, 'messages.field_hidden'),
  };
}
