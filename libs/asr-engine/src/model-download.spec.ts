import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelsDir } from '../../../test/support/env';
import {
  DIARIZATION_EMBEDDING_FILE,
  DIARIZATION_SEGMENTATION_ARCHIVE,
  DIARIZATION_SEGMENTATION_FOLDER,
  installDiarizationModels,
  ModelDownloadError,
} from './model-download';

const EMBEDDING_NAME = '3dspeaker_speech_eres2net_base_sv_zh-cn_3dspeaker_16k.onnx';

/**
 * `installDiarizationModels` against a real HTTP server on 127.0.0.1 that serves sherpa-onnx's
 * release paths behind a redirect, as GitHub does: the segmentation archive (built here with tar +
 * bzip2 from the test double, in the real archive's layout) and the embedding file (the embedding
 * double). Each first path segment is a "mirror" with its own content, for the failure cases.
 */
describe('installDiarizationModels', () => {
  let server: Server;
  let origin: string;
  const requests: string[] = [];
  const assets = new Map<string, Buffer>();
  let segmentationModel: Buffer;
  let embeddingModel: Buffer;

  beforeAll(async () => {
    const models = testModelsDir();
    segmentationModel = readFileSync(join(models, 'sherpa-onnx-pyannote-segmentation-testonly', 'model.onnx'));
    embeddingModel = readFileSync(join(models, 'speaker-embedding-testonly', 'speaker-embedding-testonly.onnx'));
    const work = mkdtempSync(join(tmpdir(), 'hark-diarization-archive-'));
    const folder = join(work, DIARIZATION_SEGMENTATION_FOLDER);
    mkdirSync(folder);
    writeFileSync(join(folder, 'model.onnx'), segmentationModel);
    writeFileSync(join(folder, 'LICENSE'), 'MIT License (test)\n');
    execFileSync('tar', ['-cjf', join(work, 'good.tar.bz2'), '-C', work, DIARIZATION_SEGMENTATION_FOLDER]);
    const good = readFileSync(join(work, 'good.tar.bz2'));
    // The same layout, but model.onnx is the embedding double: a valid ONNX file, the wrong model.
    writeFileSync(join(folder, 'model.onnx'), embeddingModel);
    execFileSync('tar', ['-cjf', join(work, 'wrong.tar.bz2'), '-C', work, DIARIZATION_SEGMENTATION_FOLDER]);

    const serve = (mirror: string, archive: Buffer | null, embedding: Buffer | null) => {
      if (archive) assets.set(`/${mirror}/${DIARIZATION_SEGMENTATION_ARCHIVE}`, archive);
      if (embedding) assets.set(`/${mirror}/${DIARIZATION_EMBEDDING_FILE}`, embedding);
    };
    serve('ok', good, embeddingModel);
    serve('no-embedding', good, null);
    serve('corrupt', Buffer.from('BZh91AY&SY this is not a bzip2 stream'), embeddingModel);
    serve('wrong-model', readFileSync(join(work, 'wrong.tar.bz2')), embeddingModel);
    serve('html', good, Buffer.from('<!DOCTYPE html><html><body>Mirror maintenance</body></html>'));

    server = createServer((request, response) => {
      requests.push(request.url!);
      if (request.url!.startsWith('/releases/')) {
        response.writeHead(302, { location: request.url!.replace('/releases/', '/cdn/') }).end();
        return;
      }
      const asset = assets.get(request.url!.replace('/cdn', ''));
      if (!asset) response.writeHead(404).end('Not Found');
      else response.writeHead(200, { 'content-length': asset.length }).end(asset);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((done) => server?.close(done)));

  /** The defaults' layout under a fresh MODELS_DIR. */
  function freshModelsDir(): { dir: string; segmentation: string; embedding: string } {
    const dir = mkdtempSync(join(tmpdir(), 'hark-models-'));
    return {
      dir,
      segmentation: join(dir, DIARIZATION_SEGMENTATION_FOLDER, 'model.onnx'),
      embedding: join(dir, EMBEDDING_NAME),
    };
  }

  it('downloads both through the redirect, verifies them and installs them in the archive layout', async () => {
    const { dir, segmentation, embedding } = freshModelsDir();
    requests.length = 0;
    const progress = new Map<string, [number, number | null][]>();
    const installed = await installDiarizationModels(segmentation, embedding, `${origin}/releases/ok`, (file) => {
      const seen: [number, number | null][] = [];
      progress.set(file, seen);
      return (received, total) => seen.push([received, total]);
    });
    expect(installed).toEqual({ segmentation: true, embedding: true });
    expect(requests).toEqual([
      `/releases/ok/${DIARIZATION_SEGMENTATION_ARCHIVE}`,
      `/cdn/ok/${DIARIZATION_SEGMENTATION_ARCHIVE}`,
      `/releases/ok/${DIARIZATION_EMBEDDING_FILE}`,
      `/cdn/ok/${DIARIZATION_EMBEDDING_FILE}`,
    ]);
    expect(readFileSync(segmentation).equals(segmentationModel)).toBe(true);
    expect(readFileSync(join(dir, DIARIZATION_SEGMENTATION_FOLDER, 'LICENSE'), 'utf8')).toBe('MIT License (test)\n');
    expect(readFileSync(embedding).equals(embeddingModel)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([EMBEDDING_NAME, DIARIZATION_SEGMENTATION_FOLDER].sort()); // no temporary files
    expect(readdirSync(join(dir, DIARIZATION_SEGMENTATION_FOLDER)).sort()).toEqual(['LICENSE', 'model.onnx']);

    expect([...progress.keys()]).toEqual(['sherpa-onnx-pyannote-segmentation-3-0.tar.bz2', EMBEDDING_NAME]);
    expect(progress.get(EMBEDDING_NAME)!.at(-1)).toEqual([embeddingModel.length, embeddingModel.length]);
    const [received, total] = progress.get('sherpa-onnx-pyannote-segmentation-3-0.tar.bz2')!.at(-1)!;
    expect(received).toBe(total);

    requests.length = 0;
    const again = await installDiarizationModels(segmentation, embedding, `${origin}/releases/ok`);
    expect(again).toEqual({ segmentation: false, embedding: false });
    expect(requests).toEqual([]);
  });

  it('leaves a present file alone and downloads only the other one', async () => {
    const { dir, segmentation, embedding } = freshModelsDir();
    writeFileSync(embedding, 'an operator’s own embedding model');
    requests.length = 0;
    const installed = await installDiarizationModels(segmentation, embedding, `${origin}/releases/ok`);
    expect(installed).toEqual({ segmentation: true, embedding: false });
    expect(requests.every((url) => url.endsWith('.tar.bz2'))).toBe(true);
    expect(readFileSync(embedding, 'utf8')).toBe('an operator’s own embedding model');
    expect(readFileSync(segmentation).equals(segmentationModel)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([EMBEDDING_NAME, DIARIZATION_SEGMENTATION_FOLDER].sort());
  });

  it('puts model.onnx at a configured path of another name, and into an existing folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hark-models-'));
    const renamed = join(dir, 'diarization', 'pyannote.onnx');
    const embedding = join(dir, 'diarization', 'embedding.onnx');
    await installDiarizationModels(renamed, embedding, `${origin}/ok`);
    expect(readFileSync(renamed).equals(segmentationModel)).toBe(true);
    expect(readFileSync(embedding).equals(embeddingModel)).toBe(true);
    expect(readdirSync(join(dir, 'diarization')).sort()).toEqual(['LICENSE', 'embedding.onnx', 'pyannote.onnx']);

    // The folder exists (here: MODELS_DIR itself): only the model file goes in.
    const flat = join(dir, 'segmentation.onnx');
    await installDiarizationModels(flat, embedding, `${origin}/ok`);
    expect(readFileSync(flat).equals(segmentationModel)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['diarization', 'segmentation.onnx']);
  });

  /** Runs an install that must fail; returns its error after checking that nothing was installed. */
  async function failing(base: string): Promise<ModelDownloadError> {
    const { dir, segmentation, embedding } = freshModelsDir();
    writeFileSync(join(dir, 'keep.txt'), '');
    const error = await installDiarizationModels(segmentation, embedding, base).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ModelDownloadError);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    expect(existsSync(segmentation)).toBe(false);
    expect(existsSync(embedding)).toBe(false);
    const message = (error as ModelDownloadError).message;
    expect(message).toContain(
      `set DIARIZATION_MODELS_BASE_URL to a mirror of sherpa-onnx's release downloads (now ${base})`,
    );
    expect(message).toContain('then run `npm run models:download -- diarization` again');
    expect((error as ModelDownloadError).code).toBe('download_failed');
    return error as ModelDownloadError;
  }

  it('installs neither model when the second download fails, and says why and what to do', async () => {
    const error = await failing(`${origin}/releases/no-embedding`);
    expect(error.message).toMatch(
      new RegExp(
        `^HTTP 404 from ${origin}/releases/no-embedding/${DIARIZATION_EMBEDDING_FILE} \\(no such file there: check DIARIZATION_MODELS_BASE_URL`,
      ),
    );
    expect(error.message).toMatch(
      /save it as .*3dspeaker_speech_eres2net_base_sv_zh-cn_3dspeaker_16k\.onnx \(DIARIZATION_EMBEDDING_MODEL\)/,
    );
  });

  it('refuses a corrupt archive, an archive with the wrong model, and an HTML page for a model', async () => {
    expect((await failing(`${origin}/corrupt`)).message).toMatch(
      /^sherpa-onnx-pyannote-segmentation-3-0\.tar\.bz2 is not a valid \.tar\.bz2 archive/,
    );
    const wrong = await failing(`${origin}/wrong-model`);
    expect(wrong.message).toMatch(
      /does not hold a usable model: sherpa-onnx-pyannote-segmentation-3-0\/model\.onnx is not a pyannote segmentation model for sherpa-onnx: it lacks the metadata window_size/,
    );
    expect(wrong.message).toMatch(/unpack it so that its sherpa-onnx-pyannote-segmentation-3-0\/model\.onnx is \//);
    const html = await failing(`${origin}/html`);
    expect(html.message).toContain(`${origin}/html/${DIARIZATION_EMBEDDING_FILE} is not an ONNX model`);
    expect(html.message).not.toContain('.download-');
  });

  it('names a refused connection, with the same two ways forward', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as { port: number }).port;
    await new Promise((done) => closed.close(done));
    const error = await failing(`http://127.0.0.1:${port}/mirror`);
    expect(error.message).toMatch(/^Cannot reach .*: connection refused by 127\.0\.0\.1:\d+ \(ECONNREFUSED/);
  });
});

describe('installDiarizationModels with files copied in by hand', () => {
  it('accepts them without any network (an unreachable base URL is never asked)', async () => {
    const models = testModelsDir();
    const dir = mkdtempSync(join(tmpdir(), 'hark-models-'));
    mkdirSync(join(dir, DIARIZATION_SEGMENTATION_FOLDER));
    copyFileSync(
      join(models, 'sherpa-onnx-pyannote-segmentation-testonly', 'model.onnx'),
      join(dir, DIARIZATION_SEGMENTATION_FOLDER, 'model.onnx'),
    );
    copyFileSync(
      join(models, 'speaker-embedding-testonly', 'speaker-embedding-testonly.onnx'),
      join(dir, EMBEDDING_NAME),
    );
    const installed = await installDiarizationModels(
      join(dir, DIARIZATION_SEGMENTATION_FOLDER, 'model.onnx'),
      join(dir, EMBEDDING_NAME),
      'http://127.0.0.1:1/nowhere',
    );
    expect(installed).toEqual({ segmentation: false, embedding: false });
  });
});
