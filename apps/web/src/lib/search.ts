/** Case-insensitive search in transcript text. */

/** Whether `text` contains `query` (case-insensitive); an empty query matches everything. */
export function matches(text: string, query: string): boolean {
  return !query || text.toLocaleLowerCase().includes(query.toLocaleLowerCase());
}

/** `text` cut into pieces, each marked when it is an occurrence of `query` (case-insensitive). */
export function splitMatches(text: string, query: string): { text: string; match: boolean }[] {
  if (!query) return [{ text, match: false }];
  const lower = text.toLocaleLowerCase();
  const wanted = query.toLocaleLowerCase();
  const pieces: { text: string; match: boolean }[] = [];
  let from = 0;
  for (let at = lower.indexOf(wanted); at !== -1; at = lower.indexOf(wanted, at + wanted.length)) {
    if (at > from) pieces.push({ text: text.slice(from, at), match: false });
    pieces.push({ text: text.slice(at, at + wanted.length), match: true });
    from = at + wanted.length;
  }
  if (from < text.length) pieces.push({ text: text.slice(from), match: false });
  return pieces;
}

/** The index of the item whose [start, end) holds `time`, or -1. */
export function indexAt(items: readonly { start: number; end: number }[], time: number): number {
  return items.findIndex((item) => time >= item.start && time < item.end);
}
