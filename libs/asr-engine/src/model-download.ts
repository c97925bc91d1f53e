import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import bz2 from 'unbzip2-stream';
import { assertVadModel, resolveWhisperModel, whisperModelFolder, type WhisperModelFiles } from './model-files';

/** Bytes received so far and the expected total (null when the server did not say). */
export type DownloadProgress = (received: number, total: number | null) => void;

/** A download or an archive failed; nothing was installed. */
export class ModelDownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelDownloadError';
  }
}

/**
 * Downloads `url` to `path` through a `.part` file that is renamed only when complete, so an
 * interrupted download never looks installed. Redirects are followed (GitHub release assets
 * redirect to a CDN).
 * @throws ModelDownloadError on an HTTP error or when fewer bytes than Content-Length arrive
 */
async function download(url: string, path: string, onProgress?: DownloadProgress): Promise<void> {
  const response = await fetch(url, { redirect: 'follow' }).catch((error: Error) => {
    throw new ModelDownloadError(`Cannot reach ${url}: ${error.message}`);
  });
  if (!response.ok || !response.body) throw new ModelDownloadError(`HTTP ${response.status} from ${url}`);
  const total = Number(response.headers.get('content-length')) || null;
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      onProgress?.(received, total);
      callback(null, chunk);
    },
  });
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.part`;
  try {
    await pipeline(Readable.fromWeb(response.body as never), counter, createWriteStream(part));
    if (total !== null && received !== total) throw new ModelDownloadError(`Incomplete download of ${url}: ${received} of ${total} bytes`);
    await rename(part, path);
  } catch (error) {
    await rm(part, { force: true });
    throw error instanceof ModelDownloadError ? error : new ModelDownloadError(`Download of ${url} failed: ${(error as Error).message}`);
  }
}

/**
 * Installs a Whisper model from sherpa-onnx's release archive
 * `<baseUrl>/sherpa-onnx-whisper-<name>.tar.bz2` into `modelsDir`, unless it is already there.
 * The archive is verified by decompressing it (bzip2 block CRCs) and by checking that it holds a
 * complete model; only then is the folder moved into place.
 * @returns the installed model's files and whether anything was downloaded
 * @throws ModelDownloadError for HTTP errors, corrupt archives and incomplete models
 */
export async function installWhisperModel(
  modelsDir: string,
  name: string,
  baseUrl: string,
  onProgress?: DownloadProgress,
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
    await download(`${baseUrl}/${folder}.tar.bz2`, archive, onProgress);
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
 * @returns whether anything was downloaded
 * @throws ModelDownloadError for HTTP errors or an empty file
 */
export async function installVadModel(path: string, baseUrl: string, onProgress?: DownloadProgress): Promise<boolean> {
  if (existsSync(path) && (await stat(path)).size > 0) return false;
  await download(`${baseUrl}/silero_vad.onnx`, path, onProgress);
  if ((await stat(path)).size === 0) {
    await rm(path);
    throw new ModelDownloadError(`${baseUrl}/silero_vad.onnx is empty`);
  }
  assertVadModel(path);
  return true;
}
