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
 * The concerns the variables are grouped by, in the order `.env.example` and the README's
 * configuration table list them; `intro` heads the group in both.
 */
export const VARIABLE_GROUPS = {
  database: { title: 'Database', intro: 'Postgres: the source of truth for tasks.' },
  queue: {
    title: 'Queue and jobs',
    intro:
      'Redis carries the BullMQ queues; use one with persistence (appendonly) in production. Tasks lost from Redis are re-enqueued from Postgres anyway (RECONCILE_INTERVAL_MS).',
  },
  engine: {
    title: 'Engine: models and devices',
    intro:
      'MODELS_DIR holds one folder per model in the sherpa-onnx release layout, e.g. models/sherpa-onnx-whisper-tiny/tiny-encoder.int8.onnx, tiny-decoder.int8.onnx, tiny-tokens.txt. `npm run models:download` installs them.',
  },
  diarization: {
    title: 'Speaker diarization',
    intro: 'Models and limits of `diarize=true`; `npm run models:download -- diarization` installs the models.',
  },
  storage: {
    title: 'Storage and retention',
    intro:
      'Housekeeping is done by every api node (safe on all at once): at start and every STORAGE_SWEEP_INTERVAL_MS, files that no task references (partial uploads of a killed api, aborted uploads, dead downloads) are removed, and so are the media and tasks past their retention.',
  },
  limits: { title: 'Input limits', intro: 'What one request or one task may hold; beyond it the request is refused.' },
  api: { title: 'HTTP API', intro: 'The REST API, its live event streams, the OpenAI-compatible routes and the docs.' },
  security: {
    title: 'Security: keys, limits and admin',
    intro:
      'When any API key is set, every route except the health probes (and the docs with DOCS_PUBLIC=true) needs `Authorization: Bearer <secret>`, and each key sees only the tasks it created. Over a per-key limit the answer is 429 with Retry-After.',
  },
  downloads: {
    title: 'Media URLs',
    intro: 'Downloads of `file_url` (and the media of share links).',
  },
  callbacks: { title: 'Callbacks', intro: 'Signed POSTs to `callback_url` when a task is done.' },
  platforms: {
    title: 'Share links (TikTok, Douyin)',
    intro:
      'How share links are resolved. Each platform has the same five variables: where pages are read, where short links are asked, a Cookie, a User-Agent and a proxy.',
  },
  processes: { title: 'Processes and logs', intro: 'Health probes, shutdown and logs of both apps.' },
} as const;
export type VariableGroup = keyof typeof VARIABLE_GROUPS;

/** What operators read about one variable: written once here, generated into `.env.example` and the README. */
export interface VariableDoc {
  group: VariableGroup;
  /** What it does, in sentences: `.env.example`'s comment and the README's meaning column. */
  text: string;
  /** The README's default column for a default that is not a value (an unset variable), e.g. "`ASR_POOL_SIZE`". */
  defaultText?: string;
  /** Said after the default value in the README, e.g. "2 GiB" for 2147483648. */
  defaultNote?: string;
  /** The value `.env.example` shows instead of the default (e.g. empty instead of a long User-Agent). */
  example?: string;
  /** Set by a process for the processes it starts; left out of `.env.example` and the README. */
  internal?: boolean;
}

const variableDocs = new Map<string, VariableDoc>();

/** Documents the variable of the property it decorates (see `VariableDoc`); `describeVariables()` reads it back. */
function Variable(
  group: VariableGroup,
  text: string,
  details: Omit<VariableDoc, 'group' | 'text'> = {},
): PropertyDecorator {
  return (_target, key) => {
    variableDocs.set(String(key), { group, text, ...details });
  };
}

/**
 * Every environment variable Hark reads: its default (the initializer), its rule (the validators),
 * and what operators read about it (`@Variable`: group and description). `.env.example` and the
 * README's configuration table are generated from this class (`npm run config:docs`);
 * `loadConfig()` validates it. Property names are the variable names, so a validation error names
 * the variable.
 */
export class Environment {
  // ── database ──

  @Variable('database', 'Postgres connection URL.')
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL = 'postgres://hark:hark@127.0.0.1:5432/hark';

  // ── queue ──

  @Variable('queue', 'Redis connection URL (the BullMQ queues).')
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Variable('queue', 'Key prefix of every BullMQ queue; lets several deployments share one Redis.')
  @IsString()
  @MinLength(1)
  QUEUE_PREFIX = 'hark';

  @Variable(
    'queue',
    'Attempts per transcription job for transient errors (database, Redis, network), then the task fails with the reason.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  JOB_ATTEMPTS = 3;

  @Variable('queue', 'First retry delay of a job, in ms; BullMQ doubles it on each further attempt.')
  @Transform(toInt)
  @IsInt()
  @Min(0)
  JOB_BACKOFF_MS = 5000;

  @Variable(
    'queue',
    'Job lock, in ms: a processor that stops renewing it (a crash) loses the job to another after about this long.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  JOB_LOCK_MS = 30000;

  @Variable('queue', 'How often, in ms, processors look for stalled jobs (jobs whose lock expired).')
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  JOB_STALLED_INTERVAL_MS = 30000;

  @Variable(
    'queue',
    'Stalls (a processor died or stopped renewing the lock) a job survives before BullMQ fails it; its task then fails as a poison task.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  JOB_MAX_STALLS = 3;

  @Variable(
    'queue',
    "How long, in ms, a processor's job waits for Postgres or Redis to come back before its task fails (an outage is not the task's fault; beyond this it gives up).",
  )
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  DEPENDENCY_OUTAGE_TOLERANCE_MS = 600_000;

  @Variable('queue', 'How often, in ms, processors re-enqueue tasks that Postgres holds but Redis lost.')
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  RECONCILE_INTERVAL_MS = 60000;

  // ── engine ──

  @Variable('engine', 'Directory holding one folder per model in the sherpa-onnx release layout.')
  @IsString()
  @MinLength(1)
  MODELS_DIR = './models';

  @Variable(
    'engine',
    'Whisper model: `tiny`, `tiny.en`, `base`, `small`, `medium`, `large-v3`, `turbo`, `distil-…`, or a folder name under MODELS_DIR. What a processor serves without ASR_MODELS, and on the api the default model of tasks that name none.',
  )
  @IsString()
  @Matches(MODEL_NAME_PATTERN, { message: MODEL_NAME_RULE })
  ASR_MODEL = 'tiny';

  @Variable(
    'engine',
    'Models one processor serves, comma-separated (`large-v3,tiny`; spaces around commas ignored), one recognizer pool (ASR_POOL_SIZE) each. A task names its model with `model` and goes to a processor serving it (see [Models per task](#models-per-task)).',
    { defaultText: '`ASR_MODEL`' },
  )
  @IsOptional()
  @CommaSeparated(
    'modelList',
    MODEL_NAME_PATTERN,
    `must be a comma-separated list of model names; each ${MODEL_NAME_RULE.replace(/^must /, '')}`,
  )
  ASR_MODELS?: string = undefined;

  @Variable(
    'engine',
    'Seconds a processor keeps a model loaded without a job for it, then unloads it (its recognizer pool is freed) until the next job loads it again. 0: every model of ASR_MODELS is loaded at start and kept.',
    { defaultNote: 'load all at start, keep' },
  )
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MODEL_IDLE_TIMEOUT = 0;

  @Variable('engine', 'Silero VAD model file; a relative path is resolved against MODELS_DIR.')
  @IsString()
  @MinLength(1)
  VAD_MODEL = 'silero-vad/silero_vad.onnx';

  @Variable('engine', "Where `npm run models:download` fetches model archives (sherpa-onnx's release assets).")
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  MODELS_BASE_URL = 'https://github.com/k2-fsa/sherpa-onnx/releases/download/asr-models';

  @Variable(
    'engine',
    'Devices of a processor, one supervised worker process each: `cpu`, `cpu,cpu`, `cuda:0,cuda:1`, or `cuda` for every GPU that `nvidia-smi -L` lists (CUDA needs a GPU build of sherpa-onnx, see [GPU](#gpu)). Spaces around commas are ignored.',
  )
  @CommaSeparated(
    'devices',
    DEVICE_PATTERN,
    'must be a comma-separated list of devices: cpu, cuda:<index> (e.g. cuda:0,cuda:1) or cuda (every GPU)',
  )
  ASR_DEVICES = 'cpu';

  @Variable(
    'engine',
    'The one device (`cpu` or `cuda:<index>`) of a worker process, set by the processor that starts it.',
    { internal: true },
  )
  @IsOptional()
  @Matches(/^(cpu|cuda:\d+)$/, {
    message: 'must be cpu or cuda:<index> (set by the processor for its worker processes)',
  })
  HARK_WORKER_DEVICE?: string = undefined;

  @Variable(
    'engine',
    'Whisper files to load: `auto` (fp32 on CUDA, int8 on the CPU), `int8` or `fp32`; the other pair is used when the preferred one is absent.',
  )
  @IsIn(ASR_PRECISIONS)
  ASR_PRECISION: AsrPrecision = 'auto';

  @Variable(
    'engine',
    'Intra-op threads of each Whisper recognizer. 1: on the CPU, two 1-thread recognizers decoding side by side do about 1.7× the work of one 2-thread recognizer.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  ASR_THREADS = 1;

  @Variable(
    'engine',
    "Recognizers per device, one pool shared by all the tasks of the device's worker (the windows of one file decode in parallel).",
    { defaultText: 'CPU cores ÷ CPU devices of ASR_DEVICES; `2` on a GPU' },
  )
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  ASR_POOL_SIZE?: number = undefined;

  @Variable('engine', "Tasks one device's worker takes at once (short files fill the pool too).", {
    defaultText: '`ASR_POOL_SIZE`',
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  WORKER_CONCURRENCY?: number = undefined;

  // ── diarization ──

  @Variable(
    'diarization',
    "Speaker-diarization segmentation model (pyannote segmentation 3.0 in sherpa-onnx's layout); relative to MODELS_DIR.",
  )
  @IsString()
  @MinLength(1)
  DIARIZATION_SEGMENTATION_MODEL = 'sherpa-onnx-pyannote-segmentation-3-0/model.onnx';

  @Variable('diarization', 'Speaker-embedding model (3D-Speaker ERes2Net, Apache-2.0); relative to MODELS_DIR.')
  @IsString()
  @MinLength(1)
  DIARIZATION_EMBEDDING_MODEL = '3dspeaker_speech_eres2net_base_sv_zh-cn_3dspeaker_16k.onnx';

  @Variable(
    'diarization',
    'Longest file diarized, in seconds (the whole file is held in memory as 16-bit samples: 115 MB per hour).',
    { defaultNote: '3 h' },
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  DIARIZATION_MAX_SECONDS = 3 * 3600;

  @Variable(
    'diarization',
    "Where `npm run models:download -- diarization` fetches the two models (sherpa-onnx's release downloads; a mirror keeps the same paths).",
  )
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  DIARIZATION_MODELS_BASE_URL = 'https://github.com/k2-fsa/sherpa-onnx/releases/download';

  // ── storage ──

  @Variable(
    'storage',
    'Directory for uploaded and downloaded media; must be the same shared folder for the api and every processor.',
  )
  @IsString()
  @MinLength(1)
  STORAGE_DIR = './storage';

  @Variable(
    'storage',
    'How often, in ms, each api node sweeps STORAGE_DIR: orphan uploads, expired media, expired tasks.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  STORAGE_SWEEP_INTERVAL_MS = 600_000;

  @Variable(
    'storage',
    'A file under STORAGE_DIR/uploads or /downloads that no task references is removed once it has not been modified for this long, in ms (an upload still being written keeps changing; Node ends a request after 300 s). At least 10 minutes.',
    { defaultNote: '1 h' },
  )
  @Transform(toInt)
  @IsInt()
  @Min(600_000)
  ORPHAN_UPLOAD_GRACE_MS = 3_600_000;

  @Variable(
    'storage',
    'Hours after a task finished (completed, failed, cancelled) that its media is removed (`media_removed_at`; the task and its result stay, and a failed or cancelled upload can no longer be retried). 0 keeps media forever.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MEDIA_RETENTION_HOURS = 72;

  @Variable('storage', 'Days after a task finished that it is deleted, row and media. 0 keeps tasks forever.', {
    defaultNote: 'keep',
  })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  TASK_RETENTION_DAYS = 0;

  // ── limits ──

  @Variable(
    'limits',
    'Largest accepted upload, in bytes. Uploads stream to disk, never into memory; one whose Content-Length is over it (plus 64 KiB for the other form fields) is answered 413 unread.',
    { defaultNote: '2 GiB' },
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

  @Variable(
    'limits',
    "Longest audio one task may hold, in seconds: checked on the file's header when it is probed and enforced while it is decoded (a header that lies still stops here); the task fails with `too_long`.",
    { defaultNote: '4 h' },
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MAX_AUDIO_SECONDS = 4 * 3600;

  @Variable(
    'limits',
    'Seconds an ffmpeg or ffprobe may run without progress (no output, no new position) before it is killed (SIGTERM, then SIGKILL) and its task fails as `unreadable`.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MEDIA_STALL_TIMEOUT_S = 60;

  @Variable(
    'limits',
    'Most time ranges one `clip_timestamps` may list (each is VAD-cut and decoded on its own); 400 beyond it.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  MAX_CLIP_RANGES = 100;

  @Variable('limits', 'Largest JSON (or form-urlencoded) request body, in bytes; media goes in uploads, not JSON.', {
    defaultNote: '1 MiB',
  })
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  JSON_BODY_LIMIT_BYTES = 1024 ** 2;

  // ── api ──

  @Variable('api', 'Interface the REST API listens on.')
  @IsString()
  API_HOST = '0.0.0.0';

  @Variable('api', 'Port of the REST API.')
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  API_PORT = 3000;

  @Variable('api', 'Base URL clients reach the api at; used for `result_url` in callbacks.')
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  PUBLIC_URL = 'http://localhost:3000';

  @Variable(
    'api',
    "Keep-alive comment interval of the live events stream (`GET /api/v1/tasks/{id}/events`), in ms: below your proxies' idle timeouts.",
  )
  @Transform(toInt)
  @IsInt()
  @Min(100)
  EVENTS_KEEPALIVE_MS = 15_000;

  @Variable(
    'api',
    'Live event streams (task events, OpenAI `stream=true`) one API key may hold open on one api node; 429 `too_many_streams` beyond.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EVENT_STREAMS_PER_KEY = 20;

  @Variable(
    'api',
    "Live event streams one api node holds open in all; beyond it (or the key's share) a stream gets 429.",
  )
  @Transform(toInt)
  @IsInt()
  @Min(1)
  EVENT_STREAMS_MAX = 1000;

  @Variable(
    'api',
    'How long, in ms, `/v1/audio/*` requests wait for their transcript before answering 504 with the task id.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  OPENAI_WAIT_MS = 600000;

  @Variable('api', 'Serve Swagger UI (`/docs`) and the OpenAPI document (`/docs-json`).')
  @Transform(({ value }: { value: unknown }) => parseBoolean(value))
  @IsBoolean()
  SWAGGER_ENABLED = true;

  @Variable(
    'api',
    'Serve `/docs` and `/docs-json` to anyone, also when API keys are set (otherwise they need a key then).',
  )
  @Transform(({ value }: { value: unknown }) => parseBoolean(value))
  @IsBoolean()
  DOCS_PUBLIC = false;

  // ── security ──

  @Variable(
    'security',
    'API keys, comma-separated `name:secret` pairs (names: 1–64 of A-Z a-z 0-9 . _ -; a bare secret is named `key-<id>`). Empty: the API is open (the api warns at start).',
    { defaultNote: 'open' },
  )
  @IsString()
  @ApiKeyList('API_KEYS')
  API_KEYS = '';

  @Variable('security', "Admin API keys, in the format of API_KEYS: they see and manage every key's tasks.")
  @IsString()
  @ApiKeyList('ADMIN_API_KEYS')
  ADMIN_API_KEYS = '';

  @Variable('security', 'Requests per minute per API key name. 0: unlimited.', { defaultNote: 'unlimited' })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_MINUTE = 0;

  @Variable('security', 'Unfinished (queued or processing) tasks one API key name may have at once. 0: unlimited.', {
    defaultNote: 'unlimited',
  })
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MAX_QUEUED_TASKS_PER_KEY = 0;

  @Variable(
    'security',
    'HTTP basic-auth user of the Bull Board admin UI (`/admin/queues`); the UI is off while it or ADMIN_PASSWORD is empty.',
    { defaultNote: 'UI off' },
  )
  @IsString()
  ADMIN_USER = '';

  @Variable('security', 'HTTP basic-auth password of the Bull Board admin UI.', { defaultNote: 'UI off' })
  @IsString()
  ADMIN_PASSWORD = '';

  @Variable(
    'security',
    'Hosts (names or IPs, comma-separated) that `file_url` and `callback_url` may use even though they resolve to loopback, private, link-local or cloud-metadata addresses (refused by default).',
  )
  @IsString()
  ALLOWED_URL_HOSTS = '';

  // ── downloads ──

  @Variable('downloads', 'Time limit of one media download from `file_url`, in ms.')
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  URL_DOWNLOAD_TIMEOUT_MS = 300000;

  @Variable('downloads', 'Redirects followed when downloading `file_url`.')
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  URL_MAX_REDIRECTS = 5;

  // ── callbacks ──

  @Variable(
    'callbacks',
    'Key of the HMAC-SHA256 signature of callbacks (`scripts/quickstart.sh` generates one); while it is empty, `callback_url` is refused.',
    { defaultNote: 'callbacks refused' },
  )
  @IsString()
  CALLBACK_SECRET = '';

  @Variable('callbacks', 'Delivery attempts per callback; retries back off exponentially from CALLBACK_BACKOFF_MS.')
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  CALLBACK_ATTEMPTS = 6;

  @Variable('callbacks', 'First retry delay of a callback, in ms; doubled on each further attempt.')
  @Transform(toInt)
  @IsInt()
  @Min(0)
  CALLBACK_BACKOFF_MS = 10000;

  @Variable('callbacks', 'Time a callback receiver has to answer, in ms.')
  @Transform(toInt)
  @IsInt()
  @Min(100)
  CALLBACK_TIMEOUT_MS = 10000;

  // ── platforms ──

  @Variable('platforms', 'Time limit of each request to TikTok or Douyin while resolving a share link, in ms.')
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  LINK_RESOLVE_TIMEOUT_MS = 15000;

  @Variable(
    'platforms',
    "Origin of TikTok's web pages, where post pages are read (point it at a mirror, or a test server).",
  )
  @IsUrl(httpUrl)
  TIKTOK_BASE_URL = 'https://www.tiktok.com';

  @Variable(
    'platforms',
    "Origin asked for TikTok short-link codes instead of vm./vt.tiktok.com; empty: the link's own host.",
  )
  @unlessEmpty('TIKTOK_SHORT_LINK_BASE_URL')
  @IsUrl(httpUrl)
  TIKTOK_SHORT_LINK_BASE_URL = '';

  @Variable(
    'platforms',
    '`Cookie` header sent to TikTok (a logged-in session, for `login_required` / `empty_response`).',
  )
  @IsString()
  TIKTOK_COOKIE = '';

  @Variable('platforms', 'User-Agent of TikTok page requests and media downloads; empty: a desktop Chrome.', {
    defaultText: 'desktop Chrome',
    example: '',
  })
  @IsString()
  @MinLength(1)
  TIKTOK_USER_AGENT = DESKTOP_USER_AGENT;

  @Variable(
    'platforms',
    'HTTP(S) proxy for TikTok pages and media, e.g. `http://user:pass@proxy:8080` (against `region_blocked`); empty: direct.',
  )
  @unlessEmpty('TIKTOK_PROXY')
  @IsUrl(httpUrl)
  TIKTOK_PROXY = '';

  @Variable('platforms', "Origin of Douyin's share pages (`/share/video/<id>/`).")
  @IsUrl(httpUrl)
  DOUYIN_BASE_URL = 'https://www.iesdouyin.com';

  @Variable(
    'platforms',
    "Origin asked for Douyin short-link codes instead of v.douyin.com; empty: the link's own host.",
  )
  @unlessEmpty('DOUYIN_SHORT_LINK_BASE_URL')
  @IsUrl(httpUrl)
  DOUYIN_SHORT_LINK_BASE_URL = '';

  @Variable('platforms', '`Cookie` header sent to Douyin (a logged-in session).')
  @IsString()
  DOUYIN_COOKIE = '';

  @Variable('platforms', "User-Agent of Douyin page requests and media downloads; empty: an iPhone's Safari.", {
    defaultText: 'iPhone Safari',
    example: '',
  })
  @IsString()
  @MinLength(1)
  DOUYIN_USER_AGENT = MOBILE_USER_AGENT;

  @Variable('platforms', 'HTTP(S) proxy for Douyin pages and media; empty: direct.')
  @unlessEmpty('DOUYIN_PROXY')
  @IsUrl(httpUrl)
  DOUYIN_PROXY = '';

  // ── processes ──

  @Variable(
    'processes',
    "Port of the processor's health endpoints (`/health/live`, `/health/ready`; with several devices, the supervisor's, which asks each device's worker); 0 picks a free one.",
  )
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PROCESSOR_HEALTH_PORT = 3001;

  @Variable(
    'processes',
    'On SIGTERM, how long, in ms, in-flight requests (api) and running jobs (processor) get to finish; a processor then hands its unfinished jobs back to the queue.',
  )
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS = 25000;

  @Variable(
    'processes',
    'Log format: `json` (one object per line, for log collectors) or `text` (coloured lines for a terminal).',
    { defaultText: '`text` when stdout is a terminal, else `json`' },
  )
  @IsOptional()
  @IsIn(['json', 'text'])
  LOG_FORMAT?: 'json' | 'text' = undefined;

  @Variable('processes', 'Lowest level logged: `verbose`, `debug`, `log`, `warn`, `error` or `fatal`.')
  @IsOptional()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'log';
}

/** One documented variable: its name, its default (undefined: unset) and its `VariableDoc`. */
export interface DescribedVariable extends VariableDoc {
  name: keyof Environment;
  default: string | number | boolean | undefined;
}

/** Every variable of `Environment` with its documentation, grouped in the order of VARIABLE_GROUPS. */
export function describeVariables(): DescribedVariable[] {
  const defaults = new Environment() as unknown as Record<string, DescribedVariable['default']>;
  const groups = Object.keys(VARIABLE_GROUPS);
  return Object.keys(defaults)
    .map((name) => {
      const doc = variableDocs.get(name);
      if (!doc) throw new Error(`${name} has no @Variable (group and description) in environment.ts`);
      return { name: name as keyof Environment, default: defaults[name], ...doc };
    })
    .sort((a, b) => groups.indexOf(a.group) - groups.indexOf(b.group));
}
