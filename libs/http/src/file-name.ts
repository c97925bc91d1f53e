import type { IncomingHttpHeaders } from 'node:http';
import contentDisposition from 'content-disposition';

/**
 * Characters a stored file name never keeps: C0 controls (CR, LF, NUL, …), DEL and C1 controls,
 * and the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069), with which `invoice\u202Efdp.exe` displays as `invoiceexe.pdf`.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Longest stored file name, in characters (code points): what common file systems allow. */
export const MAX_FILE_NAME_LENGTH = 255;

/**
 * A file name as Hark stores and shows it: control and bidirectional-formatting characters
 * removed, surrounding white space trimmed, at most `MAX_FILE_NAME_LENGTH` characters (a longer
 * name is cut before its extension, which is kept). Nothing is decoded: give it the name as sent,
 * decoded once by its carrier (multipart `filename*`, Content-Disposition, a URL path).
 * @returns the clean name; '' when nothing is left
 */
export function cleanFileName(name: string): string {
  const characters = Array.from(name.replace(UNSAFE_CHARACTERS, '').trim());
  if (characters.length <= MAX_FILE_NAME_LENGTH) return characters.join('');
  const extension = /\.[^.]{1,16}$/.exec(characters.slice(-17).join(''))?.[0] ?? '';
  return characters.slice(0, MAX_FILE_NAME_LENGTH - extension.length).join('') + extension;
}

/** The last segment of a path, whichever separator it uses (`a/b\c.wav` → `c.wav`). */
function lastSegment(path: string): string {
  return path.split(/[\\/]/).pop() ?? '';
}

/**
 * Percent-decodes once: every run of `%XX` that is valid UTF-8 is decoded, a run that is not is
 * kept as it is (so `a%ZZ%20b` gives `a%ZZ b`, not the whole name left encoded).
 */
function decodePercentOnce(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/**
 * The file name a download suggests, clean (`cleanFileName`): Content-Disposition's `filename*`
 * or `filename` (decoded by the header's rules, once; last path segment only), else the last
 * segment of the URL path (percent-decoded once), else the host name.
 */
export function suggestedFileName(headers: IncomingHttpHeaders, url: URL): string {
  const header = headers['content-disposition'];
  if (header) {
    try {
      const name = cleanFileName(lastSegment(contentDisposition.parse(header).parameters.filename ?? ''));
      if (name) return name;
    } catch {
      // malformed header: fall back to the URL
    }
  }
  return cleanFileName(lastSegment(decodePercentOnce(lastSegment(url.pathname)))) || url.hostname;
}
