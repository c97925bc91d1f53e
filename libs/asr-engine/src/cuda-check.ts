import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { builtForVersion, locateSherpaAddon, missingDependencies, type SherpaAddon } from './sherpa-addon';

// Start-up checks for running Whisper on CUDA. sherpa-onnx never fails when CUDA is missing: with a
// CPU build of onnxruntime it logs "Please compile with -DSHERPA_ONNX_ENABLE_GPU=ON. Available
// providers: … Fallback to cpu!" and decodes on the CPU (sherpa-onnx/csrc/session.cc, GetSessionOptionsImpl).
// When the CUDA provider library is there but one of its CUDA/cuDNN libraries is not, onnxruntime
// throws while the recognizer is created, and sherpa-onnx's C API does not catch it: the process
// aborts ("terminate called after throwing an instance of 'Ort::Exception' … Failed to load library
// libonnxruntime_providers_cuda.so with error: libcudnn.so.9: cannot open shared object file",
// k2-fsa/sherpa-onnx#1465). Hence checks before anything is loaded, and one after a first decode.

/** The file name of onnxruntime's CUDA execution provider, loaded by libonnxruntime.so on demand. */
export const CUDA_PROVIDER_LIBRARY = 'libonnxruntime_providers_cuda.so';
/** The bridge every onnxruntime provider library needs, next to libonnxruntime.so. */
const SHARED_PROVIDER_LIBRARY = 'libonnxruntime_providers_shared.so';
/** Driver libraries: mounted into a container at run time, so their absence at build time is no fault. */
const DRIVER_LIBRARY = /^(libcuda\.so|libnvidia-)/;
const SEE_README = 'see README "GPU"';

/** CUDA cannot be used; the message names the cause and the fix. */
export class CudaUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CudaUnavailableError';
  }
}

/** A GPU as `nvidia-smi -L` lists it. */
export interface NvidiaGpu {
  /** nvidia-smi's index, in PCI bus order (what CUDA uses with CUDA_DEVICE_ORDER=PCI_BUS_ID). */
  index: number;
  /** e.g. `NVIDIA H100 80GB HBM3`. */
  name: string;
  /** e.g. `GPU-5a3b0c8e-…`. */
  uuid: string;
}

/**
 * Parses the output of `nvidia-smi -L`: one line per GPU, `GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-…)`.
 * Other lines (the indented `MIG …` lines under a GPU in MIG mode, blank lines) are skipped.
 * @returns the GPUs in the order listed; empty when none is listed
 */
export function parseNvidiaSmiList(output: string): NvidiaGpu[] {
  return [...output.matchAll(/^GPU (\d+): (.+?) \(UUID: ([^)\s]+)\)\s*$/gm)].map((match) => ({
    index: Number(match[1]),
    name: match[2],
    uuid: match[3],
  }));
}

export interface ListGpusOptions {
  /** The program to run; `nvidia-smi` (found on PATH) by default. */
  command?: string;
  /** How long nvidia-smi may take before it is killed, in ms; 15 000 by default. */
  timeoutMs?: number;
}

/**
 * Lists the NVIDIA GPUs this process can see by running `nvidia-smi -L`. In a container only the GPUs
 * given to it are listed (`--gpus`, compose's device reservations).
 * @returns the GPUs; empty when the driver answers "No devices were found"
 * @throws CudaUnavailableError when nvidia-smi is missing (no driver, or a container started without
 *   GPUs), fails (driver not loaded, driver/library version mismatch) or hangs; the message says which
 *   and what to do
 */
export async function listNvidiaGpus(options: ListGpusOptions = {}): Promise<NvidiaGpu[]> {
  const command = options.command ?? 'nvidia-smi';
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    const { stdout } = await promisify(execFile)(command, ['-L'], { encoding: 'utf8', timeout: timeoutMs });
    return parseNvidiaSmiList(stdout);
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { killed?: boolean; stdout?: string; stderr?: string };
    const output = `${failure.stdout ?? ''}\n${failure.stderr ?? ''}`.trim();
    if (/No devices were found/i.test(output)) return [];
    if (failure.code === 'ENOENT')
      throw new CudaUnavailableError(
        `${command} was not found, so no NVIDIA driver is visible to this process. In Docker, give the ` +
          'container the GPUs (docker run --gpus all, or compose deploy.resources.reservations.devices) with the ' +
          'NVIDIA Container Toolkit installed on the host; on bare metal, install the NVIDIA driver (it brings nvidia-smi).',
      );
    if (failure.killed)
      throw new CudaUnavailableError(
        `${command} -L did not answer within ${timeoutMs / 1000} s: the NVIDIA driver is hung or still starting. Run nvidia-smi on the host.`,
      );
    const firstLine = output.split('\n')[0] || failure.message;
    throw new CudaUnavailableError(
      `${command} -L failed (exit ${String(failure.code)}): ${firstLine}. The NVIDIA driver is not loaded or does ` +
        'not match its kernel module (after a driver upgrade, reboot). Run nvidia-smi on the host to see.',
    );
  }
}

/**
 * Why the installed sherpa-onnx addon cannot run on CUDA, found without loading it: the addon
 * folder (see `locateSherpaAddon`) lacks onnxruntime's CUDA provider (the npm package is a CPU build),
 * lacks `libonnxruntime_providers_shared.so`, holds a `libsherpa-onnx-c-api.so` of another release than
 * sherpa-onnx-node's, or the CUDA provider needs libraries the loader cannot find (CUDA, cuDNN; checked
 * with `ldd` where installed; the driver's own libraries are left to `listNvidiaGpus`).
 * @param addon the addon to inspect; the installed one by default
 * @returns a message naming the cause and the fix, or null when nothing is wrong that can be seen
 *   before a decode (see `assertCudaExecution` for after)
 */
export function cudaAddonProblem(addon: SherpaAddon | null = locateSherpaAddon()): string | null {
  if (!addon)
    return `sherpa-onnx's native addon (sherpa-onnx-${process.platform}-${process.arch}) is not installed: run npm install. CUDA needs Linux x64.`;
  const { dir, version } = addon;
  const fix =
    `use the GPU image (docker/Dockerfile.gpu), or replace the .so files in ${dir} with those of ` +
    `sherpa-onnx's GPU release archive of v${version} (scripts/install-cuda-sherpa.sh), ${SEE_README}.`;
  if (!existsSync(join(dir, CUDA_PROVIDER_LIBRARY)))
    return `this sherpa-onnx build has no CUDA support (${dir} has no ${CUDA_PROVIDER_LIBRARY}; the npm package is a CPU build): ${fix}`;
  if (!existsSync(join(dir, SHARED_PROVIDER_LIBRARY)))
    return `${dir} has ${CUDA_PROVIDER_LIBRARY} but no ${SHARED_PROVIDER_LIBRARY}: copy every .so file of the GPU archive's lib/ folder; ${fix}`;
  const api = join(dir, 'libsherpa-onnx-c-api.so');
  if (!existsSync(api) || !builtForVersion(api, version))
    return `${api} is not from sherpa-onnx v${version} (the version of sherpa-onnx-node); the GPU .so files must come from that exact release: ${fix}`;
  let missing: string[] | null;
  try {
    missing = missingDependencies(join(dir, CUDA_PROVIDER_LIBRARY), dir);
  } catch (error) {
    return `${join(dir, CUDA_PROVIDER_LIBRARY)} cannot be read as a shared library (${(error as Error).message}): ${fix}`;
  }
  const needed = (missing ?? []).filter((name) => !DRIVER_LIBRARY.test(name));
  if (needed.length > 0)
    return (
      `onnxruntime's CUDA provider cannot load: ${needed.join(', ')} not found. Install the CUDA and cuDNN runtime ` +
      'libraries these names ask for (lib*.so.12: CUDA 12.x, libcudnn*.so.9: cuDNN 9.x) or add their folder to ' +
      `LD_LIBRARY_PATH; the GPU image has them (${SEE_README}).`
    );
  return null;
}

/**
 * Whether onnxruntime's CUDA provider library is loaded into this process: true once a session was
 * created with the CUDA execution provider (sherpa-onnx provider `cuda` with a CUDA build of
 * onnxruntime, which loads it with dlopen and keeps it).
 * @param mapsPath the memory map to read; this process's (`/proc/self/maps`, Linux) by default
 * @returns false as well where the map cannot be read (not Linux)
 */
export function cudaProviderLibraryLoaded(mapsPath = '/proc/self/maps'): boolean {
  try {
    return readFileSync(mapsPath, 'utf8').includes(`/${CUDA_PROVIDER_LIBRARY}`);
  } catch {
    return false;
  }
}

export interface AssertCudaOptions {
  /** Passed to `cudaProviderLibraryLoaded`. */
  mapsPath?: string;
  /** Passed to `cudaAddonProblem` to name the cause; the installed addon by default. */
  addon?: SherpaAddon | null;
}

/**
 * Proves that Whisper really runs on CUDA: awaits one short decode by a recognizer created with
 * provider `cuda`, then checks that onnxruntime's CUDA provider library is loaded. Without this,
 * sherpa-onnx silently decodes on the CPU when its onnxruntime has no CUDA provider (it only logs
 * "Fallback to cpu!").
 * @param decodeOnce decodes a little audio (a second of silence will do) with a `cuda` recognizer
 * @throws CudaUnavailableError when the decode fails (message and `cause` keep the original error), or
 *   when the CUDA provider is not loaded after it; the message names the cause (`cudaAddonProblem`'s, or
 *   a recognizer created without provider `cuda`) and the fix
 */
export async function assertCudaExecution(
  decodeOnce: () => Promise<void> | void,
  options: AssertCudaOptions = {},
): Promise<void> {
  try {
    await decodeOnce();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CudaUnavailableError(
      `A test decode on CUDA failed: ${message}. Check the CUDA 12.x and cuDNN 9.x libraries and the GPU (${SEE_README}).`,
      { cause: error },
    );
  }
  if (cudaProviderLibraryLoaded(options.mapsPath)) return;
  const problem = cudaAddonProblem(options.addon === undefined ? locateSherpaAddon() : options.addon);
  throw new CudaUnavailableError(
    `Whisper decoded on the CPU, not on CUDA (the test decode did not load ${CUDA_PROVIDER_LIBRARY}): ` +
      (problem ??
        'the installed addon looks CUDA-capable, so the recognizer was probably created without provider "cuda"; ' +
          `look for "Fallback to cpu" in the log above (${SEE_README}).`),
  );
}
