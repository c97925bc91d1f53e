import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { HarkError } from '@app/errors';
import { HttpClient, type HttpFetcher, HttpRequestError } from '@app/http';
import * as tar from 'tar';
import bz2 from 'unbzip2-stream';
import { embeddingModelProblem, segmentationModelProblem } from './diarizer';
import { assertVadModel } from './engine/model-files';
import {
  resolveWhisperModel,
  whisperModelFolder,
  type WhisperModelFiles,
} from './families/whisper/whisper-model-files';

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
 * @param notFound what to check after a 404 (`no such file there: check <notFound>`)
 */
export function describeDownloadFailure(
  error: unknown,
  url: string,
  notFound = 'the model name and MODELS_BASE_URL',
): string {
  if (!(error instanceof HttpRequestError)) return (error as Error).message;
  const host = error.url?.host ?? new URL(url).host;
  switch (error.failure) {
    case 'status':
      return `HTTP ${error.status} from ${url}${error.status === 404 ? ` (no such file there: check ${notFound})` : ''}`;
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
 * @param notFound what to check after a 404 (see `describeDownloadFailure`)
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
  notFound?: string,
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
    const cause = describeDownloadFailure(error, url, notFound);
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

/**
 * pyannote segmentation 3.0 (MIT) as sherpa-onnx releases it, relative to DIARIZATION_MODELS_BASE_URL:
 * a `.tar.bz2` of the folder {@link DIARIZATION_SEGMENTATION_FOLDER} with `model.onnx`, `model.int8.onnx`,
 * `LICENSE` and `README.md`. Source: sherpa-onnx's speaker-diarization docs and CI scripts
 * (`.github/scripts/test-nodejs-addon-npm.sh`).
 */
export const DIARIZATION_SEGMENTATION_ARCHIVE =
  'speaker-segmentation-models/sherpa-onnx-pyannote-segmentation-3-0.tar.bz2';

/** The folder inside {@link DIARIZATION_SEGMENTATION_ARCHIVE} (and the default DIARIZATION_SEGMENTATION_MODEL's). */
export const DIARIZATION_SEGMENTATION_FOLDER = 'sherpa-onnx-pyannote-segmentation-3-0';

/**
 * 3D-Speaker ERes2Net base (Apache-2.0) as sherpa-onnx releases it, relative to
 * DIARIZATION_MODELS_BASE_URL. The release tag really is spelled `speaker-recongition-models`.
 */
export const DIARIZATION_EMBEDDING_FILE =
  'speaker-recongition-models/3dspeaker_speech_eres2net_base_sv_zh-cn_3dspeaker_16k.onnx';

/** What to check after a 404 from DIARIZATION_MODELS_BASE_URL. */
const DIARIZATION_NOT_FOUND = "DIARIZATION_MODELS_BASE_URL; a mirror must keep sherpa-onnx's paths";

/** Which diarization models {@link installDiarizationModels} downloaded (false: already present). */
export interface DiarizationModelsInstall {
  segmentation: boolean;
  embedding: boolean;
}

/**
 * What to do when a diarization download fails: set DIARIZATION_MODELS_BASE_URL to a mirror, or
 * place the file by hand; `manual` says where it goes.
 */
function diarizationHint(baseUrl: string, url: string, manual: string): string {
  return [
    'To get past this, either',
    `  - set DIARIZATION_MODELS_BASE_URL to a mirror of sherpa-onnx's release downloads (now ${baseUrl}) that keeps their paths (${DIARIZATION_SEGMENTATION_ARCHIVE}, ${DIARIZATION_EMBEDDING_FILE}), or`,
    `  - download ${url} on a machine that can, and ${manual},`,
    'then run `npm run models:download -- diarization` again.',
  ].join('\n');
}

/** Whether a non-empty file is at `path` (a model counts as installed then). */
async function nonEmptyFile(path: string): Promise<boolean> {
  return existsSync(path) && (await stat(path)).size > 0;
}

/**
 * Installs the two speaker-diarization models unless they are there (non-empty files are left
 * alone, whatever they hold):
 * - the segmentation model from `<baseUrl>/{@link DIARIZATION_SEGMENTATION_ARCHIVE}`, unpacked in the
 *   archive's layout: when the folder of `segmentationPath` does not exist yet, the archive's folder
 *   becomes it (`model.onnx` renamed to the file name of `segmentationPath` if that differs), with
 *   its LICENSE and README; when the folder exists, only `model.onnx` is moved to `segmentationPath`;
 * - the embedding model from `<baseUrl>/{@link DIARIZATION_EMBEDDING_FILE}`, saved as `embeddingPath`.
 *
 * Everything is downloaded into temporary folders in the nearest existing folder of its destination
 * (the same file system), verified (the archive by decompressing it, bzip2 block CRCs; both models
 * by reading them as ONNX with the metadata sherpa-onnx requires), and only then renamed into
 * place, both at the end, creating their folders then: after a failure neither model is installed
 * and nothing is left behind, not even an empty folder.
 * @param baseUrl DIARIZATION_MODELS_BASE_URL, without a trailing slash
 * @param progress gives the progress listener of each file downloaded, by its file name
 * @param http the HTTP client (a fixture in tests)
 * @returns which models were downloaded now
 * @throws ModelDownloadError for HTTP and network errors, corrupt archives and files that are not
 *   the models; the message names the cause and what to do (a mirror in DIARIZATION_MODELS_BASE_URL,
 *   or which file to place where)
 */
export async function installDiarizationModels(
  segmentationPath: string,
  embeddingPath: string,
  baseUrl: string,
  progress?: (file: string) => DownloadProgress | undefined,
  http: HttpFetcher = new HttpClient(),
): Promise<DiarizationModelsInstall> {
  const installed = {
    segmentation: !(await nonEmptyFile(segmentationPath)),
    embedding: !(await nonEmptyFile(embeddingPath)),
  };
  const work: string[] = [];
  try {
    const moves: (() => Promise<void>)[] = [];
    if (installed.segmentation) moves.push(await fetchSegmentation(segmentationPath, baseUrl, work, progress, http));
    if (installed.embedding) moves.push(await fetchEmbedding(embeddingPath, baseUrl, work, progress, http));
    for (const move of moves) await move();
    return installed;
  } finally {
    await Promise.all(work.map((dir) => rm(dir, { recursive: true, force: true })));
  }
}

/**
 * Downloads, unpacks and checks the segmentation archive in a temporary folder (added to `work`).
 * @returns the move that installs it at `segmentationPath`
 */
async function fetchSegmentation(
  segmentationPath: string,
  baseUrl: string,
  work: string[],
  progress: ((file: string) => DownloadProgress | undefined) | undefined,
  http: HttpFetcher,
): Promise<() => Promise<void>> {
  const target = dirname(segmentationPath);
  const dir = await mkdtemp(join(nearestExisting(target), `.download-${DIARIZATION_SEGMENTATION_FOLDER}-`));
  work.push(dir);

  const url = `${baseUrl}/${DIARIZATION_SEGMENTATION_ARCHIVE}`;
  const name = basename(url);
  const hint = diarizationHint(
    baseUrl,
    url,
    `unpack it so that its ${DIARIZATION_SEGMENTATION_FOLDER}/model.onnx is ${segmentationPath} (DIARIZATION_SEGMENTATION_MODEL)`,
  );
  const archive = join(dir, name);
  await download(http, url, archive, hint, progress?.(name), DIARIZATION_NOT_FOUND);
  const unpacked = join(dir, 'unpacked');
  await mkdir(unpacked);
  await pipeline(createReadStream(archive), bz2(), tar.x({ cwd: unpacked, strict: true })).catch((error: Error) => {
    throw new ModelDownloadError(`${name} is not a valid .tar.bz2 archive: ${error.message}.\n${hint}`);
  });
  await rm(archive);
  const folder = join(unpacked, DIARIZATION_SEGMENTATION_FOLDER);
  const model = join(folder, 'model.onnx');
  if (!existsSync(model))
    throw new ModelDownloadError(`${name} does not hold ${DIARIZATION_SEGMENTATION_FOLDER}/model.onnx.\n${hint}`);
  const problem = segmentationModelProblem(model, `${DIARIZATION_SEGMENTATION_FOLDER}/model.onnx`);
  if (problem) throw new ModelDownloadError(`${name} does not hold a usable model: ${problem}.\n${hint}`);

  return async () => {
    if (existsSync(target)) {
      await rename(model, segmentationPath);
    } else {
      if (basename(segmentationPath) !== 'model.onnx') await rename(model, join(folder, basename(segmentationPath)));
      await mkdir(dirname(target), { recursive: true });
      await rename(folder, target);
    }
  };
}

/**
 * Downloads and checks the embedding model in a temporary folder (added to `work`).
 * @returns the move that installs it at `embeddingPath`
 */
async function fetchEmbedding(
  embeddingPath: string,
  baseUrl: string,
  work: string[],
  progress: ((file: string) => DownloadProgress | undefined) | undefined,
  http: HttpFetcher,
): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(nearestExisting(dirname(embeddingPath)), `.download-${basename(embeddingPath)}-`));
  work.push(dir);

  const url = `${baseUrl}/${DIARIZATION_EMBEDDING_FILE}`;
  const name = basename(url);
  const hint = diarizationHint(baseUrl, url, `save it as ${embeddingPath} (DIARIZATION_EMBEDDING_MODEL)`);
  const file = join(dir, basename(embeddingPath));
  await download(http, url, file, hint, progress?.(name), DIARIZATION_NOT_FOUND);
  if ((await stat(file)).size === 0) throw new ModelDownloadError(`${url} is empty.\n${hint}`);
  const problem = embeddingModelProblem(file, url);
  if (problem) throw new ModelDownloadError(`Downloaded, but not a usable model: ${problem}.\n${hint}`);
  return async () => {
    await mkdir(dirname(embeddingPath), { recursive: true });
    await rename(file, embeddingPath);
  };
}

/**
 * The nearest folder of `path` that exists: itself or an ancestor. A temporary folder there lies on
 * the file system `path` will be created on, so renaming from it into `path` is atomic.
 */
function nearestExisting(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
