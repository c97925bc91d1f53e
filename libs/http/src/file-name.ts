import type { IncomingHttpHeaders } from 'node:http';
import { basename } from 'node:path';
import contentDisposition from 'content-disposition';

/**
 * The file name a download suggests: Content-Disposition's `filename` (base name only), else the
 * last segment of the URL path (decoded), else the host name.
 */
export function suggestedFileName(headers: IncomingHttpHeaders, url: URL): string {
  const header = headers['content-disposition'];
  if (header) {
    try {
      const name = contentDisposition.parse(header).parameters.filename;
      if (name) return basename(name);
    } catch {
      // malformed header: fall back to the URL
    }
  }
  try {
    return decodeURIComponent(basename(url.pathname)) || url.hostname;
  } catch {
    return basename(url.pathname) || url.hostname; // malformed percent-encoding
  }
}
