import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, upload, waitForTask } from './support/api-client';
import { audioPath } from './support/env';
import { FixtureServer } from './support/fixture-server';
import {
  type HostileFile,
  writeLyingFlac,
  writePlaylists,
  writeSilentFlac,
  writeWavAtRate,
} from './support/hostile-media';
import { childrenNamed } from './support/proc';
import { type AppProcess, TestStack } from './support/stack';

/** Small enough for the corpus to be cheap: a 40 s file is over it. */
const MAX_AUDIO_SECONDS = 30;

/**
 * The hostile-media corpus against a running stack: playlists and lists of other files (refused
 * with 415 naming the format, at upload and at download, with nothing they name ever read), files
 * that claim hours, a header that lies, and an ffmpeg that hangs (killed by the watchdog).
 */
describe('hostile media', () => {
  let stack: TestStack;
  let processor: AppProcess;
  let scratch: string;
  let corpus: HostileFile[];
  const internal = new FixtureServer();

  beforeAll(async () => {
    await internal.start();
    internal.route('/media/secret.wav', (_request, _body, response) =>
      response.writeHead(200, { 'content-type': 'audio/wav' }).end(readFileSync(audioPath('jfk.wav'))),
    );
    stack = await TestStack.create({
      MAX_AUDIO_SECONDS: String(MAX_AUDIO_SECONDS),
      // Long enough that a loaded machine's ffmpeg start-up is never taken for a stall.
      MEDIA_STALL_TIMEOUT_S: '5',
      ALLOWED_URL_HOSTS: '127.0.0.1',
      JOB_ATTEMPTS: '1',
    });
    scratch = stack.env.STORAGE_DIR;
    corpus = writePlaylists(scratch, audioPath('jfk.wav'), `${internal.baseUrl}/media/secret.wav`);
    for (const file of corpus)
      internal.route(`/${file.name}`, (_r, _b, response) => response.end(readFileSync(file.path)));
    await stack.startApi();
    processor = await stack.startProcessor();
  });
  afterAll(async () => {
    await stack?.destroy();
    await internal.stop();
  });

  it('playlists and lists of files are refused at upload with 415 naming the format; nothing they name is read', async () => {
    for (const file of corpus) {
      for (const route of ['/api/v1/tasks', '/api/v1/media/extract-audio']) {
        const { status, body } = await upload(stack.baseUrl, file.path, {}, route);
        expect({ file: file.name, route, status, code: body.code }).toEqual({
          file: file.name,
          route,
          status: 415,
          code: 'unsupported_format',
        });
        expect(body.message).toContain(`ffmpeg format "${file.format}"`);
        expect(body.message).toMatch(/never a playlist/);
      }
    }
    expect(await stack.sql('SELECT id FROM tasks')).toEqual([]);
    expect(await stack.storedUploads()).toEqual([]);
    expect(internal.requests.map((request) => request.url)).not.toContain('/media/secret.wav');
  });

  it('a playlist downloaded from file_url fails its task as unsupported_format, and is not followed', async () => {
    const live = corpus.find((file) => file.name.startsWith('hls-live'))!;
    const created = await postJson(stack.baseUrl, '/api/v1/tasks', { file_url: `${internal.baseUrl}/${live.name}` });
    expect(created.status).toBe(201);
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task).toMatchObject({ status: 'failed', error_code: 'unsupported_format' });
    expect(task.error).toContain('HLS playlist');
    expect(internal.requests.map((request) => request.url)).not.toContain('/media/secret.wav');
  });

  it('a file that claims hours is refused before any work: over MAX_AUDIO_SECONDS (422) or under the sample-rate floor (415)', async () => {
    const [{ count: before }] = await stack.sql<{ count: string }>('SELECT count(*) FROM tasks');
    const hour = join(scratch, 'hour-of-silence.flac');
    writeSilentFlac(hour, 3600);
    const long = await upload(stack.baseUrl, hour);
    expect(long.status).toBe(422);
    expect(long.body).toMatchObject({ code: 'too_long' });
    expect(long.body.message).toMatch(/3600 s long.*at most 30 s per file \(MAX_AUDIO_SECONDS\)/);

    // 100 KB at 1 Hz would claim 13.9 h and make ffmpeg allocate gigabytes to resample it.
    const oneHertz = join(scratch, 'one-hertz.wav');
    writeWavAtRate(oneHertz, 1, 20);
    const slow = await upload(stack.baseUrl, oneHertz);
    expect(slow.status).toBe(415);
    expect(slow.body).toMatchObject({ code: 'unsupported_format' });
    expect(slow.body.message).toMatch(/sampled at 1 Hz.*2000 Hz or more/);
    expect(await stack.sql('SELECT count(*) FROM tasks')).toEqual([{ count: before }]);
  });

  it('a header that lies stops at MAX_AUDIO_SECONDS while decoding: the task fails as too_long', async () => {
    const lying = join(scratch, 'lying.flac');
    writeLyingFlac(lying, 45, 5); // says 5 s, holds 45 s
    const created = await upload(stack.baseUrl, lying, { vad_filter: 'false' });
    expect(created.status).toBe(201);
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task).toMatchObject({ status: 'failed', error_code: 'too_long' });
    expect(task.error).toMatch(/goes on past 30 s.*MAX_AUDIO_SECONDS/);
  });

  it('an ffmpeg that hangs on its input is killed by the watchdog and its task fails as unreadable', async () => {
    await processor.stop();
    const created = await upload(stack.baseUrl, audioPath('jfk.wav'));
    expect(created.status).toBe(201);
    // The stored upload turns into a FIFO nobody writes to: ffmpeg blocks opening it, through SIGTERM.
    const [{ media_path }] = await stack.sql<{ media_path: string }>('SELECT media_path FROM tasks WHERE id = $1', [
      created.body.id,
    ]);
    await unlink(media_path);
    execFileSync('mkfifo', [media_path]);
    processor = await stack.startProcessor();
    const { task } = await waitForTask(stack.baseUrl, created.body.id);
    expect(task).toMatchObject({ status: 'failed', error_code: 'unreadable' });
    expect(task.error).toMatch(/no progress for 5 s \(MEDIA_STALL_TIMEOUT_S\)/);
    expect(childrenNamed(processor.pid, 'ffmpeg')).toEqual([]);
  });
});
