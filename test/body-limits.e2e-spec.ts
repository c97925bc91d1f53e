import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { slowUpload } from './support/slow-upload';
import { TestStack } from './support/stack';

const MAX_UPLOAD_BYTES = 1_000_000;
const JSON_BODY_LIMIT_BYTES = 64 * 1024;
/** An upload that would take 20 MB / (64 KiB per 100 ms) ≈ 32 s to send. */
const FILE_BYTES = 20 * 1024 * 1024;

async function postJson(baseUrl: string, body: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}/api/v1/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, body: await response.json() };
}

/** `{"pad": "xxx…"}` of about `bytes` bytes. */
const padded = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes) });

describe('request body limits', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create({
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      JSON_BODY_LIMIT_BYTES: String(JSON_BODY_LIMIT_BYTES),
    });
    await stack.startApi();
  });
  afterAll(() => stack?.destroy());
  afterEach(async () => {
    // A refused request leaves no task and no stored file.
    expect(await stack.sql('SELECT id FROM tasks')).toEqual([]);
    expect(await stack.storedUploads()).toEqual([]);
  });

  describe('an upload over MAX_UPLOAD_BYTES is answered 413 before it has been sent', () => {
    it('with a Content-Length over the limit: before the body is read, and the connection is closed', async () => {
      const result = await slowUpload(stack.baseUrl, { fileBytes: FILE_BYTES }).result;
      expect(result.status).toBe(413);
      // At most the first write (multipart head and one chunk) was out when the answer came.
      expect(result.sentWhenAnswered).toBeLessThan(128 * 1024);
      expect(result.headers?.connection).toBe('close');
      const body = JSON.parse(result.body!);
      expect(body.message).toContain(`${MAX_UPLOAD_BYTES} bytes (MAX_UPLOAD_BYTES)`);
    });

    it('chunked (no Content-Length): as soon as the file crosses the limit', async () => {
      const result = await slowUpload(stack.baseUrl, { fileBytes: FILE_BYTES, contentLength: false }).result;
      expect(result.status).toBe(413);
      expect(result.sentWhenAnswered).toBeGreaterThan(MAX_UPLOAD_BYTES);
      expect(result.sentWhenAnswered).toBeLessThan(2 * MAX_UPLOAD_BYTES); // of the ~20 MB body
      expect(result.headers?.connection).toBe('close');
      expect(JSON.parse(result.body!).message).toContain(`${MAX_UPLOAD_BYTES} bytes (MAX_UPLOAD_BYTES)`);
    });

    it('the OpenAI-compatible route answers in its own shape', async () => {
      const result = await slowUpload(stack.baseUrl, { route: '/v1/audio/transcriptions', fileBytes: FILE_BYTES })
        .result;
      expect(result.status).toBe(413);
      expect(result.sentWhenAnswered).toBeLessThan(128 * 1024);
      expect(JSON.parse(result.body!).error).toMatchObject({
        code: 'file_too_large',
        message: expect.stringContaining('MAX_UPLOAD_BYTES'),
      });
    });
  });

  describe('JSON bodies', () => {
    it('over JSON_BODY_LIMIT_BYTES → 413 naming that limit, not the upload limit', async () => {
      const { status, body } = await postJson(stack.baseUrl, padded(JSON_BODY_LIMIT_BYTES + 1000));
      expect(status).toBe(413);
      expect(body.message).toContain(`${JSON_BODY_LIMIT_BYTES} bytes (JSON_BODY_LIMIT_BYTES)`);
      expect(body.message).not.toContain('MAX_UPLOAD_BYTES');
    });

    it('over the limit without a Content-Length (chunked) → the same 413', async () => {
      const chunks = [padded(JSON_BODY_LIMIT_BYTES + 1000)];
      const response = await fetch(`${stack.baseUrl}/api/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: new ReadableStream({
          pull: (controller) => {
            const next = chunks.shift();
            if (next) controller.enqueue(new TextEncoder().encode(next));
            else controller.close();
          },
        }),
        duplex: 'half',
      });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { message: string }).message).toContain(
        `${JSON_BODY_LIMIT_BYTES} bytes (JSON_BODY_LIMIT_BYTES)`,
      );
    });

    it('under the limit (and over Express’s default of 100 KB when the limit allows): parsed as usual', async () => {
      const { status, body } = await postJson(stack.baseUrl, padded(JSON_BODY_LIMIT_BYTES - 1000));
      expect(status).toBe(400); // parsed: its (unknown) field is named
      expect(body.message).toMatch(/^pad is not a field/);
    });

    it('nested deeper than 64 levels → 400 saying so, not 500', async () => {
      const deep = `{"file_url":"https://example.com/talk.mp3","x":${'['.repeat(2000)}${']'.repeat(2000)}}`;
      const { status, body } = await postJson(stack.baseUrl, deep);
      expect(status).toBe(400);
      expect(body.message).toMatch(/nested more than 64 levels deep/);
    });

    it('nested 60 levels deep is not refused for its depth', async () => {
      const { status, body } = await postJson(stack.baseUrl, `{"x":${'['.repeat(59)}${']'.repeat(59)}}`);
      expect(status).toBe(400); // parsed: its (unknown) field is named
      expect(body.message).toMatch(/^x is not a field/);
    });
  });
});
