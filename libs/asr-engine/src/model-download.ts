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
 * The cause of a failed download in words: `DNS name not found: <host> does not resolve
 * (ENOTFOUND)`, `connection refused by <host> (ECONNREFUSED)`, `TLS error with <host>: <code>`,
 * `timed out: …`, `HTTP <status> from <url>`, or the error's own message.
 */
export function describeDownloadFailure(error: unknown, url: string): string {
  if (!(error instanceof HttpRequestError)) return (error as Error).message;
  const host = error.url?.host ?? new URL(url).host;
  switch (error.failure) {
    case 'status':
      return `HTTP ${error.status} from ${url}${error.status === 404 ? ' (no such file there: check the model name and MODELS_BASE_URL)' : ''}`;
    case 'timeout':
      return `timed out: ${error.message}`;
    case 'network':
      return describeNetworkError(error.reason, host);
    default:
      return error.message;
  }
}

/** A system error code (`ECONNREFUSED`, `ENOTFOUND`, a TLS code, …) of `host` in words. */
function describeNetworkError(code: string, host: string): string {
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME')
    return `DNS name not found: ${host} does not resolve (${code}; no network, a typo, or DNS is blocked)`;
  if (code === 'ECONNREFUSED') return `connection refused by ${host} (${code}: nothing listens there)`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `connection reset by ${host} (${code}; a proxy or firewall?)`;
  if (code === 'ETIMEDOUT' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH')
    return `cannot connect to ${host} (${code}: network unreachable or connection timed out)`;
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code))
    return `TLS error with ${host}: ${code} (an intercepting proxy, or a wrong system clock?)`;
  return `network error with ${host}: ${code}`;
}

/**
 * What to do when a download fails: set MODELS_BASE_URL to a mirror, or place the files by
 * hand; `manual` says which files go where.
 */
function downloadHint(baseUrl: string, url: string, manual: string): string {
  return [
    'To get past this, either',
    `  - set MODELS_BASE_URL to a mirror of sherpa-onnx's release files (now ${baseUrl}), e.g. MODELS_BASE_URL=https://mirror.example/asr-models ./scripts/quickstart.sh, or`,
    `  - download ${url} on a machine that can, and ${manual},`,
    'then run `npm run models:download` (or the quick start) again.',
  ].join('\n');
}

/**
 * Downloads `url` to `path` through a `.part` file that is renamed only when complete, so an
 * interrupted download never looks installed. Redirects are followed (up to 20); the URL is the
 * operator's MODELS_BASE_URL, so the private-address guard is off. No overall time limit
 * (archives reach gigabytes), but 5 minutes without data fail the download.
 * @param hint what to do about a failure (`downloadHint`), appended to the message
 * @throws ModelDownloadError `Cannot reach <url>: <cause>` (no answer; the cause names DNS,
 *   refused connections, TLS, timeouts), `HTTP <status> from <url>`, `Download of <url> failed: …`
 *   (broken off), `Incomplete download of <url>: <n> of <total> bytes`; each followed by `hint`
 */
async function download(
  http: HttpFetcher,
  url: string,
  path: string,
  hint: string,
  onProgress?: DownloadProgress,
): Promise<void> {
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
      throw new ModelDownloadError(`Incomplete download of ${url}: ${bytes} of ${seen.total} bytes.\n${hint}`);
    await rename(part, path);
  } catch (error) {
    await rm(part, { force: true });
    if (error instanceof ModelDownloadError) throw error;
    const cause = describeDownloadFailure(error, url);
    let message: string;
    if (error instanceof HttpRequestError && error.failure === 'status') message = cause;
    else message = seen.started ? `Download of ${url} failed: ${cause}` : `Cannot reach ${url}: ${cause}`;
    throw new ModelDownloadError(`${message}.\n${hint}`);
  }
}

/**
 * Where the files of a Whisper model go when placed by hand: `<modelsDir>/<folder>/<prefix>-encoder.int8.onnx`,
 * `<prefix>-decoder.int8.onnx`, `<prefix>-tokens.txt` (the layout `resolveWhisperModel` accepts).
 */
function manualWhisperInstall(modelsDir: string, name: string): string {
  const folder = whisperModelFolder(name);
  const prefix = folder.slice('sherpa-onnx-whisper-'.length);
  return (
    `unpack it into ${modelsDir} (MODELS_DIR), so that ${join(modelsDir, folder)}/ holds ` +
    `${prefix}-encoder.int8.onnx, ${prefix}-decoder.int8.onnx, ${prefix}-tokens.txt ` +
    `(or ${prefix}-encoder.onnx and ${prefix}-decoder.onnx)`
  );
}

/**
 * Installs a Whisper model from sherpa-onnx's release archive
 * `<baseUrl>/sherpa-onnx-whisper-<name>.tar.bz2` into `modelsDir`, unless it is already there.
 * The archive is verified by decompressing it (bzip2 block CRCs) and by checking that it holds a
 * complete model; only then is the folder moved into place.
 * @param http the HTTP client (a fixture in tests)
 * @returns the installed model's files and whether anything was downloaded
 * @throws ModelDownloadError for HTTP errors, corrupt archives and incomplete models; the message
 *   names the cause and what to do (a mirror in MODELS_BASE_URL, or which files to place where)
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
    const url = `${baseUrl}/${folder}.tar.bz2`;
    const hint = downloadHint(baseUrl, url, manualWhisperInstall(modelsDir, name));
    await download(http, url, archive, hint, onProgress);
    const unpacked = join(work, 'unpacked');
    await mkdir(unpacked);
    await pipeline(createReadStream(archive), bz2(), tar.x({ cwd: unpacked, strict: true })).catch((error: Error) => {
      throw new ModelDownloadError(`${folder}.tar.bz2 is not a valid .tar.bz2 archive: ${error.message}.\n${hint}`);
    });
    let files: WhisperModelFiles;
    try {
      files = resolveWhisperModel(unpacked, name);
    } catch (error) {
      throw new ModelDownloadError(
        `${folder}.tar.bz2 does not hold a complete model: ${(error as Error).message}.\n${hint}`,
      );
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
  const url = `${baseUrl}/silero_vad.onnx`;
  const hint = downloadHint(baseUrl, url, `save it as ${path} (VAD_MODEL)`);
  await download(http, url, path, hint, onProgress);
  if ((await stat(path)).size === 0) {
    await rm(path);
    throw new ModelDownloadError(`${baseUrl}/silero_vad.onnx is empty`);
  }
  assertVadModel(path);
  return true;
}
