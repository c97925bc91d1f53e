import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertCudaExecution,
  CUDA_PROVIDER_LIBRARY,
  cudaAddonProblem,
  cudaProviderLibraryLoaded,
  CudaUnavailableError,
  listNvidiaGpus,
  parseNvidiaSmiList,
} from './cuda-check';
import { locateSherpaAddon, type SherpaAddon } from './sherpa-addon';

const onPath = (program: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, program)));

const SMI_OUTPUT = [
  'GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5a3b0c8e-1111-2222-3333-444455556666)',
  'GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-0f0e0d0c-aaaa-bbbb-cccc-ddddeeeeffff)',
  '  MIG 1g.5gb      Device  0: (UUID: MIG-7c5f4e3d-9999-8888-7777-666655554444)',
  'GPU 2: NVIDIA GeForce RTX 4090 (rev. b) (UUID: GPU-12345678-abcd-ef01-2345-6789abcdef01)',
  '',
].join('\n');

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'hark-cuda-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** An executable shell script standing in for nvidia-smi. */
function fakeSmi(body: string): string {
  const path = join(work, 'nvidia-smi');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** An addon folder holding the named files; libsherpa-onnx-c-api.so carries `builtFor` as its version string. */
function fakeAddon(files: string[], builtFor = '1.2.3'): SherpaAddon {
  for (const file of files) {
    if (file === 'libsherpa-onnx-c-api.so') writeFileSync(join(work, file), Buffer.from(`ELF\0${builtFor}\0rest`));
    // A real shared object whose dependencies resolve, standing in for onnxruntime's provider libraries.
    else symlinkSync(process.execPath, join(work, file));
  }
  return { dir: work, version: '1.2.3' };
}
const COMPLETE = [CUDA_PROVIDER_LIBRARY, 'libonnxruntime_providers_shared.so', 'libsherpa-onnx-c-api.so'];

describe('parseNvidiaSmiList', () => {
  it('reads index, name and UUID of each GPU line and skips MIG lines', () => {
    expect(parseNvidiaSmiList(SMI_OUTPUT)).toEqual([
      { index: 0, name: 'NVIDIA H100 80GB HBM3', uuid: 'GPU-5a3b0c8e-1111-2222-3333-444455556666' },
      { index: 1, name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-0f0e0d0c-aaaa-bbbb-cccc-ddddeeeeffff' },
      { index: 2, name: 'NVIDIA GeForce RTX 4090 (rev. b)', uuid: 'GPU-12345678-abcd-ef01-2345-6789abcdef01' },
    ]);
  });

  it('lists nothing for empty output', () => {
    expect(parseNvidiaSmiList('')).toEqual([]);
  });
});

describe('listNvidiaGpus', () => {
  it('parses what nvidia-smi -L prints', async () => {
    const command = fakeSmi(`[ "$1" = "-L" ] || exit 2\ncat <<'EOF'\n${SMI_OUTPUT}EOF`);
    expect((await listNvidiaGpus({ command })).map((gpu) => gpu.index)).toEqual([0, 1, 2]);
  });

  it('returns no GPU when the driver finds none', async () => {
    const command = fakeSmi('echo "No devices were found"; exit 6');
    expect(await listNvidiaGpus({ command })).toEqual([]);
  });

  it('names a missing nvidia-smi and the fix', async () => {
    const listing = listNvidiaGpus({ command: join(work, 'no-such-nvidia-smi') });
    await expect(listing).rejects.toThrow(CudaUnavailableError);
    await expect(listing).rejects.toThrow(/was not found.*--gpus all.*install the NVIDIA driver/);
  });

  it('names a failing driver', async () => {
    const command = fakeSmi(
      'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver."; exit 9',
    );
    await expect(listNvidiaGpus({ command })).rejects.toThrow(
      /-L failed \(exit 9\): NVIDIA-SMI has failed because it couldn't communicate.*not loaded/,
    );
  });

  it('gives up on a hung nvidia-smi', async () => {
    const command = fakeSmi('exec sleep 5');
    await expect(listNvidiaGpus({ command, timeoutMs: 200 })).rejects.toThrow(/did not answer within 0.2 s/);
  });

  it('on this machine: lists the GPUs, or says why it cannot', async () => {
    if (onPath('nvidia-smi')) {
      // A machine with a driver: whatever it lists parses (an unhealthy driver still throws, with a reason).
      await expect(listNvidiaGpus()).resolves.toBeInstanceOf(Array);
    } else {
      await expect(listNvidiaGpus()).rejects.toThrow(/nvidia-smi was not found, so no NVIDIA driver is visible/);
    }
  });
});

describe('cudaAddonProblem', () => {
  it('on this machine: names a CPU-only build, the GPU image and the script', () => {
    const addon = locateSherpaAddon();
    expect(addon).not.toBeNull();
    const problem = cudaAddonProblem();
    if (existsSync(join(addon!.dir, CUDA_PROVIDER_LIBRARY))) {
      // A GPU build is installed: any remaining problem is of another kind.
      expect(problem ?? '').not.toMatch(/no CUDA support/);
    } else {
      expect(problem).toMatch(/^this sherpa-onnx build has no CUDA support \(.*sherpa-onnx-linux-x64 has no /);
      expect(problem).toMatch(/GPU image.*scripts\/install-cuda-sherpa\.sh.*README "GPU"/);
    }
  });

  it('names a missing addon', () => {
    expect(cudaAddonProblem(null)).toMatch(/native addon .* is not installed: run npm install/);
  });

  it('wants the shared provider library beside the CUDA one', () => {
    const addon = fakeAddon([CUDA_PROVIDER_LIBRARY, 'libsherpa-onnx-c-api.so']);
    expect(cudaAddonProblem(addon)).toMatch(/no libonnxruntime_providers_shared\.so: copy every \.so file/);
  });

  it('refuses .so files of another sherpa-onnx release', () => {
    const addon = fakeAddon(COMPLETE, '1.2.2');
    expect(cudaAddonProblem(addon)).toMatch(/libsherpa-onnx-c-api\.so is not from sherpa-onnx v1\.2\.3/);
  });

  it.runIf(onPath('ldd'))('refuses a provider library that is not a shared object', () => {
    const addon = fakeAddon(COMPLETE.slice(1));
    writeFileSync(join(work, CUDA_PROVIDER_LIBRARY), 'not an ELF file');
    expect(cudaAddonProblem(addon)).toMatch(/cannot be read as a shared library/);
  });

  it('accepts a complete addon whose libraries resolve', () => {
    expect(cudaAddonProblem(fakeAddon(COMPLETE))).toBeNull();
  });
});

describe('cudaProviderLibraryLoaded', () => {
  it('is false in this test process, which never created a CUDA session', () => {
    expect(cudaProviderLibraryLoaded()).toBe(false);
  });

  it('finds the library in a memory map', () => {
    const maps = join(work, 'maps');
    writeFileSync(maps, `7f3a00000000-7f3a10000000 r-xp 00000000 08:01 42 /app/x/${CUDA_PROVIDER_LIBRARY}\n`);
    expect(cudaProviderLibraryLoaded(maps)).toBe(true);
    expect(cudaProviderLibraryLoaded(join(work, 'missing'))).toBe(false);
  });
});

describe('assertCudaExecution', () => {
  const loadedMaps = () => {
    const maps = join(work, 'maps-cuda');
    writeFileSync(maps, `7f3a00000000-7f3a10000000 r-xp 00000000 08:01 42 /x/${CUDA_PROVIDER_LIBRARY}\n`);
    return maps;
  };
  const cpuMaps = () => {
    const maps = join(work, 'maps-cpu');
    writeFileSync(maps, '7f3a00000000-7f3a10000000 r-xp 00000000 08:01 42 /x/libonnxruntime.so\n');
    return maps;
  };

  it('passes when the decode loaded the CUDA provider', async () => {
    let decoded = false;
    await assertCudaExecution(() => void (decoded = true), { mapsPath: loadedMaps() });
    expect(decoded).toBe(true);
  });

  it('on this machine: a decode stays on the CPU and the cause is named', async () => {
    const check = assertCudaExecution(async () => {});
    await expect(check).rejects.toThrow(CudaUnavailableError);
    await expect(check).rejects.toThrow(/decoded on the CPU, not on CUDA/);
  });

  it('names a CPU-only build as the cause', async () => {
    const addon = fakeAddon(['libsherpa-onnx-c-api.so']);
    await expect(assertCudaExecution(() => {}, { mapsPath: cpuMaps(), addon })).rejects.toThrow(
      /decoded on the CPU.*this sherpa-onnx build has no CUDA support/,
    );
  });

  it('points at the recognizer when the addon looks fine', async () => {
    const addon = fakeAddon(COMPLETE);
    await expect(assertCudaExecution(() => {}, { mapsPath: cpuMaps(), addon })).rejects.toThrow(
      /without provider "cuda".*Fallback to cpu/,
    );
  });

  it('wraps a failing decode, keeping its error as the cause', async () => {
    const boom = new Error('CUDA failure 100: no CUDA-capable device is detected');
    const check = assertCudaExecution(
      () => {
        throw boom;
      },
      { mapsPath: loadedMaps() },
    );
    await expect(check).rejects.toThrow(/test decode on CUDA failed: CUDA failure 100.*cuDNN 9\.x/);
    await expect(check).rejects.toMatchObject({ cause: boom });
  });
});
