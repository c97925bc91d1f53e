import type { DecodeOptions, Segment, Word } from '@app/asr-engine';
import { PLATFORMS } from '@app/crawlers';
import { ERROR_CODES, type ErrorCode } from '@app/errors';
import {
  type CallbackAttempt,
  CALLBACK_STATUSES,
  type LinkMetadata,
  TASK_KINDS,
  TASK_PRIORITIES,
  TASK_SOURCES,
  TASK_STATUSES,
  type TaskEntity,
  type TaskResult,
} from '@app/tasks';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class WordDto {
  @ApiProperty({ description: 'The word, with its attached punctuation, without spaces.', example: 'Americans,' })
  word: string;

  @ApiProperty({ description: 'Start, in seconds from the start of the file.', example: 1.62 })
  start: number;

  @ApiProperty({ description: 'End, in seconds from the start of the file.', example: 2.28 })
  end: number;

  @ApiPropertyOptional({
    description:
      'Only with `diarize=true`: who said the word (`SPEAKER_00`, `SPEAKER_01`, … or the name given with PATCH /api/v1/tasks/{id}/speakers).',
    example: 'SPEAKER_00',
  })
  speaker?: string;

  /** The word with keys in documented order (jsonb stores them sorted); `speaker` only when set. */
  static from({ word, start, end, speaker }: Word): WordDto {
    return { word, start, end, ...(speaker !== undefined && { speaker }) };
  }
}

export class SegmentDto {
  @ApiProperty({ example: 0 })
  id: number;

  @ApiProperty({ description: 'Start, in seconds from the start of the file.', example: 0.29 })
  start: number;

  @ApiProperty({ description: 'End, in seconds from the start of the file.', example: 2.28 })
  end: number;

  @ApiProperty({ example: 'And so, my fellow Americans,' })
  text: string;

  @ApiPropertyOptional({
    description:
      'Only with `diarize=true`: who spoke the segment (`SPEAKER_00`, `SPEAKER_01`, … in order of first appearance, or the name given with PATCH /api/v1/tasks/{id}/speakers). A segment has one speaker: it is split where its words change speaker.',
    example: 'SPEAKER_00',
  })
  speaker?: string;

  @ApiPropertyOptional({
    type: [WordDto],
    description: 'Only with `word_timestamps=true`: the words, in order, within the segment.',
  })
  words?: WordDto[];

  @ApiPropertyOptional({
    description:
      'Present (true) when Whisper kept repeating itself here and the repeated tail was dropped (the hallucination guard, `compression_ratio_threshold`).',
    example: true,
  })
  repetition_removed?: true;

  /** The segment with keys in documented order (jsonb stores them sorted); optional keys only when set. */
  static from({ id, start, end, text, speaker, words, repetition_removed }: Segment): SegmentDto {
    return {
      id,
      start,
      end,
      text,
      ...(speaker !== undefined && { speaker }),
      ...(words && { words: words.map((word) => WordDto.from(word)) }),
      ...(repetition_removed && { repetition_removed }),
    };
  }
}

/** One speaker of a diarized transcript. */
export class SpeakerDto {
  @ApiProperty({
    description: '`SPEAKER_00`, `SPEAKER_01`, … (in order of first appearance), or the name it was given.',
    example: 'SPEAKER_00',
  })
  speaker: string;

  @ApiProperty({ description: "Seconds this speaker's segments last in total.", example: 7.42 })
  speaking_time: number;
}

export class TranscriptDto {
  @ApiProperty({
    description: 'The whole transcript.',
    example:
      'And so, my fellow Americans, ask not what your country can do for you, ask what you can do for your country.',
  })
  text: string;

  @ApiProperty({
    description: 'Language used for decoding: requested or detected (null when no speech was found).',
    example: 'en',
    nullable: true,
    type: String,
  })
  language: string | null;

  @ApiProperty({ description: 'Seconds of audio decoded.', example: 11 })
  duration: number;

  @ApiProperty({ type: [SegmentDto] })
  segments: SegmentDto[];

  @ApiPropertyOptional({
    type: [SpeakerDto],
    description:
      'Only with `diarize=true` (and speech found): every speaker heard, in order of first appearance, with their speaking time.',
  })
  speakers?: SpeakerDto[];
}

/**
 * One callback delivery attempt. Recorded when it starts, before the request is sent, and completed
 * when it ends: an attempt whose `status_code`, `error` and `duration_ms` are all null is running,
 * or never ended (the processor stopped while sending it; the delivery is retried).
 */
export class CallbackAttemptDto {
  @ApiProperty({ format: 'date-time', description: 'When the attempt started.' })
  at: string;

  @ApiProperty({
    format: 'uuid',
    description:
      'The delivery this attempt belongs to (the `X-Hark-Delivery-Id` it carried; the same for every attempt and redelivery of one outcome). Null for attempts recorded before delivery ids existed.',
    nullable: true,
    type: String,
    example: '0d3c9b3e-7f0a-4a8e-9a55-2b1f7c4e8d21',
  })
  delivery_id: string | null;

  @ApiProperty({
    description: "The receiver's HTTP status; null when it did not answer (see `error`) or the attempt has not ended.",
    nullable: true,
    type: Number,
    example: 503,
  })
  status_code: number | null;

  @ApiProperty({
    description: 'Network error or timeout, when there was no answer.',
    nullable: true,
    type: String,
    example: null,
  })
  error: string | null;

  @ApiProperty({
    description: 'How long the attempt took; null while it runs, or when it never ended.',
    nullable: true,
    type: Number,
    example: 12,
  })
  duration_ms: number | null;

  /** An attempt as stored (older ones lack `delivery_id`), in documented order. */
  static from({ at, delivery_id, status_code, error, duration_ms }: CallbackAttempt): CallbackAttemptDto {
    return { at, delivery_id: delivery_id ?? null, status_code, error, duration_ms: duration_ms ?? null };
  }
}

export class LinkAuthorDto {
  @ApiProperty({
    description: 'Handle on the platform (TikTok uniqueId, Douyin unique_id).',
    nullable: true,
    type: String,
    example: 'hark.demo',
  })
  username: string | null;

  @ApiProperty({ description: 'Display name.', nullable: true, type: String, example: 'Hark Demo' })
  nickname: string | null;
}

/** What a share link resolved to. */
export class LinkMetadataDto {
  @ApiProperty({ enum: PLATFORMS, example: 'tiktok' })
  platform: string;

  @ApiProperty({ description: 'The post id on the platform.', example: '7301234567890123456' })
  video_id: string;

  @ApiProperty({
    description: "The post's public page.",
    example: 'https://www.tiktok.com/@hark.demo/video/7301234567890123456',
  })
  page_url: string;

  @ApiProperty({
    description: "The post's caption.",
    nullable: true,
    type: String,
    example: 'Ask not what your country can do for you #history #speech',
  })
  title: string | null;

  @ApiProperty({ type: LinkAuthorDto })
  author: LinkAuthorDto;

  @ApiProperty({ description: 'Seconds, as the platform states it.', nullable: true, type: Number, example: 11 })
  duration: number | null;

  @ApiProperty({
    nullable: true,
    type: String,
    example: 'https://p16-sign-va.tiktokcdn.com/obj/tos-maliva-p-0068/oQhark01cover',
  })
  cover_url: string | null;

  @ApiProperty({
    description: 'Whether the media is the watermarked rendition (only when the platform offers no other).',
    example: false,
  })
  watermark: boolean;
}

/** A task as clients see it (snake_case). */
export class TaskDto {
  @ApiProperty({ format: 'uuid', example: '3f2b8c1e-6a1d-4a57-9a0e-2f8f4f1f9b10' })
  id: string;

  @ApiProperty({ enum: TASK_STATUSES, example: 'queued' })
  status: string;

  @ApiProperty({ enum: TASK_KINDS, example: 'transcribe' })
  task: string;

  @ApiProperty({
    description:
      'The Whisper model the task runs on: the one it named (`model`), or the default model (ASR_MODEL) when it named none. Null for tasks created before tasks named their model (they run on the default model).',
    nullable: true,
    type: String,
    example: 'tiny',
  })
  model: string | null;

  @ApiProperty({
    description:
      "The language of the task's transcript: the requested one until the task completes, then the one it was decoded in (requested, or detected when `language_requested` is null; null when no speech was found). `GET /api/v1/tasks?language=` filters on it.",
    nullable: true,
    type: String,
    example: 'en',
  })
  language: string | null;

  @ApiProperty({
    description: 'The language the client asked for, or null for auto-detection.',
    nullable: true,
    type: String,
    example: null,
  })
  language_requested: string | null;

  @ApiProperty({ enum: TASK_PRIORITIES, example: 'normal' })
  priority: string;

  @ApiProperty({ enum: TASK_SOURCES, example: 'upload' })
  source: string;

  @ApiProperty({
    description: 'The media URL of a `url` task, or the share link of a `link` task.',
    nullable: true,
    type: String,
    example: null,
  })
  source_url: string | null;

  @ApiProperty({ description: 'The platform of a `link` task.', enum: PLATFORMS, nullable: true, example: null })
  platform: string | null;

  @ApiProperty({
    description: 'What the share link of a `link` task resolved to (null until the processor resolved it).',
    nullable: true,
    type: LinkMetadataDto,
  })
  link: LinkMetadata | null;

  @ApiProperty({ nullable: true, type: String, example: 'talk.mp3' })
  file_name: string | null;

  @ApiProperty({ nullable: true, type: Number, example: 76447 })
  file_size_bytes: number | null;

  @ApiProperty({
    description:
      "Media duration in seconds: the duration the file's header states (ffprobe) until the task completes, then the seconds of audio actually decoded (the transcript's `duration`).",
    nullable: true,
    type: Number,
    example: 11.09,
  })
  duration: number | null;

  @ApiProperty({
    description:
      "Whether the file was shorter than its header said: the decoded audio ended more than 1 s (or 2 %) before the header's duration, e.g. a cut-off upload or download. `duration` is then what was decoded. Null until the task completes.",
    nullable: true,
    type: Boolean,
    example: false,
  })
  media_truncated: boolean | null;

  @ApiProperty({ description: 'Percent of the audio processed (0–100).', example: 0 })
  progress: number;

  @ApiProperty({
    description:
      'Why the task failed (null unless failed; the last transient error while it is retried). Share-link failures start with their code.',
    nullable: true,
    type: String,
    example: null,
  })
  error: string | null;

  @ApiProperty({
    description: 'Class of `error` (media, download or share-link failures); null otherwise.',
    nullable: true,
    enum: ERROR_CODES,
    example: null,
  })
  error_code: ErrorCode | null;

  @ApiProperty({
    description: 'Engine and model that produced the result.',
    nullable: true,
    type: String,
    example: 'sherpa-onnx/whisper-tiny (int8, cpu)',
  })
  engine: string | null;

  @ApiProperty({
    description:
      'Name of the API key that created the task, and owns it: other keys get 404 for it, admin keys see it. Null when the service has no API keys.',
    nullable: true,
    type: String,
    example: 'alice',
  })
  api_key_name: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  started_at: string | null;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  completed_at: string | null;

  @ApiProperty({ description: 'Seconds from start to completion.', nullable: true, type: Number, example: 1.42 })
  processing_time: number | null;

  @ApiProperty({
    description:
      'When the stored media was removed by retention (MEDIA_RETENTION_HOURS after the task finished); null while it is kept. The task and its result stay; a failed or cancelled upload can then no longer be retried (410).',
    format: 'date-time',
    nullable: true,
    type: String,
    example: null,
  })
  media_removed_at: string | null;

  @ApiProperty({
    description: 'Every decoding and VAD option, as accepted (defaults filled in).',
    nullable: true,
    type: Object,
  })
  decode_options: DecodeOptions | null;

  @ApiProperty({ nullable: true, type: String, example: null })
  callback_url: string | null;

  @ApiProperty({
    description:
      'Callback delivery: pending, delivered or failed (null without a callback or before the task finished).',
    enum: CALLBACK_STATUSES,
    nullable: true,
    example: null,
  })
  callback_status: string | null;

  @ApiProperty({
    format: 'uuid',
    description:
      'Id of the callback delivery of the current outcome, sent as `X-Hark-Delivery-Id` on every attempt and redelivery (receivers drop duplicates by it); a new one for each outcome (after a retry). Null without a callback or before the task finished.',
    nullable: true,
    type: String,
    example: null,
  })
  callback_delivery_id: string | null;

  @ApiProperty({
    type: [CallbackAttemptDto],
    description:
      'Every delivery attempt, oldest first; delivery is at least once, so a receiver may get one delivery id more than once.',
  })
  callback_attempts: CallbackAttemptDto[];

  @ApiProperty({ description: 'The transcript, once completed.', nullable: true, type: TranscriptDto })
  result: TranscriptDto | null;

  static from(task: TaskEntity): TaskDto {
    return {
      id: task.id,
      status: task.status,
      task: task.task,
      model: task.model,
      language: task.language,
      language_requested: task.languageRequested,
      priority: task.priority,
      source: task.source,
      source_url: task.sourceUrl,
      platform: task.platform,
      link: task.link,
      file_name: task.fileName,
      file_size_bytes: task.fileSizeBytes,
      duration: task.duration,
      media_truncated: task.mediaTruncated,
      progress: task.progress,
      error: task.error,
      error_code: task.errorCode,
      engine: task.engine,
      api_key_name: task.apiKeyName,
      created_at: task.createdAt.toISOString(),
      started_at: task.startedAt?.toISOString() ?? null,
      completed_at: task.completedAt?.toISOString() ?? null,
      processing_time: task.processingTime,
      media_removed_at: task.mediaRemovedAt?.toISOString() ?? null,
      decode_options: task.decodeOptions,
      callback_url: task.callbackUrl,
      callback_status: task.callbackStatus,
      callback_delivery_id: task.callbackDeliveryId,
      callback_attempts: task.callbackAttempts.map((attempt) => CallbackAttemptDto.from(attempt)),
      result: task.status === 'completed' && task.result ? TaskDto.transcript(task.result) : null,
    };
  }

  /** Re-creates the transcript with keys in documented order (jsonb stores them sorted). */
  private static transcript({ text, language, duration, segments, speakers }: TaskResult): TranscriptDto {
    return {
      text,
      language,
      duration,
      segments: segments.map((segment) => SegmentDto.from(segment)),
      ...(speakers && {
        speakers: speakers.map(({ speaker, speaking_time }) => ({ speaker, speaking_time })),
      }),
    };
  }
}
