import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { envWithLibraryPath } from '@app/config';

/** Where sherpa-onnx-node loads its native addon from, and the sherpa-onnx version it was built for. */
export interface SherpaAddon {
  /**
   * Absolute folder of the platform package (`sherpa-onnx-linux-x64` on Linux x64): `sherpa-onnx.node`
   * and the shared libraries it links through `$ORIGIN` (`libsherpa-onnx-c-api.so`,
   * `libsherpa-onnx-cxx-api.so`, `libonnxruntime.so`, and in a GPU build `libonnxruntime_providers_*.so`).
   */
  dir: string;
  /** sherpa-onnx-node's version (its package.json), e.g. `1.13.8`: the `.so` files must be of that exact release. */
  version: string;
}

/**
 * Finds the folder sherpa-onnx-node loads `sherpa-onnx.node` from, looking where its
 * `addon-static-import.js` does, in the same order: `<sherpa-onnx-node>/../sherpa-onnx-<platform>-<arch>`,
 * then `<sherpa-onnx-node>/node_modules/sherpa-onnx-<platform>-<arch>`. Loads nothing.
 * (Its fallbacks, a `build/Release` of a source checkout, are not looked at.)
 * Source: node_modules/sherpa-onnx-node/addon-static-import.js (sherpa-onnx-node 1.13.8).
 * @returns null when sherpa-onnx-node or its platform package is not installed
 */
export function locateSherpaAddon(): SherpaAddon | null {
  let packageJson: string;
  try {
    packageJson = createRequire(__filename).resolve('sherpa-onnx-node/package.json');
  } catch {
    return null;
  }
  const nodeDir = dirname(packageJson);
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const name = `sherpa-onnx-${platform}-${process.arch}`;
  const dir = [resolve(nodeDir, '..', name), join(nodeDir, 'node_modules', name)].find((candidate) =>
    existsSync(join(candidate, 'sherpa-onnx.node')),
  );
  return dir ? { dir, version } : null;
}

/**
 * Whether a sherpa-onnx library was built from release `version`: its read-only data holds the
 * version as a C string, e.g. `\0 1.13.8 \0` (what `SherpaOnnxGetVersionStr()` returns; set for each
 * release in sherpa-onnx/csrc/version.cc by the CI's new-release.sh, for the npm and GPU builds alike).
 * @param library path of `libsherpa-onnx-c-api.so`
 * @throws Error when the file cannot be read
 */
export function builtForVersion(library: string, version: string): boolean {
  return readFileSync(library).includes(Buffer.from(`\0${version}\0`, 'latin1'));
}

/**
 * The libraries `ldd` could not find, by name, from its output: lines such as
 * `\tlibcudnn.so.9 => not found`.
 */
export function unresolvedLibraries(lddOutput: string): string[] {
  return [...lddOutput.matchAll(/^\s*(\S+)\s+=>\s+not found\s*$/gm)].map((match) => match[1]);
}

/**
 * The shared libraries `library` needs that the dynamic loader cannot find, as `ldd` reports them,
 * with `searchDir` put first on LD_LIBRARY_PATH (ONNX Runtime loads its provider libraries from its own
 * folder). Runs `ldd` (glibc), which takes well under a second.
 * @returns the missing names (empty when everything resolves); null when `ldd` is not installed
 * @throws Error when `ldd` fails, e.g. for a file that is not a shared library (`not a dynamic executable`)
 */
export function missingDependencies(library: string, searchDir: string): string[] | null {
  try {
    const output = execFileSync('ldd', [library], {
      encoding: 'utf8',
      env: envWithLibraryPath(searchDir),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    });
    return unresolvedLibraries(output);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') return null;
    const detail = `${failure.stderr ?? ''}${failure.stdout ?? ''}`.trim() || failure.message;
    throw new Error(`ldd ${library} failed: ${detail}`, { cause: error });
  }
}
