import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConsoleLogger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { API_KEY_VARIABLES, type ApiKey, readApiKeys } from './api-keys';
import { type AsrPrecision, type AsrProvider, Environment, LOG_LEVELS, type LogLevel } from './environment';
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
 * The validated configuration of a Hark process. Inject it (it is provided globally by
 * `HarkConfigModule`); never read `process.env` outside this library (ESLint refuses it; child
 * processes get theirs from `childProcessEnv()`).
 */
export class HarkConfig {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  /** Absolute path. */
  readonly storageDir: string;
  /** Absolute path. */
  readonly modelsDir: string;
  /** ASR_MODEL: the model a processor serves without ASR_MODELS, and the api's default model of tasks. */
  readonly asrModel: string;
  /** ASR_MODELS: the models this processor serves, without duplicates; unset: `[asrModel]`. */
  readonly asrModels: readonly string[];
  /** MODEL_IDLE_TIMEOUT in ms: a model unused this long is unloaded; 0: every model loaded at start and kept. */
  readonly modelIdleTimeoutMs: number;
  readonly modelsBaseUrl: string;
  /** Absolute path of the Silero VAD ONNX file. */
  readonly vadModel: string;
  /** Absolute paths of the diarization models (DIARIZATION_*_MODEL, relative ones under MODELS_DIR). */
  readonly diarizationSegmentationModel: string;
  readonly diarizationEmbeddingModel: string;
  readonly diarizationMaxSeconds: number;
  readonly diarizationModelsBaseUrl: string;
  /** EVENTS_KEEPALIVE_MS. */
  readonly eventsKeepaliveMs: number;
  /** ASR_DEVICES, one entry per device (`cpu`, `cuda:<index>`, or `cuda` for every GPU). */
  readonly asrDevices: string[];
  /** The device of this worker process (`cpu`, `cuda:<index>`), set by its processor; null in a processor that supervises devices, and in the api. */
  readonly workerDevice: string | null;
  /** The execution provider of this process's device: `cuda` for a CUDA device, else `cpu`. */
  readonly asrProvider: AsrProvider;
  readonly asrPrecision: AsrPrecision;
  readonly asrThreads: number;
  /**
   * ASR_POOL_SIZE, per device; unset: on the CPU, the cores shared among the CPU devices of
   * ASR_DEVICES (`os.availableParallelism()` / their count), on a GPU 2.
   */
  readonly asrPoolSize: number;
  /** WORKER_CONCURRENCY; unset: the pool size. */
  readonly workerConcurrency: number;
  readonly maxUploadBytes: number;
  readonly jsonBodyLimitBytes: number;
  /** MAX_AUDIO_SECONDS: longest audio of one task, in seconds. */
  readonly maxAudioSeconds: number;
  /** MEDIA_STALL_TIMEOUT_S in ms: an ffmpeg/ffprobe without progress this long is killed. */
  readonly mediaStallTimeoutMs: number;
  /** MAX_CLIP_RANGES: most ranges in one `clip_timestamps`. */
  readonly maxClipRanges: number;
  /** EVENT_STREAMS_PER_KEY and EVENT_STREAMS_MAX: open event streams per API key and per api node. */
  readonly eventStreamsPerKey: number;
  readonly eventStreamsMax: number;
  /** Storage janitor (api): sweep period, grace of unreferenced files, retention (0: forever). */
  readonly storageSweepIntervalMs: number;
  readonly orphanUploadGraceMs: number;
  readonly mediaRetentionHours: number;
  readonly taskRetentionDays: number;
  readonly apiHost: string;
  readonly apiPort: number;
  readonly processorHealthPort: number;
  readonly jobAttempts: number;
  readonly jobBackoffMs: number;
  readonly jobLockMs: number;
  readonly jobStalledIntervalMs: number;
  readonly jobMaxStalls: number;
  readonly dependencyOutageToleranceMs: number;
  readonly reconcileIntervalMs: number;
  readonly logLevel: Environment['LOG_LEVEL'];
  readonly publicUrl: string;
  /** Lower-cased host names / IPs exempt from the private-address check. */
  readonly allowedUrlHosts: ReadonlySet<string>;
  readonly urlDownloadTimeoutMs: number;
  readonly urlMaxRedirects: number;
  readonly linkResolveTimeoutMs: number;
  readonly tiktok: PlatformSettings;
  readonly douyin: PlatformSettings;
  readonly callbackSecret: string;
  readonly callbackAttempts: number;
  readonly callbackBackoffMs: number;
  readonly callbackTimeoutMs: number;
  readonly openAiWaitMs: number;
  /** Every API key (API_KEYS, then ADMIN_API_KEYS with `admin: true`); empty: the service is open. */
  readonly apiKeys: readonly ApiKey[];
  readonly rateLimitPerMinute: number;
  readonly maxQueuedTasksPerKey: number;
  /** Bull Board credentials; null when the admin UI is off. */
  readonly admin: { user: string; password: string } | null;
  readonly swaggerEnabled: boolean;
  /** /docs and /docs-json need no key even when API keys are set. */
  readonly docsPublic: boolean;
  readonly shutdownGraceMs: number;
  /** LOG_FORMAT; unset: `text` when stdout is a terminal, else `json`. */
  readonly logFormat: 'json' | 'text';

  /** @param stdoutIsTTY whether stdout is a terminal (picks the LOG_FORMAT default) */
  constructor(env: Environment, stdoutIsTTY = false) {
    const modelsDir = resolve(env.MODELS_DIR);
    this.databaseUrl = env.DATABASE_URL;
    this.redisUrl = env.REDIS_URL;
    this.queuePrefix = env.QUEUE_PREFIX;
    this.storageDir = resolve(env.STORAGE_DIR);
    this.modelsDir = modelsDir;
    this.asrModel = env.ASR_MODEL;
    this.asrModels = env.ASR_MODELS ? [...new Set(env.ASR_MODELS.split(','))] : [env.ASR_MODEL];
    this.modelIdleTimeoutMs = env.MODEL_IDLE_TIMEOUT * 1000;
    this.modelsBaseUrl = env.MODELS_BASE_URL.replace(/\/+$/, '');
    this.vadModel = resolve(modelsDir, env.VAD_MODEL);
    this.diarizationSegmentationModel = resolve(modelsDir, env.DIARIZATION_SEGMENTATION_MODEL);
    this.diarizationEmbeddingModel = resolve(modelsDir, env.DIARIZATION_EMBEDDING_MODEL);
    this.diarizationMaxSeconds = env.DIARIZATION_MAX_SECONDS;
    this.diarizationModelsBaseUrl = env.DIARIZATION_MODELS_BASE_URL.replace(/\/+$/, '');
    this.eventsKeepaliveMs = env.EVENTS_KEEPALIVE_MS;
    this.asrDevices = env.ASR_DEVICES.split(',');
    this.workerDevice = env.HARK_WORKER_DEVICE ?? null;
    this.asrProvider = (this.workerDevice ?? this.asrDevices[0]).startsWith('cuda') ? 'cuda' : 'cpu';
    this.asrPrecision = env.ASR_PRECISION;
    this.asrThreads = env.ASR_THREADS;
    const cpuDevices = this.asrDevices.filter((device) => device === 'cpu').length || 1;
    this.asrPoolSize =
      env.ASR_POOL_SIZE ??
      (this.asrProvider === 'cuda' ? 2 : Math.max(1, Math.floor(availableParallelism() / cpuDevices)));
    this.workerConcurrency = env.WORKER_CONCURRENCY ?? this.asrPoolSize;
    this.maxUploadBytes = env.MAX_UPLOAD_BYTES;
    this.jsonBodyLimitBytes = env.JSON_BODY_LIMIT_BYTES;
    this.maxAudioSeconds = env.MAX_AUDIO_SECONDS;
    this.mediaStallTimeoutMs = env.MEDIA_STALL_TIMEOUT_S * 1000;
    this.maxClipRanges = env.MAX_CLIP_RANGES;
    this.eventStreamsPerKey = env.EVENT_STREAMS_PER_KEY;
    this.eventStreamsMax = env.EVENT_STREAMS_MAX;
    this.storageSweepIntervalMs = env.STORAGE_SWEEP_INTERVAL_MS;
    this.orphanUploadGraceMs = env.ORPHAN_UPLOAD_GRACE_MS;
    this.mediaRetentionHours = env.MEDIA_RETENTION_HOURS;
    this.taskRetentionDays = env.TASK_RETENTION_DAYS;
    this.apiHost = env.API_HOST;
    this.apiPort = env.API_PORT;
    this.processorHealthPort = env.PROCESSOR_HEALTH_PORT;
    this.jobAttempts = env.JOB_ATTEMPTS;
    this.jobBackoffMs = env.JOB_BACKOFF_MS;
    this.jobLockMs = env.JOB_LOCK_MS;
    this.jobStalledIntervalMs = env.JOB_STALLED_INTERVAL_MS;
    this.jobMaxStalls = env.JOB_MAX_STALLS;
    this.dependencyOutageToleranceMs = env.DEPENDENCY_OUTAGE_TOLERANCE_MS;
    this.reconcileIntervalMs = env.RECONCILE_INTERVAL_MS;
    this.logLevel = env.LOG_LEVEL;
    this.publicUrl = env.PUBLIC_URL.replace(/\/+$/, '');
    this.allowedUrlHosts = new Set(
      env.ALLOWED_URL_HOSTS.split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    );
    this.urlDownloadTimeoutMs = env.URL_DOWNLOAD_TIMEOUT_MS;
    this.urlMaxRedirects = env.URL_MAX_REDIRECTS;
    this.linkResolveTimeoutMs = env.LINK_RESOLVE_TIMEOUT_MS;
    this.tiktok = platformSettings(env, 'TIKTOK');
    this.douyin = platformSettings(env, 'DOUYIN');
    this.callbackSecret = env.CALLBACK_SECRET;
    this.callbackAttempts = env.CALLBACK_ATTEMPTS;
    this.callbackBackoffMs = env.CALLBACK_BACKOFF_MS;
    this.callbackTimeoutMs = env.CALLBACK_TIMEOUT_MS;
    this.openAiWaitMs = env.OPENAI_WAIT_MS;
    this.apiKeys = readApiKeys(env).keys;
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE;
    this.maxQueuedTasksPerKey = env.MAX_QUEUED_TASKS_PER_KEY;
    this.admin = env.ADMIN_USER && env.ADMIN_PASSWORD ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : null;
    this.swaggerEnabled = env.SWAGGER_ENABLED;
    this.docsPublic = env.DOCS_PUBLIC;
    this.shutdownGraceMs = env.SHUTDOWN_GRACE_MS;
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
