import { request } from 'node:http';
import { readFileSync } from 'node:fs';
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

  it('the whole file, with its type and Accept-Ranges', async () => {
    const response = await get(media());
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^audio\/(x-)?wav/);
    expect(response.headers['accept-ranges']).toBe('bytes');
    expect(response.body.equals(jfk)).toBe(true);
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
