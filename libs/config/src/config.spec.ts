import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { Environment } from './environment';

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://hark:hark@127.0.0.1:5432/hark',
      redisUrl: 'redis://127.0.0.1:6379',
      asrModel: 'tiny',
      asrProvider: 'cpu',
      workerConcurrency: 1,
      maxUploadBytes: 2 * 1024 ** 3,
      apiPort: 3000,
    });
    expect(config.vadModel).toBe(`${config.modelsDir}/silero-vad/silero_vad.onnx`);
  });

  it('converts numbers, resolves paths and treats empty strings as unset', () => {
    const config = loadConfig({
      ASR_THREADS: '4',
      MODELS_DIR: '/srv/models',
      VAD_MODEL: '/opt/vad.onnx',
      API_PORT: '',
      STORAGE_DIR: 'data',
    });
    expect(config.asrThreads).toBe(4);
    expect(config.modelsDir).toBe('/srv/models');
    expect(config.vadModel).toBe('/opt/vad.onnx');
    expect(config.apiPort).toBe(3000);
    expect(config.storageDir).toBe(`${process.cwd()}/data`);
  });

  it('names every invalid variable at once', () => {
    const bad = {
      API_PORT: 'eighty',
      ASR_THREADS: '0',
      ASR_PROVIDER: 'tpu',
      REDIS_URL: 'localhost:6379',
      MAX_UPLOAD_BYTES: '1.5',
    };
    let error: unknown;
    try {
      loadConfig(bad);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((problem) => problem.split('=')[0]).sort()).toEqual(Object.keys(bad).sort());
    expect(problems.find((p) => p.startsWith('ASR_PROVIDER'))).toMatch(/one of the following values: cpu, cuda/);
  });
});

describe('boolean variables', () => {
  it('read true/false, 1/0, yes/no, on/off and refuse anything else by name', () => {
    expect(loadConfig({ SWAGGER_ENABLED: 'off' }).swaggerEnabled).toBe(false);
    expect(loadConfig({ SWAGGER_ENABLED: 'YES' }).swaggerEnabled).toBe(true);
    expect(() => loadConfig({ SWAGGER_ENABLED: 'maybe' })).toThrow(/SWAGGER_ENABLED="maybe"/);
  });
});

describe('share-link platforms', () => {
  it('builds each platform’s settings; empty optional values mean unset', () => {
    const config = loadConfig({
      TIKTOK_PROXY: 'http://user:pass@proxy:8080',
      DOUYIN_COOKIE: 'ttwid=1',
      DOUYIN_SHORT_LINK_BASE_URL: '',
    });
    expect(config.tiktok).toEqual({
      baseUrl: 'https://www.tiktok.com',
      shortLinkBaseUrl: null,
      cookie: null,
      userAgent: expect.stringContaining('Chrome/'),
      proxy: 'http://user:pass@proxy:8080',
    });
    expect(config.douyin).toEqual({
      baseUrl: 'https://www.iesdouyin.com',
      shortLinkBaseUrl: null,
      cookie: 'ttwid=1',
      userAgent: expect.stringContaining('iPhone'),
      proxy: null,
    });
    expect(config.linkResolveTimeoutMs).toBe(15000);
  });

  it('names bad platform URLs', () => {
    const error = (() => {
      try {
        loadConfig({ DOUYIN_PROXY: 'socks5://proxy:1080', TIKTOK_BASE_URL: 'tiktok' });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split('=')[0]).sort()).toEqual([
      'DOUYIN_PROXY',
      'TIKTOK_BASE_URL',
    ]);
  });
});

describe('.env.example', () => {
  it('documents every variable', () => {
    const documented = new Set(
      [...readFileSync(resolve(__dirname, '../../../.env.example'), 'utf8').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]),
    );
    expect(Object.keys(new Environment()).filter((name) => !documented.has(name))).toEqual([]);
  });
});
