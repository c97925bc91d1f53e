import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarkError } from '@app/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectProxy } from '../../../test/support/connect-proxy';
import { freePort } from '../../../test/support/ports';
import {
  assertFetchableUrl,
  HttpClient,
  HttpRequestError,
  isPublicAddress,
  proxyAgent,
  UrlNotAllowedError,
} from './index';

/** A real HTTP server on 127.0.0.1 that records what reached it (connections, requests). */
interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  connections: number;
  requests: { path: string; method: string; headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      state.requests.push({
        path: request.url!,
        method: request.method!,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handler(request, response);
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const state: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: 0,
    requests: [],
    close: () => {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
  return state;
}

/** The error a promise rejects with (fails the test when it resolves). */
async function failure(promise: Promise<unknown>): Promise<HarkError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HarkError);
  return error as HarkError;
}

const LOOPBACK = new Set(['127.0.0.1']);
const http = new HttpClient();
let dir: string;
let target: string;
let main: TestServer;
let other: TestServer;
let internal: TestServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hark-http-'));
  target = join(dir, 'download');
  internal = await serve((_request, response) => response.end('internal secret'));
  other = await serve((request, response) => response.end(`other ${request.url}`));
  main = await serve((request, response) => {
    const url = new URL(request.url!, 'http://x');
    const path = url.pathname;
    const hop = path.match(/^\/hops\/(\d+)$/);
    if (hop) {
      const left = Number(hop[1]);
      if (left === 0) return response.writeHead(200, { 'content-length': 4 }).end('done');
      return response.writeHead(302, { location: `/hops/${left - 1}`, 'set-cookie': `hop${left}=yes; Path=/` }).end();
    }
    if (path === '/to') return response.writeHead(302, { location: url.searchParams.get('url')! }).end();
    if (path === '/file') return response.writeHead(200, { 'content-length': 5 }).end('hello');
    if (path === '/named')
      return response
        .writeHead(200, { 'content-disposition': 'attachment; filename="../../talk (final).mp3"' })
        .end('audio');
    if (path === '/media/My%20Talk.wav') return response.end('audio');
    if (path === '/declared-huge') return response.writeHead(200, { 'content-length': 1000 }).end(Buffer.alloc(1000));
    if (path === '/streamed-huge') {
      response.writeHead(200); // chunked, no Content-Length
      response.write(Buffer.alloc(60));
      setTimeout(() => response.end(Buffer.alloc(60)), 100);
      return;
    }
    if (path === '/slow') return void setTimeout(() => response.end('late'), 2000);
    if (path === '/stall') {
      response.writeHead(200, { 'content-length': 100 });
      response.write(Buffer.alloc(10)); // then nothing
      return;
    }
    if (path === '/status') return response.writeHead(Number(url.searchParams.get('code'))).end('status body');
    if (path === '/echo') return response.writeHead(Number(url.searchParams.get('code') ?? 200)).end();
    response.writeHead(404).end();
  });
});

afterAll(async () => {
  await Promise.all([main, other, internal].map((server) => server?.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('redirects', () => {
  it('follows up to maxRedirects, and one more is a non-retryable download_failed', async () => {
    await expect(
      http.download(`${main.url}/hops/2`, target, { maxRedirects: 2, allowedHosts: LOOPBACK }),
    ).resolves.toEqual({ fileName: '0', bytes: 4 });
    const error = await failure(
      http.download(`${main.url}/hops/3`, target, { maxRedirects: 2, allowedHosts: LOOPBACK }),
    );
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: false,
      failure: 'redirects',
      message: `too many redirects (more than 2) from 127.0.0.1:${main.port}`,
    });
  });

  it('follows none by default: the 3xx is handed back', async () => {
    const response = await http.request(`${main.url}/hops/1`, { privateAddresses: 'allow' });
    response.body.resume();
    expect(response).toMatchObject({ status: 302, headers: { location: '/hops/0' }, cookies: ['hop1=yes'] });
  });

  it('same-origin: follows those (collecting cookies), hands back a redirect elsewhere or past max', async () => {
    const page = await http.getText(`${main.url}/hops/2`, {
      redirects: { follow: 'same-origin', max: 5 },
      privateAddresses: 'allow',
    });
    expect(page).toMatchObject({ status: 200, body: 'done', cookies: ['hop2=yes', 'hop1=yes'] });
    expect(page.url.href).toBe(`${main.url}/hops/0`);
    const tooMany = await http.getText(`${main.url}/hops/3`, {
      redirects: { follow: 'same-origin', max: 1 },
      privateAddresses: 'allow',
    });
    expect(tooMany).toMatchObject({ status: 302, headers: { location: '/hops/1' } });
    const before = other.requests.length;
    const away = await http.getText(`${main.url}/to?url=${encodeURIComponent(`${other.url}/x`)}`, {
      redirects: { follow: 'same-origin', max: 5 },
      privateAddresses: 'allow',
    });
    expect(away).toMatchObject({ status: 302, headers: { location: `${other.url}/x` } });
    expect(other.requests.length).toBe(before);
  });
});

describe('private-address guard', () => {
  it('refuses a redirect from an allowed host to an IP literal: the internal server sees no connection', async () => {
    // Node never calls `lookup` for an IP literal: this is the check on literals.
    const hop = `http://localhost:${main.port}/to?url=${encodeURIComponent(`http://127.0.0.1:${internal.port}/`)}`;
    const error = await failure(http.download(hop, target, { maxRedirects: 3, allowedHosts: new Set(['localhost']) }));
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: false,
      failure: 'refused',
      message:
        '127.0.0.1 is not a public address (loopback, private, link-local or reserved); add the host to ALLOWED_URL_HOSTS to allow it',
    });
    expect(main.requests.at(-1)?.path).toMatch(/^\/to\?/); // the allowed host was asked
    expect(internal.connections).toBe(0);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses a redirect to a host name that resolves to loopback (guarded lookup)', async () => {
    const hop = `${main.url}/to?url=${encodeURIComponent(`http://localhost:${internal.port}/`)}`;
    const error = await failure(http.download(hop, target, { maxRedirects: 3, allowedHosts: LOOPBACK }));
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: false,
      failure: 'refused',
      message: expect.stringMatching(
        /^localhost is not a public address \(loopback, private, link-local or reserved\); add the host to ALLOWED_URL_HOSTS to allow it$/,
      ),
    });
    expect(internal.connections).toBe(0);
  });

  it('request() and getText() throw the guard error itself (url_not_allowed), also for IPv6 and mapped literals', async () => {
    for (const url of [
      `${main.url}/file`,
      `http://[::1]:${main.port}/file`,
      `http://[::ffff:127.0.0.1]:${main.port}/file`,
      'http://169.254.169.254/latest/meta-data/',
    ]) {
      const error = await failure(http.getText(url));
      expect(error, url).toBeInstanceOf(UrlNotAllowedError);
      expect(error, url).toMatchObject({
        code: 'url_not_allowed',
        retryable: false,
        message: expect.stringContaining('ALLOWED_URL_HOSTS'),
      });
    }
    expect(main.requests.some((r) => r.path === '/file')).toBe(false);
  });

  it('allowedHosts exempts the named host; privateAddresses "allow" switches the guard off', async () => {
    await expect(http.download(`${main.url}/file`, target, { maxRedirects: 0 })).rejects.toMatchObject({
      failure: 'refused',
    });
    await expect(
      http.download(`${main.url}/file`, target, { maxRedirects: 0, allowedHosts: LOOPBACK }),
    ).resolves.toMatchObject({ bytes: 5 });
    await expect(
      http.download(`${main.url}/file`, target, { maxRedirects: 0, privateAddresses: 'allow' }),
    ).resolves.toMatchObject({ bytes: 5 });
    expect(await readFile(target, 'utf8')).toBe('hello');
  });

  it('assertFetchableUrl refuses non-public hosts, other schemes and invalid URLs', async () => {
    for (const url of [
      'http://127.0.0.1/a.wav',
      'http://localhost/a.wav',
      'http://10.0.0.1/a.wav',
      'http://[::1]/a.wav',
      'ftp://example.com/a.wav',
      'not a url',
    ]) {
      await expect(assertFetchableUrl(url, new Set()), url).rejects.toMatchObject({
        name: 'UrlNotAllowedError',
        code: 'url_not_allowed',
        retryable: false,
      });
    }
    await expect(assertFetchableUrl('http://10.0.0.1/a.wav', new Set())).rejects.toThrow(
      '10.0.0.1 is not a public address (loopback, private, link-local or reserved); add the host to ALLOWED_URL_HOSTS to allow it',
    );
    await expect(assertFetchableUrl('http://127.0.0.1/a.wav', LOOPBACK)).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['224.0.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['fd00::1', false],
    ['fe80::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:8.8.8.8', true],
  ])('isPublicAddress(%s) is %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('size limit', () => {
  /** Downloads a path of the main server with a 100-byte limit. */
  const downloadCapped = (path: string) =>
    http.download(`${main.url}${path}`, target, {
      maxRedirects: 0,
      allowedHosts: LOOPBACK,
      maxBytes: 100,
      maxBytesSetting: 'MAX_UPLOAD_BYTES',
    });

  it('refuses a Content-Length over the limit before reading', async () => {
    const error = await failure(downloadCapped('/declared-huge'));
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: false,
      failure: 'too_large',
      message: 'too large: 1000 bytes, the limit is 100 (MAX_UPLOAD_BYTES)',
    });
    expect(existsSync(target)).toBe(false);
  });

  it('stops a body that passes the limit while streaming and removes the partial file', async () => {
    const error = await failure(downloadCapped('/streamed-huge'));
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: false,
      failure: 'too_large',
      message: 'too large: more than 100 bytes (MAX_UPLOAD_BYTES)',
    });
    expect(existsSync(target)).toBe(false);
    // getText reads up to the limit too; no setting named without maxBytesSetting.
    await expect(
      http.getText(`${main.url}/streamed-huge`, { privateAddresses: 'allow', maxBytes: 100 }),
    ).rejects.toMatchObject({ failure: 'too_large', message: 'too large: more than 100 bytes' });
    await expect(
      http.getText(`${main.url}/streamed-huge`, { privateAddresses: 'allow', maxBytes: 120 }),
    ).resolves.toMatchObject({ body: '\0'.repeat(120) });
  });
});

describe('time limits and cancellation', () => {
  it('times out waiting for the answer (retryable)', async () => {
    const error = await failure(
      http.download(`${main.url}/slow`, target, { maxRedirects: 0, allowedHosts: LOOPBACK, timeoutMs: 200 }),
    );
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: true,
      failure: 'timeout',
      message: `timed out after 200 ms downloading from 127.0.0.1:${main.port}`,
    });
  });

  it('times out while the body streams, removing the partial file', async () => {
    const started = Date.now();
    const error = await failure(
      http.download(`${main.url}/stall`, target, { maxRedirects: 0, allowedHosts: LOOPBACK, timeoutMs: 300 }),
    );
    expect(error).toMatchObject({
      retryable: true,
      failure: 'timeout',
      message: `timed out after 300 ms downloading from 127.0.0.1:${main.port}`,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(existsSync(target)).toBe(false);
  });

  it('gives up after idleTimeoutMs without data', async () => {
    const error = await failure(
      http.download(`${main.url}/stall`, target, { maxRedirects: 0, privateAddresses: 'allow', idleTimeoutMs: 200 }),
    );
    expect(error).toMatchObject({
      retryable: true,
      failure: 'timeout',
      message: `no data for 200 ms from 127.0.0.1:${main.port}`,
    });
  });

  it("throws the caller's abort reason", async () => {
    const controller = new AbortController();
    const reason = new Error('task cancelled');
    setTimeout(() => controller.abort(reason), 100);
    await expect(
      http.download(`${main.url}/stall`, target, {
        maxRedirects: 0,
        privateAddresses: 'allow',
        signal: controller.signal,
        timeoutMs: 5000,
      }),
    ).rejects.toBe(reason);
    expect(existsSync(target)).toBe(false);
  });
});

describe('errors and retryable flags', () => {
  it.each([
    [404, false],
    [403, false],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
  ])('HTTP %i is retryable: %s', async (code, retryable) => {
    const error = await failure(
      http.download(`${main.url}/status?code=${code}`, target, { maxRedirects: 0, allowedHosts: LOOPBACK }),
    );
    expect(error).toBeInstanceOf(HttpRequestError);
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable,
      failure: 'status',
      status: code,
      message: `HTTP ${code} from 127.0.0.1:${main.port}`,
    });
  });

  it('a connection error is a retryable network error naming the code', async () => {
    const port = await freePort();
    const error = await failure(
      http.download(`http://127.0.0.1:${port}/a.wav`, target, { maxRedirects: 0, allowedHosts: LOOPBACK }),
    );
    expect(error).toMatchObject({
      code: 'download_failed',
      retryable: true,
      failure: 'network',
      reason: 'ECONNREFUSED',
      message: `network error from 127.0.0.1:${port}: ECONNREFUSED`,
    });
  });
});

describe('headers', () => {
  it('keeps the cookie on a same-origin redirect and drops it on a redirect to another origin', async () => {
    const headers = { Cookie: 'session=secret', referer: 'https://example.com/' };
    await http.download(`${main.url}/hops/1`, target, { maxRedirects: 3, privateAddresses: 'allow', headers });
    expect(main.requests.slice(-2).map((r) => [r.path, r.headers.cookie])).toEqual([
      ['/hops/1', 'session=secret'],
      ['/hops/0', 'session=secret'],
    ]);
    await http.download(`${main.url}/to?url=${encodeURIComponent(`${other.url}/cdn`)}`, target, {
      maxRedirects: 3,
      privateAddresses: 'allow',
      headers,
    });
    expect(main.requests.at(-1)?.headers.cookie).toBe('session=secret');
    expect(other.requests.at(-1)).toMatchObject({ path: '/cdn', headers: { referer: 'https://example.com/' } });
    expect(other.requests.at(-1)?.headers.cookie).toBeUndefined();
  });

  it('sends the default User-Agent unless one is given', async () => {
    await http.getText(`${main.url}/file`, { privateAddresses: 'allow' });
    expect(main.requests.at(-1)?.headers['user-agent']).toBe('Hark/1 (speech-to-text)');
    await http.getText(`${main.url}/file`, { privateAddresses: 'allow', headers: { 'User-Agent': 'Platform/2' } });
    expect(main.requests.at(-1)?.headers['user-agent']).toBe('Platform/2');
  });
});

describe('file names', () => {
  it('takes the Content-Disposition file name (base name only), else the URL path', async () => {
    await expect(
      http.download(`${main.url}/named`, target, { maxRedirects: 0, allowedHosts: LOOPBACK }),
    ).resolves.toEqual({ fileName: 'talk (final).mp3', bytes: 5 });
    await expect(
      http.download(`${main.url}/media/My%20Talk.wav`, target, { maxRedirects: 0, allowedHosts: LOOPBACK }),
    ).resolves.toEqual({ fileName: 'My Talk.wav', bytes: 5 });
  });

  it('reports progress with the declared total', async () => {
    const seen: [number, number | null][] = [];
    await http.download(`${main.url}/file`, target, {
      maxRedirects: 0,
      allowedHosts: LOOPBACK,
      onProgress: (received, total) => seen.push([received, total]),
    });
    expect(seen.at(-1)).toEqual([5, 5]);
    expect((await stat(target)).size).toBe(5);
  });
});

describe('postJson', () => {
  it('POSTs the JSON with its headers and returns the status, without following redirects', async () => {
    const status = await http.postJson(
      `${main.url}/echo?code=410`,
      '{"id":"é"}',
      { 'x-hark-signature': 'v1=abc' },
      { allowedHosts: LOOPBACK, timeoutMs: 2000 },
    );
    expect(status).toBe(410);
    expect(main.requests.at(-1)).toMatchObject({
      method: 'POST',
      body: '{"id":"é"}',
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength('{"id":"é"}')),
        'x-hark-signature': 'v1=abc',
      },
    });
    expect(await http.postJson(`${main.url}/hops/1`, '{}', {}, { allowedHosts: LOOPBACK, timeoutMs: 2000 })).toBe(302);
  });

  it('says "no answer within N ms" on a timeout and names the code of a network error', async () => {
    await expect(
      http.postJson(`${main.url}/slow`, '{}', {}, { allowedHosts: LOOPBACK, timeoutMs: 200 }),
    ).rejects.toMatchObject({ retryable: true, message: 'no answer within 200 ms' });
    const port = await freePort();
    await expect(
      http.postJson(`http://127.0.0.1:${port}/hook`, '{}', {}, { allowedHosts: LOOPBACK, timeoutMs: 2000 }),
    ).rejects.toMatchObject({ message: 'ECONNREFUSED' });
  });

  it('refuses a non-public callback address with the guard message', async () => {
    const before = main.connections;
    await expect(
      http.postJson(`${main.url}/echo`, '{}', {}, { allowedHosts: new Set(), timeoutMs: 2000 }),
    ).rejects.toMatchObject({
      code: 'url_not_allowed',
      message:
        '127.0.0.1 is not a public address (loopback, private, link-local or reserved); add the host to ALLOWED_URL_HOSTS to allow it',
    });
    expect(main.connections).toBe(before);
  });
});

describe('proxy', () => {
  it('goes through an HTTP CONNECT proxy, which resolves and connects (no guard)', async () => {
    const proxy = new ConnectProxy();
    const proxyUrl = await proxy.start();
    try {
      const agent = proxyAgent(proxyUrl);
      // Guarded by default, yet 127.0.0.1 is reached: the proxy connects, not Hark.
      await expect(
        http.download(`${main.url}/hops/1`, target, { maxRedirects: 3, proxy: agent }),
      ).resolves.toMatchObject({ bytes: 4 });
      expect(await http.getText(`${other.url}/page`, { proxy: agent })).toMatchObject({
        status: 200,
        body: 'other /page',
      });
      expect(proxy.tunnels).toEqual([`127.0.0.1:${main.port}`, `127.0.0.1:${main.port}`, `127.0.0.1:${other.port}`]);
    } finally {
      await proxy.stop();
    }
  });
});
