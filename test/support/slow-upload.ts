import { type IncomingHttpHeaders, request } from 'node:http';

export interface SlowUploadOptions {
  /** Route of the upload (default `/api/v1/tasks`). */
  route?: string;
  /** Size of the file part, in bytes. */
  fileBytes: number;
  /** Send a Content-Length (true, the default) or a chunked body (false). */
  contentLength?: boolean;
  /** Bytes written per tick (default 64 KiB) and ticks' period in ms (default 100). */
  chunkBytes?: number;
  everyMs?: number;
}

/** How a slow upload ended. */
export interface SlowUploadResult {
  /** HTTP status, when the server answered. */
  status?: number;
  headers?: IncomingHttpHeaders;
  body?: string;
  /** Bytes of the body the client had written when the answer's headers arrived (or when the connection failed). */
  sentWhenAnswered: number;
  /** The body's full length. */
  totalBytes: number;
  /** The connection error, when there was no answer (e.g. the server was killed). */
  error?: string;
}

export interface SlowUpload {
  /** Bytes of the body written so far. */
  sent(): number;
  /** Settles with the answer, or with the error that ended the connection first. */
  result: Promise<SlowUploadResult>;
}

/**
 * A multipart upload (`file` field) written at a throttled rate with raw `node:http`, as a slow
 * client would: `chunkBytes` every `everyMs` ms. Writing stops as soon as the server answers or the
 * connection ends; the result says how much had been written by then.
 */
export function slowUpload(
  baseUrl: string,
  {
    route = '/api/v1/tasks',
    fileBytes,
    contentLength = true,
    chunkBytes = 64 * 1024,
    everyMs = 100,
  }: SlowUploadOptions,
): SlowUpload {
  const boundary = `hark-slow-upload-${Date.now()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const totalBytes = head.length + fileBytes + tail.length;
  const url = new URL(route, baseUrl);
  const client = request(url, {
    method: 'POST',
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      ...(contentLength ? { 'content-length': String(totalBytes) } : {}),
    },
  });
  let sent = 0;
  let filed = 0;
  const write = (data: Buffer) => {
    client.write(data);
    sent += data.length;
  };
  write(head);
  const filler = Buffer.alloc(chunkBytes, 0x55);
  const timer = setInterval(() => {
    if (client.destroyed) return clearInterval(timer);
    if (filed >= fileBytes) {
      clearInterval(timer);
      client.end(tail);
      sent += tail.length;
      return;
    }
    const part = filler.subarray(0, Math.min(chunkBytes, fileBytes - filed));
    filed += part.length;
    write(part);
  }, everyMs);
  const result = new Promise<SlowUploadResult>((settle) => {
    client.on('response', (response) => {
      clearInterval(timer);
      const sentWhenAnswered = sent;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => (body += text));
      response.on('end', () =>
        settle({ status: response.statusCode, headers: response.headers, body, sentWhenAnswered, totalBytes }),
      );
      response.on('error', (error) => settle({ sentWhenAnswered, totalBytes, error: error.message }));
    });
    client.on('error', (error) => {
      clearInterval(timer);
      settle({ sentWhenAnswered: sent, totalBytes, error: error.message });
    });
  });
  return { sent: () => sent, result };
}
