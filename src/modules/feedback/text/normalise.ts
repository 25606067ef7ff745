/**
 * Text normalisation shared by every analysis step (and by the training script, so the model sees what it was trained
 * on): NFKC (full-width letters, digits and punctuation become half-width: ＡＢＣ１２３！→ ABC123!), lower case,
 * whitespace runs folded to one space, and any character repeated three or more times cut to two (！！！！ → !!,
 * 哈哈哈哈 → 哈哈: the emphasis survives, the length does not).
 */
const REPEAT = /(.)\1{2,}/gu;
const SPACE = /\s+/gu;
const CONTROL = /[\p{Cc}\p{Cf}]/gu;

export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(CONTROL, ' ').replace(SPACE, ' ').replace(REPEAT, '$1$1').trim();
}

/** A clause boundary: punctuation or whitespace (negation scope and word bigrams stop here). */
const BOUNDARY = /^[\s\p{P}\p{S}]+$/u;
export const isBoundary = (token: string): boolean => BOUNDARY.test(token);

/** Letters or digits only (a word worth counting: no punctuation, symbols or spaces). */
const WORDLIKE = /^[\p{L}\p{N}]+$/u;
export const isWordLike = (token: string): boolean => WORDLIKE.test(token);
