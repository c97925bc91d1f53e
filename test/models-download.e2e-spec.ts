import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelsDir } from './support/env';
import { freePort } from './support/ports';

const ROOT = resolve(__dirname, '..');
const DUMMY = 'sherpa-onnx-whisper-dummy-testonly';

/**
 * `npm run models:download` against a real HTTP server on 127.0.0.1 that serves what sherpa-onnx's
 * release page serves: `<folder>.tar.bz2` archives (built here from the test-double model, with
 * tar + bzip2) and `silero_vad.onnx`, behind a redirect as GitHub does.
 */
describe('models:download', () => {
  let server: Server;
  let baseUrl: string;
  const requests: string[] = [];
  const assets = new Map<string, Buffer>();

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'hark-archive-'));
    cpSync(join(testModelsDir(), DUMMY), join(work, DUMMY), { recursive: true });
    execFileSync('tar', ['-cjf', join(work, 'archive.tar.bz2'), '-C', work, DUMMY]);
    assets.set(`/${DUMMY}.tar.bz2`, readFileSync(join(work, 'archive.tar.bz2')));
    assets.set('/sherpa-onnx-whisper-broken.tar.bz2', Buffer.from('BZh91AY&SY this is not a bzip2 stream'));
    assets.set('/silero_vad.onnx', readFileSync(join(testModelsDir(), 'silero-vad', 'silero_vad.onnx')));
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
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/releases`;
  });
  afterAll(() => new Promise((done) => server?.close(done)));

  /** Runs the built script asynchronously (the fixture server lives in this process). */
  function download(
    modelsDir: string,
    ...names: string[]
  ): Promise<{ status: number; stdout: string; stderr: string }> {
    return downloadFrom(baseUrl, modelsDir, ...names);
  }

  /** `download` from another MODELS_BASE_URL. */
  function downloadFrom(
    base: string,
    modelsDir: string,
    ...names: string[]
  ): Promise<{ status: number; stdout: string; stderr: string }> {
    const env = {
      ...process.env,
      MODELS_DIR: modelsDir,
      MODELS_BASE_URL: base,
      VAD_MODEL: 'silero-vad/silero_vad.onnx',
      ASR_MODEL: 'dummy-testonly',
    };
    return new Promise((done) =>
      execFile(
        process.execPath,
        [join(ROOT, 'dist/scripts/download-models.js'), ...names],
        { cwd: ROOT, env },
        (error, stdout, stderr) => done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
  }

  it('downloads, verifies and unpacks the model and the VAD, showing progress', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'hark-models-'));
    const run = await download(modelsDir);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Installed: Whisper dummy-testonly in ${join(modelsDir, DUMMY)}`);
    expect(run.stdout).toContain('Installed: Silero VAD');
    expect(run.stderr).toMatch(/dummy-testonly: [\d.]+ MiB \/ [\d.]+ MiB \(100%\)/);
    for (const file of readdirSync(join(testModelsDir(), DUMMY))) {
      expect(
        readFileSync(join(modelsDir, DUMMY, file)).equals(readFileSync(join(testModelsDir(), DUMMY, file))),
        file,
      ).toBe(true);
    }
    expect(readFileSync(join(modelsDir, 'silero-vad', 'silero_vad.onnx')).equals(assets.get('/silero_vad.onnx')!)).toBe(
      true,
    );
    expect(readdirSync(modelsDir).sort()).toEqual([DUMMY, 'silero-vad']); // no temporary files left

    requests.length = 0;
    const again = await download(modelsDir);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('Already present: Whisper dummy-testonly');
    expect(again.stdout).toContain('Already present: Silero VAD');
    expect(requests).toEqual([]);
  });

  it('fails with the reason and installs nothing for a missing or corrupt archive', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'hark-models-'));
    writeFileSync(join(modelsDir, 'keep.txt'), '');
    const missing = await download(modelsDir, 'large-v9');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/models:download failed: HTTP 404 from .*sherpa-onnx-whisper-large-v9\.tar\.bz2/);
    expectFixes(missing.stderr, modelsDir, 'large-v9');
    const corrupt = await download(modelsDir, 'broken');
    expect(corrupt.status).toBe(1);
    expect(corrupt.stderr).toMatch(/sherpa-onnx-whisper-broken\.tar\.bz2 is not a valid \.tar\.bz2 archive/);
    expect(readdirSync(modelsDir)).toEqual(['keep.txt']);
    expect(existsSync(join(modelsDir, 'sherpa-onnx-whisper-broken'))).toBe(false);
  });

  /** Asserts that a failure message says both ways forward, naming the exact folder and files of `name`. */
  function expectFixes(stderr: string, modelsDir: string, name: string): void {
    expect(stderr).toMatch(/set MODELS_BASE_URL to a mirror/);
    expect(stderr).toContain(
      `unpack it into ${modelsDir} (MODELS_DIR), so that ${join(modelsDir, `sherpa-onnx-whisper-${name}`)}/ holds ` +
        `${name}-encoder.int8.onnx, ${name}-decoder.int8.onnx, ${name}-tokens.txt`,
    );
    expect(stderr).toContain('then run `npm run models:download`');
  }

  it('names a refused connection as the cause, and the fixes', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'hark-models-'));
    const closed = `http://127.0.0.1:${await freePort()}/releases`; // nothing listens there
    const run = await downloadFrom(closed, modelsDir, 'tiny');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `models:download failed: Cannot reach ${closed}/sherpa-onnx-whisper-tiny.tar.bz2: connection refused by 127.0.0.1:`,
    );
    expect(run.stderr).toContain('ECONNREFUSED');
    expect(run.stderr).toContain(`(now ${closed})`);
    expectFixes(run.stderr, modelsDir, 'tiny');
    expect(readdirSync(modelsDir)).toEqual([]);
  });

  it('names an unknown host name (DNS) as the cause, and the fixes', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'hark-models-'));
    // .invalid never resolves (RFC 6761); without any DNS the lookup fails alike (EAI_AGAIN).
    const unknown = 'http://hark-models.invalid/releases';
    const run = await downloadFrom(unknown, modelsDir, 'base');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /Cannot reach http:\/\/hark-models\.invalid\/releases\/sherpa-onnx-whisper-base\.tar\.bz2: DNS name not found: hark-models\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)/,
    );
    expectFixes(run.stderr, modelsDir, 'base');
  });

  it('names an HTTP 404 of the VAD, and where to put the file by hand', async () => {
    const modelsDir = mkdtempSync(join(tmpdir(), 'hark-models-'));
    cpSync(join(testModelsDir(), DUMMY), join(modelsDir, DUMMY), { recursive: true }); // Whisper already there
    const empty = baseUrl.replace('/releases', '/empty');
    const run = await downloadFrom(empty, modelsDir);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('Already present: Whisper dummy-testonly');
    expect(run.stderr).toContain(`models:download failed: HTTP 404 from ${empty}/silero_vad.onnx`);
    expect(run.stderr).toMatch(/set MODELS_BASE_URL to a mirror/);
    expect(run.stderr).toContain(
      `download ${empty}/silero_vad.onnx on a machine that can, and save it as ${join(modelsDir, 'silero-vad', 'silero_vad.onnx')} (VAD_MODEL)`,
    );
    expect(existsSync(join(modelsDir, 'silero-vad', 'silero_vad.onnx'))).toBe(false);
  });
});
