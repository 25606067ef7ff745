/**
 * The demo generator's names and numbers: Chinese numerals, unique compound names, people's names by census
 * frequency, resident-ID check digits (GB 11643) and the bijection that makes phone, ID and e-mail numbers unique.
 * Pure functions: randomness only from the stream they are given.
 */
import type { Random } from '../../platform/random.js';
import { COMPOUND_PHASES, COMPOUND_STEMS, COMPOUND_SUFFIXES, FEMALE_GIVEN, MALE_GIVEN, SURNAMES } from './data.js';

/** Running sums of weights, for `Random.weighted`. */
export const cumulative = (weights: readonly number[]) => weights.reduce<number[]>((acc, w) => [...acc, (acc.at(-1) ?? 0) + w], []);
const SURNAME_CUM = cumulative(SURNAMES.map(([, w]) => w));

export function chineseNumber(n: number): string {
  const digits = '零一二三四五六七八九';
  if (n < 10) return digits[n]!;
  if (n < 20) return `十${n % 10 ? digits[n % 10] : ''}`;
  return `${digits[Math.floor(n / 10)]}十${n % 10 ? digits[n % 10] : ''}`;
}

/** Compound names are unique: stem × suffix × phase (2,100 of them), then numbered phases. */
export function compoundName(c: number): string {
  const stems = COMPOUND_STEMS.length;
  const pairs = stems * COMPOUND_SUFFIXES.length;
  const pair = c % pairs;
  const phase = Math.floor(c / pairs);
  const base = COMPOUND_STEMS[pair % stems]! + COMPOUND_SUFFIXES[Math.floor(pair / stems)]!;
  return base + (phase < COMPOUND_PHASES.length ? COMPOUND_PHASES[phase]! : `${phase + 1}期`);
}

/** Draws from r, in order: the surname, the first given character, whether there is a second (and which). */
export function personName(r: Random, male: boolean): string {
  const surname = SURNAMES[r.weighted(SURNAME_CUM)]![0];
  const chars = male ? MALE_GIVEN : FEMALE_GIVEN;
  return surname + r.pick(chars) + (r.chance(0.7) ? r.pick(chars) : '');
}

/** (i × a + b) mod m is a bijection on [0, m) when a and m are coprime: unique numbers without a lookup table. */
/** Odd, not a multiple of 3, 5 or 73: coprime with every modulus used here. */
export const SPREAD = 2_654_435_761;
export const permute = (i: number, a: number, b: number, m: number) => Number((BigInt(i) * BigInt(a) + BigInt(b)) % BigInt(m));

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let k = 0; k < 17; k++) sum += Number(first17[k]) * ID_WEIGHTS[k]!;
  return ID_CHECK[sum % 11]!;
}
