/**
 * The core of the CLI contract `hearth feedback analyse --input FILE --format json`: plain lines or a TSV with a `text`
 * column in, one object per text out, in order. Pure functions, no database: the file runs once, in the
 * embedded-database suite.
 */
import { describe, expect, it } from 'vitest';
import { analyseFeedbackFile, readFeedbackTexts } from './index.js';

describe('the CLI contract’s core', () => {
  it('reads one text per line, keeping empty lines in place', () => {
    expect(readFeedbackTexts('\uFEFF暖气不热\r\n\n一点也不冷\n')).toEqual(['暖气不热', '', '一点也不冷']);
    expect(readFeedbackTexts('')).toEqual([]);
  });

  it('reads the text column of a TSV, wherever it is', () => {
    expect(readFeedbackTexts('id\tText\tphone\n1\t暖气漏水\t138\n2\t谢谢师傅\t')).toEqual(['暖气漏水', '谢谢师傅']);
    expect(readFeedbackTexts('text\n请问什么时候供暖')).toEqual(['请问什么时候供暖']);
    expect(readFeedbackTexts('a\tb\n1\t2')).toEqual(['a\tb', '1\t2']); // no text column: plain lines
  });

  it('answers one object per text, in order, with the contract’s fields only', () => {
    const out = analyseFeedbackFile('家里暖气片漏水了，地板都泡了\n暖气很热，谢谢师傅\n请问什么时候开始供暖？\n');
    expect(out).toHaveLength(3);
    for (const o of out) {
      expect(Object.keys(o).sort()).toEqual(['category', 'keywords', 'score', 'sentiment']);
      expect(o.score).toBeGreaterThanOrEqual(0);
      expect(o.score).toBeLessThanOrEqual(1);
    }
    expect(out[0]).toMatchObject({ sentiment: 'neg', category: '漏水' });
    expect(out[0]!.keywords).toContain('漏水');
    expect(out[1]!.sentiment).toBe('pos');
    expect(out[2]!.sentiment).toBe('neu');
    const line = JSON.stringify(out);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual(out);
  });
});
