import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HarkError } from '@app/errors';
import { HttpClient, type HttpFetcher, HttpRequestError } from '@app/http';
import * as tar from 'tar';
import bz2 from 'unbzip2-stream';
import { assertVadModel, resolveWhisperModel, whisperModelFolder, type WhisperModelFiles } from './model-files';

/** Redirects followed to an archive (GitHub release assets redirect to a CDN); 20, as `fetch` did. */
const MAX_REDIRECTS = 20;
/** Longest pause without data before a download is given up, in ms (undici's body timeout, which `fetch` applied). */
const IDLE_TIMEOUT_MS = 300_000;

/** Bytes received so far and the expected total (null when the server did not say). */
export type DownloadProgress = (received: number, total: number | null) => void;

/** A download or an archive failed; nothing was installed. Code `download_failed`, not retryable. */
export class ModelDownloadError extends HarkError {
  constructor(message: string) {
    super('download_failed', message, false);
  }
}

/**
 * Downloads `url` to `path` through a `.part` file that is renamed only when complete, so an
 * interrupted download never looks installed. Redirects are followed (up to 20); the URL is the
 * operator's MODELS_BASE_URL, so the private-address guard is off. No overall time limit
 * (archives reach gigabytes), but 5 minutes without data fail the download.
 * @throws ModelDownloadError `Cannot reach <url>: …` (no answer), `HTTP <status> from <url>`,
 *   `Download of <url> failed: …` (broken off), `Incomplete download of <url>: <n> of <total> bytes`
 */
async function download(http: HttpFetcher, url: string, path: string, onProgress?: DownloadProgress): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.part`;
  const seen = { started: false, total: null as number | null };
  try {
    const { bytes } = await http.download(url, part, {
      maxRedirects: MAX_REDIRECTS,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      privateAddresses: 'allow',
      onProgress: (received, total) => {
        seen.started = true;
        seen.total = total;
        onProgress?.(received, total);
      },
    });
    if (seen.total !== null && bytes !== seen.total)
      throw new ModelDownloadError(`Incomplete download of ${url}: ${bytes} of ${seen.total} bytes`);
    await rename(part, path);
  } catch (error) {
    await rm(part, { force: true });
    if (error instanceof ModelDownloadError) throw error;
    if (error instanceof HttpRequestError && error.failure === 'status')
      throw new ModelDownloadError(`HTTP ${error.status} from ${url}`);
    const message = (error as Error).message;
    throw new ModelDownloadError(
      seen.started ? `Download of ${url} failed: ${message}` : `Cannot reach ${url}: ${message}`,
    );
  }
}

/**
 * Installs a Whisper model from sherpa-onnx's release archive
 * `<baseUrl>/sherpa-onnx-whisper-<name>.tar.bz2` into `modelsDir`, unless it is already there.
 * The archive is verified by decompressing it (bzip2 block CRCs) and by checking that it holds a
 * complete model; only then is the folder moved into place.
 * @param http the HTTP client (a fixture in tests)
 * @returns the installed model's files and whether anything was downloaded
 * @throws ModelDownloadError for HTTP errors, corrupt archives and incomplete models
 */
export async function installWhisperModel(
  modelsDir: string,
  name: string,
  baseUrl: string,
  onProgress?: DownloadProgress,
  http: HttpFetcher = new HttpClient(),
): Promise<{ files: WhisperModelFiles; downloaded: boolean }> {
  try {
    return { files: resolveWhisperModel(modelsDir, name), downloaded: false };
  } catch {
    // not installed yet
  }
  const folder = whisperModelFolder(name);
  await mkdir(modelsDir, { recursive: true });
  const work = await mkdtemp(join(modelsDir, `.download-${folder}-`));
  try {
    const archive = join(work, `${folder}.tar.bz2`);
    await download(http, `${baseUrl}/${folder}.tar.bz2`, archive, onProgress);
    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked);
    await pipeline(createReadStream(archive), bz2(), tar.x({ cwd: unpacked, strict: true })).catch((error: Error) => {
      throw new ModelDownloadError(`${folder}.tar.bz2 is not a valid .tar.bz2 archive: ${error.message}`);
    });
    let files: WhisperModelFiles;
    try {
      files = resolveWhisperModel(unpacked, name);
    } catch (error) {
      throw new ModelDownloadError(`${folder}.tar.bz2 does not hold a complete model: ${(error as Error).message}`);
    }
    await rename(files.dir, join(modelsDir, folder));
    return { files: resolveWhisperModel(modelsDir, name), downloaded: true };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Installs Silero VAD (`<baseUrl>/silero_vad.onnx`) at `path` unless a non-empty file is there.
 * @param http the HTTP client (a fixture in tests)
 * @returns whether anything was downloaded
 * @throws ModelDownloadError for HTTP errors or an empty file
 */
export async function installVadModel(
  path: string,
  baseUrl: string,
  onProgress?: DownloadProgress,
  http: HttpFetcher = new HttpClient(),
): Promise<boolean> {
  if (existsSync(path) && (await stat(path)).size > 0) return false;
  await download(http, `${baseUrl}/silero_vad.onnx`, path, onProgress);
  if ((await stat(path)).size === 0) {
    await rm(path);
    throw new ModelDownloadError(`${baseUrl}/silero_vad.onnx is empty`);
  }
  assertVadModel(path);
  return true;
}
