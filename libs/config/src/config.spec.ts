import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { apiKeyId } from './api-keys';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: 'postgres://hark:hark@127.0.0.1:5432/hark',
      redisUrl: 'redis://127.0.0.1:6379',
      asrModel: 'tiny',
      asrProvider: 'cpu',
      asrThreads: 1,
      asrPoolSize: availableParallelism(),
      workerConcurrency: availableParallelism(),
      maxUploadBytes: 2 * 1024 ** 3,
      apiPort: 3000,
    });
    expect(config.vadModel).toBe(`${config.modelsDir}/silero-vad/silero_vad.onnx`);
  });

  it('takes as many tasks at once as the pool has recognizers, unless WORKER_CONCURRENCY says otherwise', () => {
    expect(loadConfig({ ASR_POOL_SIZE: '3' })).toMatchObject({ asrPoolSize: 3, workerConcurrency: 3 });
    expect(loadConfig({ ASR_POOL_SIZE: '3', WORKER_CONCURRENCY: '1' })).toMatchObject({
      asrPoolSize: 3,
      workerConcurrency: 1,
    });
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
      ASR_DEVICES: 'cuda:0,tpu',
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
    expect(problems.find((p) => p.startsWith('ASR_DEVICES'))).toMatch(/cpu, cuda:<index> .* or cuda/);
  });
});

describe('ASR_DEVICES', () => {
  it('lists the devices; the provider is the device of this process (a worker) or of the first device', () => {
    expect(loadConfig({})).toMatchObject({ asrDevices: ['cpu'], workerDevice: null, asrProvider: 'cpu' });
    expect(loadConfig({ ASR_DEVICES: 'cuda:0, cuda:1' })).toMatchObject({
      asrDevices: ['cuda:0', 'cuda:1'],
      asrProvider: 'cuda',
    });
    expect(loadConfig({ ASR_DEVICES: 'cuda:0,cpu', HARK_WORKER_DEVICE: 'cpu' })).toMatchObject({
      workerDevice: 'cpu',
      asrProvider: 'cpu',
    });
    expect(() => loadConfig({ HARK_WORKER_DEVICE: 'cuda' })).toThrow(/HARK_WORKER_DEVICE/);
  });

  it('shares the cores among the CPU devices unless ASR_POOL_SIZE says otherwise; a GPU gets 2 recognizers', () => {
    const cores = availableParallelism();
    expect(loadConfig({ ASR_DEVICES: 'cpu,cpu' }).asrPoolSize).toBe(Math.max(1, Math.floor(cores / 2)));
    expect(loadConfig({ ASR_DEVICES: 'cuda:0', HARK_WORKER_DEVICE: 'cuda:0' }).asrPoolSize).toBe(2);
    expect(loadConfig({ ASR_DEVICES: 'cpu,cpu', ASR_POOL_SIZE: '3' }).asrPoolSize).toBe(3);
  });

  it('ASR_PRECISION is auto, int8 or fp32', () => {
    expect(loadConfig({}).asrPrecision).toBe('auto');
    expect(loadConfig({ ASR_PRECISION: 'fp32' }).asrPrecision).toBe('fp32');
    expect(() => loadConfig({ ASR_PRECISION: 'fp16' })).toThrow(/ASR_PRECISION/);
  });
});

describe('ASR_MODELS and MODEL_IDLE_TIMEOUT', () => {
  it('serve ASR_MODEL alone and keep it loaded by default', () => {
    expect(loadConfig({ ASR_MODEL: 'base' })).toMatchObject({
      asrModel: 'base',
      asrModels: ['base'],
      modelIdleTimeoutMs: 0,
    });
  });

  it('list the models of one processor (spaces ignored, duplicates dropped) and the idle timeout in seconds', () => {
    expect(loadConfig({ ASR_MODELS: 'large-v3, tiny,small.en,tiny', MODEL_IDLE_TIMEOUT: '300' })).toMatchObject({
      asrModel: 'tiny',
      asrModels: ['large-v3', 'tiny', 'small.en'],
      modelIdleTimeoutMs: 300_000,
    });
  });

  it('refuse names that cannot name a queue, an empty entry and a negative timeout, by variable', () => {
    let error: unknown;
    try {
      loadConfig({ ASR_MODEL: 'a:b', ASR_MODELS: 'tiny,,base', MODEL_IDLE_TIMEOUT: '-1' });
    } catch (caught) {
      error = caught;
    }
    const problems = (error as ConfigError).problems;
    expect(problems.map((problem) => problem.split('=')[0]).sort()).toEqual([
      'ASR_MODEL',
      'ASR_MODELS',
      'MODEL_IDLE_TIMEOUT',
    ]);
    expect(problems.find((p) => p.startsWith('ASR_MODELS'))).toMatch(/comma-separated list of model names/);
    expect(problems.find((p) => p.startsWith('ASR_MODEL='))).toMatch(/must be a model name/);
  });
});

describe('LOG_FORMAT', () => {
  it('defaults to text when stdout is a terminal and to json otherwise', () => {
    expect(loadConfig({}, true).logFormat).toBe('text');
    expect(loadConfig({}, false).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: '' }, true).logFormat).toBe('text');
  });

  it('keeps an explicit value whatever stdout is', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'text' }, false).logFormat).toBe('text');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' }, true)).toThrow(/LOG_FORMAT="yaml"/);
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

describe('API keys', () => {
  const problemsOf = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('reads name:secret pairs and bare secrets (named after their id); admin keys are marked', () => {
    const config = loadConfig({ API_KEYS: ' alice:s3cret-a , legacy-secret ', ADMIN_API_KEYS: 'ops.team_1:s3cret-o' });
    expect(config.apiKeys).toEqual([
      { name: 'alice', secret: 's3cret-a', id: apiKeyId('s3cret-a'), admin: false },
      {
        name: `key-${apiKeyId('legacy-secret')}`,
        secret: 'legacy-secret',
        id: apiKeyId('legacy-secret'),
        admin: false,
      },
      { name: 'ops.team_1', secret: 's3cret-o', id: apiKeyId('s3cret-o'), admin: true },
    ]);
    expect(apiKeyId('legacy-secret')).toMatch(/^[0-9a-f]{16}$/);
    expect(loadConfig({}).apiKeys).toEqual([]);
  });

  it('names the variable of a bad name, an empty secret, a name or secret given twice, and never shows a secret', () => {
    const secrets = ['sec-one', 'sec-two', 'sec-three', 'sec-four'];
    const problems = problemsOf({
      API_KEYS: `alice:${secrets[0]},bad name:${secrets[1]},bob:,alice:${secrets[2]}`,
      ADMIN_API_KEYS: `carol:${secrets[0]},${'x'.repeat(65)}:${secrets[3]}`,
    });
    expect(problems).toHaveLength(2);
    const [keys, admin] = problems;
    expect(keys).toMatch(/^API_KEYS=\(hidden\): /);
    expect(keys).toContain("entry 2: the name before ':' must be 1–64 letters");
    expect(keys).toContain('entry 3 (bob) has an empty secret');
    expect(keys).toContain('the name "alice" is given twice');
    expect(admin).toMatch(/^ADMIN_API_KEYS=\(hidden\): /);
    expect(admin).toContain('the keys "alice" and "carol" have the same secret');
    expect(admin).toContain("entry 2: the name before ':' must be 1–64 letters");
    for (const secret of secrets) expect(problems.join('\n')).not.toContain(secret);
  });

  it('refuses a name given in both lists', () => {
    expect(problemsOf({ API_KEYS: 'alice:one', ADMIN_API_KEYS: 'alice:two' })).toEqual([
      'ADMIN_API_KEYS=(hidden): the name "alice" is given twice; every key needs its own name',
    ]);
  });

  it('DOCS_PUBLIC is false unless set', () => {
    expect(loadConfig({}).docsPublic).toBe(false);
    expect(loadConfig({ DOCS_PUBLIC: 'true' }).docsPublic).toBe(true);
  });
});
