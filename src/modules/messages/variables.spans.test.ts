/**
 * Field grants (issue #18) in message texts: where `render` records the values of hideable customer fields, and how
 * `maskSpans` shows them to a role that does not see the field (end to end: customers/field-access.derived.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { TemplateVariable } from './messages.contract.js';
import { maskSpans, render, type FieldSpan } from './variables.js';

describe('field spans of rendered texts', () => {
  it('records where a hideable field’s value landed, and masks exactly that', () => {
    const spans: FieldSpan[] = [];
    const text = render('{{name}}您好，积分{{points}}，{{company}}', { name: '乔路', points: '1280', company: '暖心热力' }, new Set(), {
      spans,
      hideable: (f) => f !== 'name',
    });
    expect(text).toBe('乔路您好，积分1280，暖心热力');
    expect(spans).toEqual([['custom.points', 7, 11]]);
    const stored = { length: text.length, spans };
    expect(maskSpans(text, stored, () => false, '（无权查看）')).toBe('乔路您好，积分（无权查看），暖心热力');
    expect(maskSpans(text, stored, () => true, '（无权查看）')).toBe(text);
  });

  it('a hidden variable renders as the placeholder and is not reported missing', () => {
    const missing = new Set<TemplateVariable>();
    expect(render('积分{{points}}', { points: null }, missing, { hidden: (v) => v === 'points', placeholder: '（无权查看）' })).toBe('积分（无权查看）');
    expect([...missing]).toEqual([]);
  });

  it('spans of a text rewritten since it was written (erased) do not apply', () => {
    const stored = { length: 10, spans: [['custom.points', 4, 8]] as FieldSpan[] };
    expect(maskSpans('积分为：8675分', stored, () => false, '*')).toBe('积分为：8675分'); // 9 long: rewritten
    expect(maskSpans('积分为：8675分。', stored, () => false, '*')).toBe('积分为：*分。');
    expect(maskSpans('积分为：8675分。', stored, () => true, '*')).toBe('积分为：8675分。');
  });
});
