import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConsoleLogger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { API_KEY_VARIABLES, type ApiKey, readApiKeys } from './api-keys';
import { type AsrProvider, Environment, LOG_LEVELS, type LogLevel } from './environment';
import { noColorRequested } from './process-env';

/** Thrown when one or more environment variables are invalid; the message names each of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** How one platform's share links are resolved (see `TIKTOK_*` / `DOUYIN_*`). */
export interface PlatformSettings {
  baseUrl: string;
  /** null: ask the short link's own host. */
  shortLinkBaseUrl: string | null;
  cookie: string | null;
  userAgent: string;
  proxy: string | null;
}

/**
 * The settings of HarkConfig that are one variable as it is, by property name: the constructor
 * copies them, and this map types them (`PlainSettings`). What each means is said once, on the
 * variable in environment.ts.
 */
const PLAIN = {
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  queuePrefix: 'QUEUE_PREFIX',
  jobAttempts: 'JOB_ATTEMPTS',
  jobBackoffMs: 'JOB_BACKOFF_MS',
  jobLockMs: 'JOB_LOCK_MS',
  jobStalledIntervalMs: 'JOB_STALLED_INTERVAL_MS',
  jobMaxStalls: 'JOB_MAX_STALLS',
  dependencyOutageToleranceMs: 'DEPENDENCY_OUTAGE_TOLERANCE_MS',
  reconcileIntervalMs: 'RECONCILE_INTERVAL_MS',
  /** ASR_MODEL: the model a processor serves without ASR_MODELS, and the api's default model of tasks. */
  asrModel: 'ASR_MODEL',
  asrPrecision: 'ASR_PRECISION',
  asrThreads: 'ASR_THREADS',
  diarizationMaxSeconds: 'DIARIZATION_MAX_SECONDS',
  storageSweepIntervalMs: 'STORAGE_SWEEP_INTERVAL_MS',
  orphanUploadGraceMs: 'ORPHAN_UPLOAD_GRACE_MS',
  mediaRetentionHours: 'MEDIA_RETENTION_HOURS',
  taskRetentionDays: 'TASK_RETENTION_DAYS',
  maxUploadBytes: 'MAX_UPLOAD_BYTES',
  maxAudioSeconds: 'MAX_AUDIO_SECONDS',
  maxClipRanges: 'MAX_CLIP_RANGES',
  jsonBodyLimitBytes: 'JSON_BODY_LIMIT_BYTES',
  apiHost: 'API_HOST',
  apiPort: 'API_PORT',
  eventsKeepaliveMs: 'EVENTS_KEEPALIVE_MS',
  eventStreamsPerKey: 'EVENT_STREAMS_PER_KEY',
  eventStreamsMax: 'EVENT_STREAMS_MAX',
  openAiWaitMs: 'OPENAI_WAIT_MS',
  swaggerEnabled: 'SWAGGER_ENABLED',
  /** /docs and /docs-json need no key even when API keys are set. */
  docsPublic: 'DOCS_PUBLIC',
  rateLimitPerMinute: 'RATE_LIMIT_PER_MINUTE',
  maxQueuedTasksPerKey: 'MAX_QUEUED_TASKS_PER_KEY',
  urlDownloadTimeoutMs: 'URL_DOWNLOAD_TIMEOUT_MS',
  urlMaxRedirects: 'URL_MAX_REDIRECTS',
  callbackSecret: 'CALLBACK_SECRET',
  callbackAttempts: 'CALLBACK_ATTEMPTS',
  callbackBackoffMs: 'CALLBACK_BACKOFF_MS',
  callbackTimeoutMs: 'CALLBACK_TIMEOUT_MS',
  linkResolveTimeoutMs: 'LINK_RESOLVE_TIMEOUT_MS',
  processorHealthPort: 'PROCESSOR_HEALTH_PORT',
  shutdownGraceMs: 'SHUTDOWN_GRACE_MS',
  logLevel: 'LOG_LEVEL',
} as const satisfies Record<string, keyof Environment>;

type PlainSettings = { readonly [P in keyof typeof PLAIN]: Environment[(typeof PLAIN)[P]] };

/** The base of HarkConfig that holds the PLAIN settings (a class expression, typed by the map). */
const PlainSettings = class {
  constructor(env: Environment) {
    for (const [property, variable] of Object.entries(PLAIN)) Object.assign(this, { [property]: env[variable] });
  }
} as new (env: Environment) => PlainSettings;

/**
 * The validated configuration of a Hark process. Inject it (it is provided globally by
 * `HarkConfigModule`); never read `process.env` outside this library (ESLint refuses it; child
 * processes get theirs from `childProcessEnv()`). The settings that are one variable as it is
 * come from PLAIN; those below are derived from the variables.
 */
export class HarkConfig extends PlainSettings {
  /** STORAGE_DIR, absolute. */
  readonly storageDir: string;
  /** MODELS_DIR, absolute. */
  readonly modelsDir: string;
  /** ASR_MODELS: the models this processor serves, without duplicates; unset: `[asrModel]`. */
  readonly asrModels: readonly string[];
  /** MODEL_IDLE_TIMEOUT in ms: a model unused this long is unloaded; 0: every model loaded at start and kept. */
  readonly modelIdleTimeoutMs: number;
  /** MODELS_BASE_URL without a trailing slash. */
  readonly modelsBaseUrl: string;
  /** Absolute path of the Silero VAD ONNX file (VAD_MODEL, a relative one under MODELS_DIR). */
  readonly vadModel: string;
  /** Absolute paths of the diarization models (DIARIZATION_*_MODEL, relative ones under MODELS_DIR). */
  readonly diarizationSegmentationModel: string;
  readonly diarizationEmbeddingModel: string;
  /** DIARIZATION_MODELS_BASE_URL without a trailing slash. */
  readonly diarizationModelsBaseUrl: string;
  /** ASR_DEVICES, one entry per device (`cpu`, `cuda:<index>`, or `cuda` for every GPU). */
  readonly asrDevices: string[];
  /** The device of this worker process (`cpu`, `cuda:<index>`), set by its processor; null in a processor that supervises devices, and in the api. */
  readonly workerDevice: string | null;
  /** The execution provider of this process's device: `cuda` for a CUDA device, else `cpu`. */
  readonly asrProvider: AsrProvider;
  /**
   * ASR_POOL_SIZE, per device; unset: on the CPU, the cores shared among the CPU devices of
   * ASR_DEVICES (`os.availableParallelism()` / their count), on a GPU 2.
   */
  readonly asrPoolSize: number;
  /** WORKER_CONCURRENCY, per device; unset: the pool size. */
  readonly workerConcurrency: number;
  /** MEDIA_STALL_TIMEOUT_S in ms: an ffmpeg/ffprobe without progress this long is killed. */
  readonly mediaStallTimeoutMs: number;
  /** PUBLIC_URL without a trailing slash. */
  readonly publicUrl: string;
  /** ALLOWED_URL_HOSTS: lower-cased host names / IPs exempt from the private-address check. */
  readonly allowedUrlHosts: ReadonlySet<string>;
  readonly tiktok: PlatformSettings;
  readonly douyin: PlatformSettings;
  /** Every API key (API_KEYS, then ADMIN_API_KEYS with `admin: true`); empty: the service is open. */
  readonly apiKeys: readonly ApiKey[];
  /** Bull Board credentials (ADMIN_USER, ADMIN_PASSWORD); null when the admin UI is off. */
  readonly admin: { user: string; password: string } | null;
  /** LOG_FORMAT; unset: `text` when stdout is a terminal, else `json`. */
  readonly logFormat: 'json' | 'text';

  /** @param stdoutIsTTY whether stdout is a terminal (picks the LOG_FORMAT default) */
  constructor(env: Environment, stdoutIsTTY = false) {
    super(env);
    const modelsDir = resolve(env.MODELS_DIR);
    this.storageDir = resolve(env.STORAGE_DIR);
    this.modelsDir = modelsDir;
    this.asrModels = env.ASR_MODELS ? [...new Set(env.ASR_MODELS.split(','))] : [env.ASR_MODEL];
    this.modelIdleTimeoutMs = env.MODEL_IDLE_TIMEOUT * 1000;
    this.modelsBaseUrl = env.MODELS_BASE_URL.replace(/\/+$/, '');
    this.vadModel = resolve(modelsDir, env.VAD_MODEL);
    this.diarizationSegmentationModel = resolve(modelsDir, env.DIARIZATION_SEGMENTATION_MODEL);
    this.diarizationEmbeddingModel = resolve(modelsDir, env.DIARIZATION_EMBEDDING_MODEL);
    this.diarizationModelsBaseUrl = env.DIARIZATION_MODELS_BASE_URL.replace(/\/+$/, '');
    this.asrDevices = env.ASR_DEVICES.split(',');
    this.workerDevice = env.HARK_WORKER_DEVICE ?? null;
    this.asrProvider = (this.workerDevice ?? this.asrDevices[0]).startsWith('cuda') ? 'cuda' : 'cpu';
    const cpuDevices = this.asrDevices.filter((device) => device === 'cpu').length || 1;
    this.asrPoolSize =
      env.ASR_POOL_SIZE ??
      (this.asrProvider === 'cuda' ? 2 : Math.max(1, Math.floor(availableParallelism() / cpuDevices)));
    this.workerConcurrency = env.WORKER_CONCURRENCY ?? this.asrPoolSize;
    this.mediaStallTimeoutMs = env.MEDIA_STALL_TIMEOUT_S * 1000;
    this.publicUrl = env.PUBLIC_URL.replace(/\/+$/, '');
    this.allowedUrlHosts = new Set(
      env.ALLOWED_URL_HOSTS.split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    );
    this.tiktok = platformSettings(env, 'TIKTOK');
    this.douyin = platformSettings(env, 'DOUYIN');
    this.apiKeys = readApiKeys(env).keys;
    this.admin = env.ADMIN_USER && env.ADMIN_PASSWORD ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : null;
    this.logFormat = env.LOG_FORMAT ?? (stdoutIsTTY ? 'text' : 'json');
  }
}

/** `<PREFIX>_BASE_URL`, `_SHORT_LINK_BASE_URL`, `_COOKIE`, `_USER_AGENT`, `_PROXY` of one platform; empty means unset. */
function platformSettings(env: Environment, prefix: 'TIKTOK' | 'DOUYIN'): PlatformSettings {
  return {
    baseUrl: env[`${prefix}_BASE_URL`],
    shortLinkBaseUrl: env[`${prefix}_SHORT_LINK_BASE_URL`] || null,
    cookie: env[`${prefix}_COOKIE`] || null,
    userAgent: env[`${prefix}_USER_AGENT`],
    proxy: env[`${prefix}_PROXY`] || null,
  };
}

/** `NAME=value: rules`; the value of a key variable is never shown (it holds secrets). */
function describe(error: ValidationError): string {
  const rules = Object.values(error.constraints ?? {}).join('; ');
  const secret = (API_KEY_VARIABLES as readonly string[]).includes(error.property);
  return `${error.property}=${secret ? '(hidden)' : JSON.stringify(error.value)}: ${rules}`;
}

/**
 * Validates an environment (by default `process.env`, after loading `./.env` when it exists)
 * and returns the typed configuration. Unset variables take the defaults of `Environment`;
 * empty strings count as unset.
 * @param stdoutIsTTY whether stdout is a terminal (default: this process's): unset LOG_FORMAT
 *   is then `text`, else `json`
 * @throws ConfigError naming every invalid variable at once.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = readProcessEnv(),
  stdoutIsTTY = process.stdout.isTTY === true,
): HarkConfig {
  const plain = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key in new Environment() && value !== ''),
  );
  const parsed = plainToInstance(Environment, plain, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length > 0) throw new ConfigError(errors.map(describe));
  return new HarkConfig(parsed, stdoutIsTTY);
}

function readProcessEnv(): NodeJS.ProcessEnv {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return process.env;
}

/**
 * `loadConfig()` for an app's `main.ts`: on invalid configuration, prints every problem to
 * stderr and exits with status 1 before anything starts.
 */
export function loadConfigOrExit(): HarkConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example for every variable and its default.\n`);
    process.exit(1);
  }
}

/** The Nest logger levels at and above `level`. */
export function logLevelsFrom(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(LOG_LEVELS.indexOf(level));
}

/**
 * The one logger of both apps: Nest's ConsoleLogger, as JSON lines (`LOG_FORMAT=json`: level,
 * pid, timestamp, context, message) or coloured text, from LOG_LEVEL up.
 */
export function createLogger(config: HarkConfig, name: string): ConsoleLogger {
  return new ConsoleLogger(name, {
    json: config.logFormat === 'json',
    logLevels: logLevelsFrom(config.logLevel),
    colors: config.logFormat === 'text' && !noColorRequested(),
  });
}
