import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Response } from 'express';

/** Where `npm run build` puts the page (`apps/web`, built by Vite), seen from dist/apps/api/src/web. */
export const WEB_DIR = resolve(__dirname, '../../../../web');

/**
 * The page's Content-Security-Policy: everything from Hark itself, nothing from any other host
 * (media may also be a `blob:` URL, which the page makes when it must send an API key with it).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

/**
 * Cache and security headers of a file of the page (`relativePath` from its folder). Vite names
 * built files by their content (`assets/index-3f2a1b.js`): they never change, so they are cached
 * for a year; index.html is revalidated on every visit, so a new build shows at once.
 */
function setHeaders(response: Response, relativePath: string): void {
  if (relativePath === 'index.html') {
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    response.setHeader('X-Frame-Options', 'DENY');
    response.setHeader('Referrer-Policy', 'no-referrer');
  } else if (relativePath.startsWith('assets/')) {
    response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  } else {
    response.setHeader('Cache-Control', 'public, max-age=3600');
  }
  response.setHeader('X-Content-Type-Options', 'nosniff');
}

/**
 * Serves the web page (`dist/web`) at `/` as static files, before the API's routes: `/` is the
 * page, `/assets/*` its scripts and styles. The page is public (it holds no data); everything it
 * shows comes from the API, with the key the person enters when keys are required. Logs a hint
 * and serves nothing when the page has not been built.
 * @returns whether the page is served
 */
export function serveWebPage(app: NestExpressApplication, dir = WEB_DIR): boolean {
  if (!existsSync(join(dir, 'index.html'))) {
    new Logger('Web').warn(`The web page is not built (${dir}/index.html is missing): run npm run build.`);
    return false;
  }
  app.useStaticAssets(dir, {
    index: 'index.html',
    redirect: false,
    setHeaders: (response: Response, path: string) => setHeaders(response, relative(dir, path).split(sep).join('/')),
  });
  return true;
}
