/**
 * Coupon codes: short, unguessable, easy to read aloud and to type, with a check symbol that catches typing mistakes
 * before any lookup.
 *
 * A unique code is 10 symbols of a 32-symbol alphabet without the lookalikes 0/O and 1/I
 * (`23456789ABCDEFGHJKLMNPQRSTUVWXYZ`): 9 random symbols (45 bits from crypto.randomBytes: 3.5·10¹³ codes, so with a
 * million issued a blind guess hits one with probability ≈ 3·10⁻⁸; redemption must still be rate-limited) and one
 * check symbol. Shown to people as `XXXXX-XXXXX` (formatCode); typed back in any case, with or without spaces and
 * dashes, even full-width (normalizeCode).
 *
 * The check symbol is Damm's algorithm (H. M. Damm, "Total anti-symmetrische Quasigruppen", 2004) over the
 * quasigroup x ∘ y = α·x + y of the field GF(32) (α a primitive element, + the field's addition, i.e. XOR): the
 * interim digit runs c ← α·c + dᵢ over the 10 symbols and a code is well formed when it ends at 0. Equivalently
 * Σ α^(9−i) dᵢ = 0 in GF(32): a single substitution changes the sum by α^k·e ≠ 0, and swapping different adjacent
 * symbols a, b by α^k (α + 1)(a + b) ≠ 0 (α ≠ 1), so every single-symbol error and every adjacent transposition is
 * detected (also any transposition at distance < 31, since the powers of α are distinct). A plain weighted sum mod 32
 * cannot do both: the weights would have to be odd (to catch substitutions) with odd differences (to catch
 * transpositions), and Luhn mod 32 misses the swap of the first and last symbols.
 */
import { randomBytes } from 'node:crypto';

export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Random symbols in a code; the code is one longer (the check symbol). */
export const CODE_RANDOM_LENGTH = 9;
export const CODE_LENGTH = CODE_RANDOM_LENGTH + 1;
/** The most codes one call makes (the batch is held in memory, with a Set to keep it distinct). */
export const MAX_CODES_PER_BATCH = 10_000_000;

const SYMBOL_CODES = Array.from(CODE_ALPHABET, (c) => c.charCodeAt(0));
/** Character code → symbol value 0..31, or -1 outside the alphabet. */
const VALUE_OF = new Int8Array(128).fill(-1);
SYMBOL_CODES.forEach((code, value) => (VALUE_OF[code] = value));

/** Multiplication by α = x in GF(2⁵) with the primitive polynomial x⁵ + x² + 1 (0b100101). */
function timesAlpha(c: number): number {
  const d = c << 1;
  return d & 32 ? d ^ 0b100101 : d;
}

/**
 * The check value 0..31 of the first 9 symbols (as character codes), such that appending it makes the Damm interim
 * digit end at 0: after the 9 symbols the interim digit is c, and α·c + check = 0 means check = α·c (−x = x in GF(2⁵)).
 */
function checkOfChars(chars: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < CODE_RANDOM_LENGTH; i++) c = timesAlpha(c) ^ VALUE_OF[chars[i]!]!;
  return timesAlpha(c);
}

export type GenerateCodesOptions = {
  /** Codes already issued (e.g. this campaign's): never returned again. */
  exclude?: ReadonlySet<string>;
};

/**
 * `count` distinct unique codes (canonical form: 10 symbols, no dash). Each random symbol is the low 5 bits of one
 * byte from crypto.randomBytes: 256 is a multiple of 32, so every symbol is exactly uniform (no modulo bias). A code
 * drawn twice in the batch (or found in `exclude`) is drawn again; with 45 random bits that is rare (about 0.014
 * repeats expected in a million). The database's unique index stays the final guard across batches.
 */
export function generateCodes(count: number, opts: GenerateCodesOptions = {}): string[] {
  if (!Number.isInteger(count) || count < 0 || count > MAX_CODES_PER_BATCH) {
    throw new RangeError(`count must be an integer in 0..${MAX_CODES_PER_BATCH}, got ${count}`);
  }
  const exclude = opts.exclude;
  const seen = new Set<string>();
  const out: string[] = [];
  const v = new Uint8Array(CODE_LENGTH);
  while (out.length < count) {
    const need = count - out.length;
    const bytes = randomBytes(need * CODE_RANDOM_LENGTH);
    for (let k = 0; k < need; k++) {
      const base = k * CODE_RANDOM_LENGTH;
      for (let i = 0; i < CODE_RANDOM_LENGTH; i++) v[i] = SYMBOL_CODES[bytes[base + i]! & 31]!;
      v[CODE_RANDOM_LENGTH] = SYMBOL_CODES[checkOfChars(v)]!;
      // One call with ten arguments (no spread, no intermediate strings): the cost of a million codes is mostly here.
      const code = String.fromCharCode(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!, v[6]!, v[7]!, v[8]!, v[9]!);
      if (seen.has(code) || exclude?.has(code)) continue;
      seen.add(code);
      out.push(code);
    }
  }
  return out;
}

/** Whitespace and dash punctuation (ASCII '-', and the Unicode dashes an IME or a copy from a document may give). */
const SEPARATORS = /[\s\p{Pd}]+/gu;

/**
 * A code as typed → its canonical form: NFKC (full-width ＡＢＣ－１２ from a Chinese IME become ASCII), upper case,
 * whitespace and dashes removed. null when a character is left that is not in the alphabet. That includes 0, O, 1 and
 * I: they are never issued, so whichever of a pair was typed it cannot be mapped back to a symbol with certainty
 * (O could be a misread Q or D as much as a 0) — the user is told the code is invalid rather than sent to a guess.
 * The length is not checked here (isWellFormed does).
 */
export function normalizeCode(input: string): string | null {
  const s = input.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || VALUE_OF[c] === -1) return null;
  }
  return s;
}

/**
 * Whether a code in canonical form (as normalizeCode returns it) is a unique code: 10 symbols of the alphabet whose
 * check symbol is right. Catches every single mistyped symbol and every swap of two neighbours, without a lookup.
 */
export function isWellFormed(code: string): boolean {
  if (code.length !== CODE_LENGTH) return false;
  let c = 0;
  for (let i = 0; i < CODE_LENGTH; i++) {
    const ch = code.charCodeAt(i);
    const v = ch < 128 ? VALUE_OF[ch]! : -1;
    if (v < 0) return false;
    c = timesAlpha(c) ^ v;
  }
  return c === 0;
}

/** A code for display, in groups of five: 'ABCDE-FGHJK'. */
export function formatCode(code: string): string {
  return (code.match(/.{1,5}/g) ?? []).join('-');
}

/** What a shared code may be after normalisation: 4 to 20 letters and digits. */
const SHARED_CODE = /^[A-Z0-9]{4,20}$/;

/**
 * An admin-chosen shared code (one code for everyone, e.g. 'WINTER2026') → its canonical form, or null when it is
 * not acceptable. Normalised like a unique code (NFKC, upper case, no whitespace or dashes), then it must be 4–20
 * characters of A–Z and 0–9. Unlike unique codes it may use any letter and digit, 0/O/1/I included: the admin picks a
 * word people recognise, and customers type it from the campaign's message. A shared code can happen to look like a
 * well-formed unique code (10 alphabet symbols, right check symbol: 1 in 32 of such words); redemption should look
 * the typed code up among the campaign's shared codes as well as its unique ones.
 */
export function validSharedCode(text: string): string | null {
  const s = text.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
  return SHARED_CODE.test(s) ? s : null;
}
