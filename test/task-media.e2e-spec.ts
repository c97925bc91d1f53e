import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from './support/api-client';
import { audioPath } from './support/env';
import { TestStack } from './support/stack';

/** A raw GET with headers, read to the end (status, headers, exact bytes). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('GET /api/v1/tasks/{id}/media: the stored media with HTTP Range, for a player', () => {
  let stack: TestStack;
  let id: string;
  const jfk = readFileSync(audioPath('jfk.wav'));

  beforeAll(async () => {
    stack = await TestStack.create();
    await stack.startApi();
    ({
      body: { id },
    } = await upload(stack.baseUrl, audioPath('jfk.wav')));
  });
  afterAll(() => stack?.destroy());

  const media = () => `${stack.baseUrl}/api/v1/tasks/${id}/media`;

  it('the whole file, with its type and Accept-Ranges, inert: an attachment unless a player asks for it inline', async () => {
    const response = await get(media());
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^audio\/(x-)?wav/);
    expect(response.headers['accept-ranges']).toBe('bytes');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?jfk\.wav"?$/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBe('sandbox');
    expect(response.body.equals(jfk)).toBe(true);
    const inline = await get(`${media()}?inline=true`, { range: 'bytes=0-99' });
    expect(inline.status).toBe(206);
    expect(inline.headers['content-disposition']).toBe('inline');
    expect(inline.headers['x-content-type-options']).toBe('nosniff');
  });

  it('a WAV carrying HTML, uploaded as x.html, is served as bytes to save, never as a page', async () => {
    // A valid WAV with one more RIFF chunk holding a script (ffprobe reads it as audio).
    const script = Buffer.from('<html><script>document.title = localStorage.getItem("hark.apiKey")</script></html>');
    const chunk = Buffer.alloc(8);
    chunk.write('html', 0, 'latin1');
    chunk.writeUInt32LE(script.length, 4);
    const polyglot = Buffer.concat([jfk, chunk, script, Buffer.alloc(script.length % 2)]);
    polyglot.writeUInt32LE(polyglot.length - 8, 4);
    const path = join(await mkdtemp(join(tmpdir(), 'hark-polyglot-')), 'x.html');
    await writeFile(path, polyglot);
    const { status, body: task } = await upload(stack.baseUrl, path);
    expect(status).toBe(201);
    for (const query of ['', '?inline=true']) {
      const response = await get(`${stack.baseUrl}/api/v1/tasks/${task.id}/media${query}`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/octet-stream');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBe('sandbox');
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?x\.html"?$/);
      expect(response.body.equals(polyglot)).toBe(true);
    }
  });

  it('a range: 206 with Content-Range and exactly those bytes; open and suffix ranges too', async () => {
    const middle = await get(media(), { range: 'bytes=1000-1999' });
    expect(middle.status).toBe(206);
    expect(middle.headers['content-range']).toBe(`bytes 1000-1999/${jfk.length}`);
    expect(middle.body.equals(jfk.subarray(1000, 2000))).toBe(true);

    const open = await get(media(), { range: `bytes=${jfk.length - 10}-` });
    expect(open.status).toBe(206);
    expect(open.body.equals(jfk.subarray(jfk.length - 10))).toBe(true);

    const suffix = await get(media(), { range: 'bytes=-44' });
    expect(suffix.status).toBe(206);
    expect(suffix.body.equals(jfk.subarray(jfk.length - 44))).toBe(true);
  });

  it('an unsatisfiable range is 416 with the size', async () => {
    const response = await get(media(), { range: `bytes=${jfk.length + 10}-${jfk.length + 20}` });
    expect(response.status).toBe(416);
    expect(response.headers['content-range']).toBe(`bytes */${jfk.length}`);
    expect(JSON.parse(response.body.toString()).message).toMatch(new RegExp(`the file has ${jfk.length} bytes`));
  });

  it('410 media_gone once retention has removed the media', async () => {
    const { body: other } = await upload(stack.baseUrl, audioPath('jfk.wav'));
    await stack.sql('UPDATE tasks SET media_path = NULL, media_removed_at = now() WHERE id = $1', [other.id]);
    const response = await get(`${stack.baseUrl}/api/v1/tasks/${other.id}/media`);
    expect(response.status).toBe(410);
    const body = JSON.parse(response.body.toString());
    expect(body.code).toBe('media_gone');
    expect(body.message).toMatch(/removed by retention/);
  });

  it('404 for an unknown task', async () => {
    expect((await get(`${stack.baseUrl}/api/v1/tasks/00000000-0000-4000-8000-000000000000/media`)).status).toBe(404);
  });
});
