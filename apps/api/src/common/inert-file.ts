import { extname } from 'node:path';
import type { Response } from 'express';

/** Whether a content type is one a browser only plays (audio or video), never runs. */
const PLAYABLE = /^(audio|video)\//i;

/**
 * Sets `response`'s Content-Type for a stored media file from its original name, when that names
 * an audio or video type (express's `mime-types` lookup); any other name (`x.html`, `a.svg`, none)
 * is `application/octet-stream`.
 * @returns whether the type is audio or video (so a page may play it inline)
 */
export function setMediaType(response: Response, fileName: string | null): boolean {
  // Only the extension: express's `type` would take a whole name holding a `/` as the type itself.
  const extension = fileName ? extname(fileName) : '';
  if (extension) {
    response.type(extension);
    if (PLAYABLE.test(String(response.getHeader('Content-Type')))) return true;
  }
  response.type('application/octet-stream');
  return false;
}

/**
 * Makes a stored or generated file inert in a browser, whatever it holds: `nosniff` (the browser
 * keeps the Content-Type, so a file served as audio or bytes is never taken for HTML or script),
 * `Content-Security-Policy: sandbox` (opened anyway, it runs no script and has no origin), and
 * `Content-Disposition: attachment` with `fileName` — or `inline` when `inline` is true, which the
 * caller grants only to audio and video types. Leaves the Content-Type already set as it is.
 */
export function inertFile(response: Response, fileName: string, inline = false): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Content-Security-Policy', 'sandbox');
  if (inline) return void response.setHeader('Content-Disposition', 'inline');
  // express's `attachment` also sets the type from the name's extension: keep the one already chosen.
  const type = response.getHeader('Content-Type');
  response.attachment(fileName);
  if (type !== undefined) response.setHeader('Content-Type', type);
}
