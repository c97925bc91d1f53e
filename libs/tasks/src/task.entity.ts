import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { DecodeOptions } from '@app/asr-engine';
import type { Platform } from '@app/crawlers';
import type { ErrorCode } from '@app/errors';
import type {
  CallbackAttempt,
  CallbackStatus,
  LinkMetadata,
  TaskCheckpoint,
  TaskKind,
  TaskPriority,
  TaskResult,
  TaskSource,
  TaskStatus,
} from './task.types';

const bigintAsNumber = {
  to: (value?: number | null) => value,
  from: (value?: string | null) => (value == null ? null : Number(value)),
};

/**
 * A transcription task: one media file, its options, its state and, once completed, its result.
 * Postgres holds the truth; the BullMQ job (same id) only carries the task to a processor.
 */
@Entity('tasks')
@Index('IDX_tasks_status_created_at', ['status', 'createdAt'])
@Index('IDX_tasks_api_key_name_idempotency_key', ['apiKeyName', 'idempotencyKey'])
export class TaskEntity {
  /** UUID, also the BullMQ job id. */
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: TaskStatus;

  @Column({ type: 'varchar', length: 16, default: 'transcribe' })
  task: TaskKind;

  /**
   * The language of the task's transcript (ISO code): the requested one until the task completes,
   * then the one it was decoded in (requested or detected; null when no speech was found).
   */
  @Column({ type: 'varchar', length: 8, nullable: true })
  language: string | null;

  /** The language the client asked for (ISO code), or null to detect it; never changed by processing. */
  @Column({ name: 'language_requested', type: 'varchar', length: 8, nullable: true })
  languageRequested: string | null;

  /**
   * The Whisper model the task runs on (a name of ASR_MODELS, e.g. `large-v3`), resolved when it was
   * created: the one it named, or the default model (ASR_MODEL). Null for tasks created before tasks
   * named their model; they run on the default model.
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  model: string | null;

  @Column({ type: 'varchar', length: 8, default: 'normal' })
  priority: TaskPriority;

  @Column({ type: 'varchar', length: 16, default: 'upload' })
  source: TaskSource;

  /** The media URL of a `url` task, or the share link of a `link` task. */
  @Column({ name: 'source_url', type: 'text', nullable: true })
  sourceUrl: string | null;

  /** The platform of a `link` task. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  platform: Platform | null;

  /** What the share link of a `link` task resolved to; null until the processor resolved it. */
  @Column({ type: 'jsonb', nullable: true })
  link: LinkMetadata | null;

  /** Every decoding/VAD option, as accepted (defaults filled in). */
  @Column({ name: 'decode_options', type: 'jsonb', nullable: true })
  decodeOptions: DecodeOptions | null;

  /** Where to POST the outcome when the task completes, fails or is cancelled. */
  @Column({ name: 'callback_url', type: 'text', nullable: true })
  callbackUrl: string | null;

  @Column({ name: 'callback_include_result', type: 'boolean', default: true })
  callbackIncludeResult: boolean;

  @Column({ name: 'callback_status', type: 'varchar', length: 16, nullable: true })
  callbackStatus: CallbackStatus | null;

  @Column({ name: 'callback_attempts', type: 'jsonb', default: () => "'[]'" })
  callbackAttempts: CallbackAttempt[];

  /** Stable id of the callback of this outcome (`X-Hark-Delivery-Id`), the same on every retry and redelivery. */
  @Column({ name: 'callback_delivery_id', type: 'uuid', nullable: true })
  callbackDeliveryId: string | null;

  /** Which API key created the task (a hash prefix, never the key), for per-key limits. */
  @Column({ name: 'api_key_id', type: 'varchar', length: 16, nullable: true })
  apiKeyId: string | null;

  /** The name of the API key that created (and owns) the task; null when the service has no keys. */
  @Column({ name: 'api_key_name', type: 'varchar', length: 64, nullable: true })
  apiKeyName: string | null;

  /** The client's `Idempotency-Key` header of the creating request, if any. */
  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 (hex) of the creating request (fields and file), to tell a replay from a different request with the same key. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true })
  requestHash: string | null;

  /** The client's file name, kept as data only. */
  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName: string | null;

  @Column({ name: 'file_size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  fileSizeBytes: number | null;

  /** Where the media is stored (a generated name under STORAGE_DIR); never shown to clients. */
  @Column({ name: 'media_path', type: 'text', nullable: true })
  mediaPath: string | null;

  /** When retention removed the media (MEDIA_RETENTION_HOURS); the result stays. */
  @Column({ name: 'media_removed_at', type: 'timestamptz', nullable: true })
  mediaRemovedAt: Date | null;

  /**
   * Media duration in seconds: what ffprobe read from the file's header until the task completes,
   * then the seconds of audio actually decoded.
   */
  @Column({ type: 'double precision', nullable: true })
  duration: number | null;

  /**
   * Whether the decoded audio ended well before the duration the file's header states (a cut-off
   * download or upload); null until the task completed.
   */
  @Column({ name: 'media_truncated', type: 'boolean', nullable: true })
  mediaTruncated: boolean | null;

  /** 0–100. */
  @Column({ type: 'smallint', default: 0 })
  progress: number;

  /** Processing attempts started so far. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** Machine-readable class of `error` (e.g. `not_found` for a deleted post), or null. */
  @Column({ name: 'error_code', type: 'varchar', length: 32, nullable: true })
  errorCode: ErrorCode | null;

  @Column({ type: 'jsonb', nullable: true })
  result: TaskResult | null;

  /** Progress of the current attempt that survives a crash: the segments decoded so far and where the audio resumes. */
  @Column({ type: 'jsonb', nullable: true })
  checkpoint: TaskCheckpoint | null;

  /** Engine and model that produced the result, e.g. `sherpa-onnx/whisper-tiny (int8, cpu)`. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  engine: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  /** Wall-clock seconds from start to completion of the last attempt. */
  @Column({ name: 'processing_time', type: 'double precision', nullable: true })
  processingTime: number | null;
}
