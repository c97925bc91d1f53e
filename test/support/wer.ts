import { distance } from 'fastest-levenshtein';

/** Lower-cases, drops punctuation and splits into words (Whisper's basic normalisation, simplified). */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s']/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * Word error rate: word-level Levenshtein distance (substitutions + deletions + insertions)
 * divided by the number of reference words. Each distinct word is mapped to one character so
 * `fastest-levenshtein` computes the word-level distance.
 */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const codes = new Map<string, string>();
  const encode = (words: string[]) =>
    words
      .map((word) => codes.get(word) ?? (codes.set(word, String.fromCodePoint(0x4e00 + codes.size)), codes.get(word)!))
      .join('');
  const ref = normalizeWords(reference);
  return distance(encode(ref), encode(normalizeWords(hypothesis))) / Math.max(ref.length, 1);
}
