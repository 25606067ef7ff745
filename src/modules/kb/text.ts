/** Plain text of an article body (Markdown syntax and any HTML tags removed), for search and snippets. */
export function plainText(body: string): string {
  return body
    .replace(/```[^\n]*\n?/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '')
    .replace(/[*_~`|]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A short excerpt around the first place one of `words` occurs (the start of the text otherwise). */
export function snippetOf(text: string, words: string[], size = 80): string {
  const chars = [...text];
  let at = -1;
  const lower = text.toLowerCase();
  for (const w of words) {
    const i = lower.indexOf(w.toLowerCase());
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) return chars.length > size ? `${chars.slice(0, size).join('')}…` : text;
  const pos = [...text.slice(0, at)].length;
  const start = Math.max(0, pos - Math.floor(size / 4));
  const end = Math.min(chars.length, start + size);
  return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
}

/** `%fragment%` for ILIKE, with the pattern characters escaped. */
export function likePattern(fragment: string): string {
  return `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
