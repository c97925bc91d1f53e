import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtForVersion, locateSherpaAddon, missingDependencies, unresolvedLibraries } from './sherpa-addon';

const hasLdd = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'ldd')));

describe('locateSherpaAddon', () => {
  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'finds the platform package next to sherpa-onnx-node, with its version',
    () => {
      const addon = locateSherpaAddon();
      const { version } = JSON.parse(readFileSync('node_modules/sherpa-onnx-node/package.json', 'utf8')) as {
        version: string;
      };
      expect(addon).toEqual({ dir: expect.stringMatching(/node_modules\/sherpa-onnx-linux-x64$/), version });
      expect(existsSync(join(addon!.dir, 'sherpa-onnx.node'))).toBe(true);
    },
  );
});

describe('builtForVersion', () => {
  it("finds the installed C API library's release, and only it", () => {
    const addon = locateSherpaAddon()!;
    const library = join(addon.dir, 'libsherpa-onnx-c-api.so');
    expect(builtForVersion(library, addon.version)).toBe(true);
    expect(builtForVersion(library, '0.0.1')).toBe(false);
  });
});

describe('unresolvedLibraries', () => {
  it('lists the "not found" lines of ldd', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd5a9f6000)',
      '\tlibcublasLt.so.12 => not found',
      '\tlibcudart.so.12 => /usr/local/cuda/lib64/libcudart.so.12 (0x00007f0e2a000000)',
      '\tlibcudnn.so.9 => not found',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0e29c00000)',
    ].join('\n');
    expect(unresolvedLibraries(output)).toEqual(['libcublasLt.so.12', 'libcudnn.so.9']);
  });
});

describe('missingDependencies', () => {
  it.runIf(hasLdd)('finds every library of a working binary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hark-ldd-'));
    expect(missingDependencies(process.execPath, dir)).toEqual([]);
    rmSync(dir, { recursive: true });
  });

  it.runIf(hasLdd)('throws for a file that is not a shared object', () => {
    expect(() => missingDependencies('package.json', tmpdir())).toThrow(/ldd package\.json failed/);
  });
});
