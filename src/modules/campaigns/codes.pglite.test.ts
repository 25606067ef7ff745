/**
 * Coupon codes (codes.ts), pure: a million codes in one call are distinct, in the alphabet and well formed; the check
 * symbol catches every single substitution and every adjacent transposition; what people type is normalised.
 */
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, formatCode, generateCodes, isWellFormed, normalizeCode, validSharedCode } from './codes.js';

const SHAPE = /^[2-9A-HJ-NP-Z]{10}$/;

describe('generateCodes', () => {
  it('1,000,000 codes in one call: distinct, in the alphabet, well formed', () => {
    const codes = generateCodes(1_000_000);
    expect(codes).toHaveLength(1_000_000);
    expect(new Set(codes).size).toBe(1_000_000);
    let bad = 0;
    for (const c of codes) if (!SHAPE.test(c) || !isWellFormed(c)) bad++;
    expect(bad).toBe(0);
  });

  it('every symbol is used about equally (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (const c of generateCodes(20_000)) for (const ch of c.slice(0, 9)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // 180,000 symbols: 5,625 expected each, SD ≈ 74; ±8 SD.
    for (const n of counts.values()) expect(Math.abs(n - 5625)).toBeLessThan(600);
  });

  it('edge cases: zero codes, excluded codes, bad counts', () => {
    expect(generateCodes(0)).toEqual([]);
    const first = generateCodes(1000);
    const more = generateCodes(1000, { exclude: new Set(first) });
    expect(more.some((c) => first.includes(c))).toBe(false);
    expect(() => generateCodes(-1)).toThrow(RangeError);
    expect(() => generateCodes(1.5)).toThrow(RangeError);
    expect(() => generateCodes(10_000_001)).toThrow(RangeError);
  });
});

describe('isWellFormed', () => {
  const sample = generateCodes(1000);

  it('every single substitution of 1,000 codes fails (310 each)', () => {
    let checked = 0;
    for (const code of sample) {
      for (let i = 0; i < code.length; i++) {
        for (const ch of CODE_ALPHABET) {
          if (ch === code[i]) continue;
          const typo = code.slice(0, i) + ch + code.slice(i + 1);
          if (isWellFormed(typo)) expect(typo).toBe(`rejected (a substitution of ${code})`);
          checked++;
        }
      }
    }
    expect(checked).toBe(1000 * 10 * 31);
  });

  it('every adjacent transposition of 1,000 codes fails (check symbol included)', () => {
    let checked = 0;
    for (const code of sample) {
      for (let i = 0; i + 1 < code.length; i++) {
        if (code[i] === code[i + 1]) continue;
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        if (isWellFormed(swapped)) expect(swapped).toBe(`rejected (a transposition of ${code})`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8000);
  });

  it('all pairs of adjacent symbols, exhaustively, at every position of one code', () => {
    // Stronger than sampling: for each position and each pair a ≠ b, the code with "ab" there is made well formed by
    // its check symbol, and "ba" must then fail.
    const base = sample[0]!;
    for (let i = 0; i + 1 < 9; i++) {
      for (const a of CODE_ALPHABET) {
        for (const b of CODE_ALPHABET) {
          if (a === b) continue;
          const body = base.slice(0, i) + a + b + base.slice(i + 2, 9);
          const check = [...CODE_ALPHABET].find((c) => isWellFormed(body + c))!;
          expect(check).toBeDefined();
          const swapped = body.slice(0, i) + b + a + body.slice(i + 2);
          if (isWellFormed(swapped + check)) expect(swapped + check).toBe('rejected');
        }
      }
    }
  });

  it('wrong length or foreign characters fail', () => {
    const code = sample[1]!;
    expect(isWellFormed(code)).toBe(true);
    expect(isWellFormed(code.slice(0, 9))).toBe(false);
    expect(isWellFormed(code + '2')).toBe(false);
    expect(isWellFormed(code.toLowerCase())).toBe(false);
    expect(isWellFormed(formatCode(code))).toBe(false);
    expect(isWellFormed('')).toBe(false);
    expect(isWellFormed('0000000000')).toBe(false);
    expect(isWellFormed(code.slice(0, 4) + 'é' + code.slice(5))).toBe(false);
  });
});

describe('normalizeCode, formatCode', () => {
  it('canonical form: upper case, no whitespace or dashes', () => {
    expect(normalizeCode(' abcd-efgh2 ')).toBe('ABCDEFGH2');
    expect(normalizeCode('abcde fghjk')).toBe('ABCDEFGHJK');
    expect(normalizeCode('\tAB-CD\n-EF ')).toBe('ABCDEF');
    expect(normalizeCode('ＡＢＣＤＥ－ＦＧＨＪＫ')).toBe('ABCDEFGHJK'); // full width, from an IME
    expect(normalizeCode('abcde—fghjk')).toBe('ABCDEFGHJK'); // em dash
    expect(normalizeCode('')).toBe('');
  });

  it('null for characters never issued (0, O, 1, I) or outside the alphabet', () => {
    for (const s of ['ABCD0', 'ABCDO', 'abcdo', 'ABCD1', 'ABCDI', 'abcdi', 'ABC_D', 'ABC.D', '优惠券ABC', 'ABCé']) {
      expect(normalizeCode(s)).toBeNull();
    }
  });

  it('round trip: format for display, normalise back, still well formed', () => {
    for (const code of generateCodes(100)) {
      const shown = formatCode(code);
      expect(shown).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/);
      expect(normalizeCode(shown.toLowerCase())).toBe(code);
      expect(isWellFormed(normalizeCode(` ${shown} `)!)).toBe(true);
    }
    expect(formatCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
  });
});

describe('validSharedCode', () => {
  it('4–20 letters and digits after normalisation, any letter or digit', () => {
    expect(validSharedCode('WINTER2026')).toBe('WINTER2026');
    expect(validSharedCode(' winter-2026 ')).toBe('WINTER2026');
    expect(validSharedCode('ＶＩＰ１')).toBe('VIP1');
    expect(validSharedCode('GO10')).toBe('GO10');
    expect(validSharedCode('A'.repeat(20))).toBe('A'.repeat(20));
  });

  it('null when too short, too long or with other characters', () => {
    for (const s of ['', 'AB1', 'A-B-C', 'A'.repeat(21), 'WINTER_2026', 'WINTER!', '冬季2026', 'SALE%']) {
      expect(validSharedCode(s)).toBeNull();
    }
  });
});
