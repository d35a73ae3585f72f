/**
 * redis-py's `truncate_text` (redis/utils.py): Python's
 * `textwrap.shorten(text, width=100, placeholder="...", break_long_words=True)`, ported.
 * Whitespace runs become one space; text that fits is returned whole; otherwise as many
 * chunks as fit with the placeholder are kept. Chunks are words and the spaces between them,
 * and a word splits after a hyphen between letters (Python's `break_on_hyphens`); Python's
 * em-dash rule (`--` between words) is not ported.
 */
export function truncateText(text: string, width = 100, placeholder = "..."): string {
  const normalized = text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .join(" ");
  if (normalized.length <= width) return normalized;
  // The chunks in reverse order, as TextWrapper keeps them.
  const chunks: string[] = [];
  normalized.split(" ").forEach((word, i) => {
    if (i > 0) chunks.push(" ");
    chunks.push(...splitHyphenated(word));
  });
  chunks.reverse();
  const line: string[] = [];
  let length = 0;
  while (chunks.length > 0) {
    const next = chunks[chunks.length - 1]!;
    if (length + next.length > width) break;
    line.push(chunks.pop()!);
    length += next.length;
  }
  if (chunks.length > 0 && chunks[chunks.length - 1]!.length > width) {
    // _handle_long_word with break_long_words: the part of the word that fits
    const chunk = chunks[chunks.length - 1]!;
    const spaceLeft = Math.max(width - length, 1);
    let end = spaceLeft;
    if (chunk.length > spaceLeft) {
      const hyphen = chunk.lastIndexOf("-", spaceLeft - 1);
      if (hyphen > 0 && /[^-]/.test(chunk.slice(0, hyphen))) end = hyphen + 1;
    }
    line.push(chunk.slice(0, end));
    chunks[chunks.length - 1] = chunk.slice(end);
    length = line.reduce((n, c) => n + c.length, 0);
  }
  if (line.length > 0 && line[line.length - 1]!.trim() === "") length -= line.pop()!.length;
  // One line only: what does not fit is replaced by the placeholder.
  while (line.length > 0) {
    const last = line[line.length - 1]!;
    if (last.trim() !== "" && length + placeholder.length <= width) return line.join("") + placeholder;
    length -= last.length;
    line.pop();
  }
  return placeholder.trimStart();
}

const LETTER = /[\p{L}_]/u;

/** A word's chunks: split after each hyphen that Python's `wordsep_re` breaks on (`well-known` -> `well-`, `known`). */
function splitHyphenated(word: string): string[] {
  if (!word.includes("-")) return [word];
  const parts: string[] = [];
  let start = 0;
  const at = (i: number) => (i >= 0 && i < word.length ? word[i]! : "");
  const letter = (i: number) => LETTER.test(at(i));
  for (let i = 1; i < word.length - 1; i++) {
    if (word[i] !== "-") continue;
    if (i <= start) continue;
    const before = (letter(i - 1) && letter(i - 2)) || (letter(i - 1) && at(i - 2) === "-" && letter(i - 3));
    const after = letter(i + 1) && (letter(i + 2) || (at(i + 2) === "-" && letter(i + 3)));
    if (before && after) {
      parts.push(word.slice(start, i + 1));
      start = i + 1;
    }
  }
  parts.push(word.slice(start));
  return parts;
}
