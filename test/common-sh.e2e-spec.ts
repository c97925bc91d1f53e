import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const COMMON = resolve(__dirname, '../scripts/common.sh');

/** Runs `script` in bash after sourcing scripts/common.sh, in `cwd`, with `env` added to this environment. */
function bash(script: string, cwd: string, env: Record<string, string> = {}): { status: number; stdout: string } {
  const run = spawnSync('bash', ['-c', `. "${COMMON}"; ${script}`], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { status: run.status ?? 1, stdout: run.stdout + run.stderr };
}

/** Writes `path` under `root` with a modification time `seconds` after 2026-01-01. */
function file(root: string, path: string, seconds: number, text = ''): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  const time = new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
  utimesSync(full, time, time);
}

/** A project tree whose sources date from second 0..5 and whose build (dist/, its stamp) from second 10. */
function builtTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'hark-tree-'));
  file(root, 'apps/api/src/main.ts', 1);
  file(root, 'libs/config/src/config.ts', 2);
  file(root, 'scripts/start.ts', 3);
  file(root, 'tsconfig.json', 4);
  file(root, 'tsconfig.build.json', 4);
  file(root, 'nest-cli.json', 5);
  file(root, 'package-lock.json', 5);
  file(root, 'README.md', 5);
  file(root, 'dist/apps/api/src/main.js', 10);
  file(root, 'dist/.build-stamp', 10);
  return root;
}

describe('scripts/common.sh dist_is_fresh: the quick start skips the build when dist/ is up to date', () => {
  const fresh = (root: string) => bash('dist_is_fresh', root).status === 0;

  it('is fresh when the build is newer than every source file', () => {
    expect(fresh(builtTree())).toBe(true);
  });

  it('is stale when any source file changed after the build', () => {
    for (const source of [
      'apps/api/src/main.ts',
      'libs/config/src/config.ts',
      'libs/http/src/new-file.ts',
      'scripts/start.ts',
      'tsconfig.build.json',
      'nest-cli.json',
      'package-lock.json',
    ]) {
      const root = builtTree();
      file(root, source, 11);
      expect(fresh(root), source).toBe(false);
    }
  });

  it('ignores files that are not built (README, dist itself)', () => {
    const root = builtTree();
    file(root, 'README.md', 20);
    file(root, 'dist/apps/api/src/other.js', 20);
    expect(fresh(root)).toBe(true);
  });

  it('is stale without a stamp of a successful build, or without dist/', () => {
    const noStamp = builtTree();
    rmSync(join(noStamp, 'dist/.build-stamp'));
    expect(fresh(noStamp)).toBe(false);
    const noDist = mkdtempSync(join(tmpdir(), 'hark-tree-'));
    file(noDist, 'apps/api/src/main.ts', 1);
    expect(fresh(noDist)).toBe(false);
  });

  it('build runs npm run build when stale, stamps it, and skips it the next time', () => {
    const root = builtTree();
    file(root, 'libs/config/src/config.ts', 11); // changed since the build
    // `npm` here records its calls and writes dist/ as nest build would.
    const bin = mkdtempSync(join(tmpdir(), 'hark-bin-'));
    writeFileSync(
      join(bin, 'npm'),
      `#!/usr/bin/env bash\necho "$*" >> "${bin}/calls"\nmkdir -p dist/apps/api/src && echo built > dist/apps/api/src/main.js\n`,
    );
    chmodSync(join(bin, 'npm'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH}` };
    const first = bash('build', root, env);
    expect(first.status, first.stdout).toBe(0);
    expect(first.stdout).toContain('building');
    expect(readFileSync(join(bin, 'calls'), 'utf8')).toBe('run --silent build\n');
    expect(existsSync(join(root, 'dist/.build-stamp'))).toBe(true);
    const second = bash('build', root, env);
    expect(second.status, second.stdout).toBe(0);
    expect(second.stdout).toContain('build is up to date');
    expect(readFileSync(join(bin, 'calls'), 'utf8')).toBe('run --silent build\n'); // not called again
  });
});

describe('scripts/common.sh load_env_file: the environment wins over .env', () => {
  it('exports only the variables the environment does not set, strips quotes, evaluates nothing', () => {
    const root = mkdtempSync(join(tmpdir(), 'hark-env-'));
    writeFileSync(
      join(root, '.env'),
      [
        '# a comment',
        'MODELS_BASE_URL=https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models',
        'HARK_T_PLAIN=plain value',
        'HARK_T_DOUBLE="double quoted"',
        "HARK_T_SINGLE='single $HOME'",
        'export HARK_T_EXPORTED=yes',
        'HARK_T_EQUALS=a=b',
        `HARK_T_SUBST=$(touch ${join(root, 'evaluated')})`,
        'HARK_T_EMPTY_IN_ENV=from-file',
        '',
      ].join('\n'),
    );
    const run = bash(
      'load_env_file .env; for v in MODELS_BASE_URL HARK_T_PLAIN HARK_T_DOUBLE HARK_T_SINGLE HARK_T_EXPORTED HARK_T_EQUALS HARK_T_SUBST HARK_T_EMPTY_IN_ENV; do printf "%s=[%s]\\n" "$v" "$(printenv "$v")"; done',
      root,
      { MODELS_BASE_URL: 'http://mirror.example/asr-models', HARK_T_EMPTY_IN_ENV: '' },
    );
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      'MODELS_BASE_URL=[http://mirror.example/asr-models]',
      'HARK_T_PLAIN=[plain value]',
      'HARK_T_DOUBLE=[double quoted]',
      'HARK_T_SINGLE=[single $HOME]',
      'HARK_T_EXPORTED=[yes]',
      'HARK_T_EQUALS=[a=b]',
      `HARK_T_SUBST=[$(touch ${join(root, 'evaluated')})]`,
      'HARK_T_EMPTY_IN_ENV=[]',
    ]);
    expect(existsSync(join(root, 'evaluated'))).toBe(false);
  });

  it('does nothing without the file', () => {
    const root = mkdtempSync(join(tmpdir(), 'hark-env-'));
    expect(bash('load_env_file .env', root).status).toBe(0);
  });
});
