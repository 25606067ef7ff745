/**
 * Mentions in a ticket's note or reply: `@显示名` or `@username`. Chinese has no spaces, so a display name is matched
 * as the text right after the `@` (「@张三请看一下」 names 张三); when two people's names both fit (张三 and 张三丰), the
 * longer wins. A username (or a display name ending in a Latin letter or digit) must end where a word ends
 * (「@li」 does not name li in 「@lisa」). An `@` inside a word (an e-mail address) mentions nobody.
 */
export type MentionCandidate = { id: string; username: string; displayName: string };

const WORD = /[A-Za-z0-9_.-]/;

/** Whether `name` is written at `at` in `text` and ends there as a word (when it ends in a Latin character). */
function fits(text: string, at: number, name: string, caseless: boolean): number {
  if (!name) return 0;
  const piece = text.slice(at, at + name.length);
  if ((caseless ? piece.toLowerCase() : piece) !== (caseless ? name.toLowerCase() : name)) return 0;
  const next = text.charAt(at + name.length);
  if (WORD.test(name.charAt(name.length - 1)) && next && WORD.test(next)) return 0;
  return name.length;
}

/** The ids of the candidates `text` mentions, each once, in the order they first appear. */
export function mentionedIds(text: string, candidates: readonly MentionCandidate[]): string[] {
  const out: string[] = [];
  for (let i = text.indexOf('@'); i >= 0; i = text.indexOf('@', i + 1)) {
    if (i > 0 && /[A-Za-z0-9_.]/.test(text.charAt(i - 1))) continue;
    let best: { id: string; length: number } | null = null;
    for (const c of candidates) {
      const length = Math.max(fits(text, i + 1, c.displayName, false), fits(text, i + 1, c.username, true));
      if (length && (!best || length > best.length)) best = { id: c.id, length };
    }
    if (best && !out.includes(best.id)) out.push(best.id);
  }
  return out;
}
