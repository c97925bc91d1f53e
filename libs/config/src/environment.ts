import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';
import { type ApiKeyVariable, readApiKeys } from './api-keys';

/** Log levels understood by the Nest logger, most to least verbose. */
export const LOG_LEVELS = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** ONNX Runtime execution providers sherpa-onnx accepts for Whisper. */
export const ASR_PROVIDERS = ['cpu', 'cuda'] as const;
export type AsrProvider = (typeof ASR_PROVIDERS)[number];

/** One entry of ASR_DEVICES: `cpu`, `cuda:<index>` (one GPU, as `nvidia-smi -L` numbers them), or `cuda` (every GPU). */
export const DEVICE_PATTERN = /^(cpu|cuda(:\d+)?)$/;

/** Variables a process sets for the processes it starts, never documented for operators (.env.example leaves them out). */
export const INTERNAL_VARIABLES: readonly string[] = ['HARK_WORKER_DEVICE'];

/**
 * A comma-separated list (spaces around the commas ignored) whose every entry matches `pattern`;
 * `message` says what is wrong otherwise (the variable's name is put before it).
 */
function CommaSeparated(name: string, pattern: RegExp, message: string): PropertyDecorator {
  const strip = Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/\s+/g, '') : value,
  );
  const check = ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.split(',').every((entry) => pattern.test(entry)),
      defaultMessage: () => message,
    },
  });
  return (target, key) => {
    strip(target, key);
    check(target, key);
  };
}

/** Precision of the Whisper files: `auto` picks fp32 on CUDA and int8 on the CPU. */
export const ASR_PRECISIONS = ['auto', 'int8', 'fp32'] as const;
export type AsrPrecision = (typeof ASR_PRECISIONS)[number];

/**
 * A model name as ASR_MODEL, ASR_MODELS and a task's `model` give it: a folder name under
 * MODELS_DIR that can also name its queue (`transcription-<model>`; BullMQ forbids `:`), at most
 * 64 characters.
 */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MODEL_NAME_RULE =
  'must be a model name: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 64 characters (e.g. tiny, large-v3, small.en)';

/**
 * Reads a boolean written as text: true/false, 1/0, yes/no, on/off (any case). Anything else is
 * returned unchanged, so the boolean validator rejects it with the variable's name.
 */
export function parseBoolean(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return value;
}

/** Empty means "not set" for these optional URL variables. */
const unlessEmpty = (name: string) => ValidateIf((env: Record<string, unknown>) => env[name] !== '');
const httpUrl = { protocols: ['http', 'https'], require_tld: false, require_protocol: true };

/** Default User-Agents: TikTok's web pages as a desktop browser sees them; Douyin's share page as a phone's browser does. */
const DESKTOP_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const MOBILE_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** The problems `readApiKeys` finds in one key variable (both are read, for names or secrets given in both). */
function apiKeyProblems(args: ValidationArguments, variable: ApiKeyVariable): string[] {
  const env = args.object as Partial<Record<ApiKeyVariable, unknown>>;
  const text = (name: ApiKeyVariable) => (typeof env[name] === 'string' ? env[name] : '');
  return readApiKeys({ API_KEYS: text('API_KEYS'), ADMIN_API_KEYS: text('ADMIN_API_KEYS') })
    .problems.filter((problem) => problem.variable === variable)
    .map((problem) => problem.message);
}

/** A list of `name:secret` pairs or bare secrets (see `readApiKeys`). */
const ApiKeyList = (variable: ApiKeyVariable) =>
  ValidateBy({
    name: 'apiKeyList',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) => !args || apiKeyProblems(args, variable).length === 0,
      defaultMessage: (args?: ValidationArguments) => (args ? apiKeyProblems(args, variable).join('; ') : ''),
    },
  });

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/**
 * Every environment variable Hark reads, with its default and its rule.
 * `.env.example` documents the same list for operators; `loadConfig()` validates it.
 * Property names are the variable names, so a validation error names the variable.
 */
export class Environment {
  /** Postgres connection URL (source of truth for tasks). */
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL = 'postgres://hark:hark@127.0.0.1:5432/hark';

  /** Redis connection URL (BullMQ transport). */
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Key prefix of every BullMQ queue; lets several deployments share one Redis. */
  @IsString()
  @MinLength(1)
  QUEUE_PREFIX = 'hark';

  /** Directory for uploaded media (must be shared by the api and every processor). */
  @IsString()
  @MinLength(1)
  STORAGE_DIR = './storage';

  /** Directory holding one folder per model in the sherpa-onnx release layout. */
  @IsString()
  @MinLength(1)
  MODELS_DIR = './models';

  /**
   * Whisper model name (`tiny`, `base`, `small.en`, … or a folder name under MODELS_DIR): what a
   * processor serves without ASR_MODELS, and on the api the default model of tasks that name none.
   */
  @IsString()
  @Matches(MODEL_NAME_PATTERN, { message: MODEL_NAME_RULE })
  ASR_MODEL = 'tiny';

  /**
   * The models one processor serves, comma-separated (`large-v3,tiny`); unset: ASR_MODEL alone.
   * One recognizer pool (ASR_POOL_SIZE) per loaded model. Spaces around commas are ignored.
   */
  @IsOptional()
  @CommaSeparated(
    'modelList',
    MODEL_NAME_PATTERN,
    `must be a comma-separated list of model names; each ${MODEL_NAME_RULE.replace(/^must /, '')}`,
  )
  ASR_MODELS?: string = undefined;

  /**
   * Seconds a processor keeps a model loaded without a job for it, then unloads it (its recognizer
   * pool is freed) until the next job loads it again. 0: every model of ASR_MODELS is loaded at
   * start and kept.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MODEL_IDLE_TIMEOUT = 0;

  /** Where `npm run models:download` fetches model archives (sherpa-onnx's release assets). */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  MODELS_BASE_URL = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models';

  /** Silero VAD model file; a relative path is resolved against MODELS_DIR. */
  @IsString()
  @MinLength(1)
  VAD_MODEL = 'silero-vad/silero_vad.onnx';

  /** Speaker-diarization segmentation model (pyannote segmentation 3.0 in sherpa-onnx's layout); relative to MODELS_DIR. */
  @IsString()
  @MinLength(1)
  DIARIZATION_SEGMENTATION_MODEL = 'sherpa-onnx-pyannote-segmentation-3-0/model.onnx';

  /** Speaker-embedding model for diarization (3D-Speaker ERes2Net, Apache-2.0); relative to MODELS_DIR. */
  @IsString()
  @MinLength(1)
  DIARIZATION_EMBEDDING_MODEL = '3dspeaker_speech_eres2net_base_sv_zh-cn_3dspeaker_16k.onnx';

  /** Longest file diarized, in seconds (the whole file is held in memory as 16-bit samples: 115 MB per hour). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  DIARIZATION_MAX_SECONDS = 3 * 3600;

  /** Where `npm run models:download -- diarization` fetches from (sherpa-onnx's release downloads; a mirror keeps the same paths). */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  DIARIZATION_MODELS_BASE_URL = 'https://github.com/k2-fsa/sherpa-onnx/releases/download';

  /**
   * The devices a processor runs Whisper on, one worker process each: `cpu`, `cpu,cpu`,
   * `cuda:0,cuda:1`, or `cuda` for every GPU that `nvidia-smi -L` lists (CUDA needs a GPU build of
   * sherpa-onnx). Spaces around commas are ignored.
   */
  @CommaSeparated(
    'devices',
    DEVICE_PATTERN,
    'must be a comma-separated list of devices: cpu, cuda:<index> (e.g. cuda:0,cuda:1) or cuda (every GPU)',
  )
  ASR_DEVICES = 'cpu';

  /**
   * Set by a processor for each worker process it starts: the one device that process runs on
   * (`cpu` or `cuda:<index>`). Internal: not for operators.
   */
  @IsOptional()
  @Matches(/^(cpu|cuda:\d+)$/, {
    message: 'must be cpu or cuda:<index> (set by the processor for its worker processes)',
  })
  HARK_WORKER_DEVICE?: string = undefined;

  /** Whisper files to load: `auto` (fp32 on CUDA, int8 on the CPU), `int8` or `fp32`; the other is used when the preferred pair is absent. */
  @IsIn(ASR_PRECISIONS)
  ASR_PRECISION: AsrPrecision = 'auto';

  /**
   * Intra-op threads of each Whisper recognizer. 1 by default: on the CPU, two 1-thread
   * recognizers decoding side by side do about 1.7× the work of one 2-thread recognizer.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  ASR_THREADS = 1;

  /** Recognizers one processor loads, shared by all its tasks (windows decode in parallel); unset: the CPU cores. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  ASR_POOL_SIZE?: number = undefined;

  /** Tasks one processor takes at once; unset: ASR_POOL_SIZE (short files fill the pool too). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY?: number = undefined;

  /** Largest accepted upload, in bytes (default 2 GiB). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

  /**
   * Longest audio one task may hold, in seconds (default 4 h): checked when the file is probed
   * (its header) and enforced while it is decoded, so a header that lies still stops here.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_AUDIO_SECONDS = 4 * 3600;

  /**
   * Seconds an ffmpeg or ffprobe may run without progress (no output, no new position) before it
   * is killed (SIGTERM, then SIGKILL) and its task fails as `unreadable`.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MEDIA_STALL_TIMEOUT_S = 60;

  /** Most time ranges one `clip_timestamps` may list (each is VAD-cut and decoded on its own). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_CLIP_RANGES = 100;

  /** Live event streams (task events, OpenAI `stream=true`) one API key may hold open on one api node. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EVENT_STREAMS_PER_KEY = 20;

  /** Live event streams one api node holds open in all; beyond it (or the key's share) a stream gets 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EVENT_STREAMS_MAX = 1000;

  /** Largest JSON (or form-urlencoded) request body, in bytes (default 1 MiB); media goes in uploads, not JSON. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  JSON_BODY_LIMIT_BYTES = 1024 ** 2;

  /** Keep-alive comment interval of the live events stream (`GET /api/v1/tasks/{id}/events`), in ms: below proxies' idle timeouts. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  EVENTS_KEEPALIVE_MS = 15_000;

  /** How often, in ms, each api node sweeps STORAGE_DIR: orphan uploads, expired media, expired tasks. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  STORAGE_SWEEP_INTERVAL_MS = 600_000;

  /**
   * A file under STORAGE_DIR/uploads or /downloads that no task references is removed once it has
   * not been modified for this long, in ms (an upload still being written keeps changing; Node ends
   * a request after 300 s). At least 10 minutes.
   */
  @Transform(toInt)
  @IsInt()
  @Min(600_000)
  ORPHAN_UPLOAD_GRACE_MS = 3_600_000;

  /** Hours after a task finished (completed, failed, cancelled) that its media is removed; 0 keeps it forever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MEDIA_RETENTION_HOURS = 72;

  /** Days after a task finished that it is deleted (row and media); 0 keeps tasks forever. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  TASK_RETENTION_DAYS = 0;

  /** Interface and port of the REST API. */
  @IsString()
  API_HOST = '0.0.0.0';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  API_PORT = 3000;

  /** Port of the processor's health endpoints (/health/live, /health/ready); 0 picks a free one. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PROCESSOR_HEALTH_PORT = 3001;

  /** Attempts per transcription job before the task is marked failed (transient errors only). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  JOB_ATTEMPTS = 3;

  /** First retry delay in ms; BullMQ doubles it on each further attempt. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  JOB_BACKOFF_MS = 5000;

  /** BullMQ job lock in ms: a processor that stops renewing it (crash) loses the job after this. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  JOB_LOCK_MS = 30000;

  /** How often, in ms, processors look for stalled jobs (jobs whose lock expired). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  JOB_STALLED_INTERVAL_MS = 30000;

  /**
   * How many times a job may stall (its processor died or stopped renewing the lock) before BullMQ
   * fails it; the task then fails as a poison task.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  JOB_MAX_STALLS = 3;

  /**
   * How long, in ms, a processor's job waits for Postgres or Redis to come back before its task
   * fails (a dependency outage is not the task's fault; beyond this it gives up).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  DEPENDENCY_OUTAGE_TOLERANCE_MS = 600_000;

  /** How often, in ms, processors re-enqueue tasks that Postgres holds but Redis lost. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  RECONCILE_INTERVAL_MS = 60000;

  /** Base URL clients reach the api at; used for `result_url` in callbacks. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_URL = 'http://localhost:3000';

  /**
   * Hosts (names or IPs, comma-separated) that `file_url` and `callback_url` may use even though
   * they resolve to loopback, private, link-local or metadata addresses (refused by default).
   */
  @IsString()
  ALLOWED_URL_HOSTS = '';

  /** Time limit of one media download from `file_url`, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  URL_DOWNLOAD_TIMEOUT_MS = 300000;

  /** Redirects followed when downloading `file_url`. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  URL_MAX_REDIRECTS = 5;

  /** Time limit of one request to TikTok or Douyin while resolving a share link, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  LINK_RESOLVE_TIMEOUT_MS = 15000;

  /** Origin of TikTok's web pages (post pages are read from here). */
  @IsUrl(httpUrl)
  TIKTOK_BASE_URL = 'https://www.tiktok.com';

  /** Origin asked for TikTok short-link codes instead of vm./vt.tiktok.com; empty: the link's own host. */
  @unlessEmpty('TIKTOK_SHORT_LINK_BASE_URL')
  @IsUrl(httpUrl)
  TIKTOK_SHORT_LINK_BASE_URL = '';

  /** `Cookie` header sent to TikTok (a logged-in session, for posts behind the login wall). */
  @IsString()
  TIKTOK_COOKIE = '';

  @IsString()
  @MinLength(1)
  TIKTOK_USER_AGENT = DESKTOP_USER_AGENT;

  /** HTTP(S) proxy for TikTok pages and media, e.g. `http://user:pass@proxy:8080`; empty: direct. */
  @unlessEmpty('TIKTOK_PROXY')
  @IsUrl(httpUrl)
  TIKTOK_PROXY = '';

  /** Origin of Douyin's share pages (`/share/video/<id>/`). */
  @IsUrl(httpUrl)
  DOUYIN_BASE_URL = 'https://www.iesdouyin.com';

  /** Origin asked for Douyin short-link codes instead of v.douyin.com; empty: the link's own host. */
  @unlessEmpty('DOUYIN_SHORT_LINK_BASE_URL')
  @IsUrl(httpUrl)
  DOUYIN_SHORT_LINK_BASE_URL = '';

  @IsString()
  DOUYIN_COOKIE = '';

  @IsString()
  @MinLength(1)
  DOUYIN_USER_AGENT = MOBILE_USER_AGENT;

  @unlessEmpty('DOUYIN_PROXY')
  @IsUrl(httpUrl)
  DOUYIN_PROXY = '';

  /** Key of the HMAC-SHA256 signature of callbacks; callbacks are refused while it is empty. */
  @IsString()
  CALLBACK_SECRET = '';

  /** Delivery attempts per callback; retries back off exponentially from CALLBACK_BACKOFF_MS. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  CALLBACK_ATTEMPTS = 6;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  CALLBACK_BACKOFF_MS = 10000;

  /** Time a callback receiver has to answer, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CALLBACK_TIMEOUT_MS = 10000;

  /**
   * API keys, comma-separated `name:secret` pairs (a bare secret gets the name `key-<id>`). When
   * any key is set, every route not declared public needs `Authorization: Bearer <secret>`, and
   * each key sees only the tasks it created; when empty the service is open (and says so at start).
   */
  @IsString()
  @ApiKeyList('API_KEYS')
  API_KEYS = '';

  /** Admin API keys, in the format of API_KEYS: they see and manage every key's tasks. */
  @IsString()
  @ApiKeyList('ADMIN_API_KEYS')
  ADMIN_API_KEYS = '';

  /** Requests per minute per API key (0: unlimited). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_MINUTE = 0;

  /** Unfinished (queued or processing) tasks one API key may have at once (0: unlimited). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MAX_QUEUED_TASKS_PER_KEY = 0;

  /** HTTP basic-auth user and password of the Bull Board admin UI (/admin/queues); it is off while either is empty. */
  @IsString()
  ADMIN_USER = '';

  @IsString()
  ADMIN_PASSWORD = '';

  /** Serve Swagger UI (/docs) and the OpenAPI document (/docs-json). */
  @Transform(({ value }: { value: unknown }) => parseBoolean(value))
  @IsBoolean()
  SWAGGER_ENABLED = true;

  /** Serve /docs and /docs-json to anyone, also when API keys are set (otherwise they need a key then). */
  @Transform(({ value }: { value: unknown }) => parseBoolean(value))
  @IsBoolean()
  DOCS_PUBLIC = false;

  /** How long `/v1/audio/*` requests wait for their transcript before answering 504 with the task id, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  OPENAI_WAIT_MS = 600000;

  /** On SIGTERM, how long a processor lets its current jobs finish before handing them back to the queue, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 25000;

  /**
   * `json`: one JSON object per line (for log collectors); `text`: coloured lines for a terminal.
   * Unset: `text` when stdout is a terminal, else `json` (see `HarkConfig.logFormat`).
   */
  @IsOptional()
  @IsIn(['json', 'text'])
  LOG_FORMAT?: 'json' | 'text' = undefined;

  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'log';
}
