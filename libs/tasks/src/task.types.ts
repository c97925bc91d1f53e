import type { Checkpoint, Transcript, TranscriptionTask } from '@app/asr-engine';
import type { Platform, ResolvedMedia } from '@app/crawlers';

/** Statuses of a task; the moves between them are in `TRANSITIONS` (task-transitions.ts). */
export const TASK_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * What a task asks for: `transcribe` keeps the spoken language, `translate` outputs English.
 * Hark's own list; the engine's `TranscriptionTask` must accept every kind (checked here).
 */
export const TASK_KINDS = ['transcribe', 'translate'] as const satisfies readonly TranscriptionTask[];
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_PRIORITIES = ['high', 'normal', 'low'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/**
 * Where a task's media came from: an upload, a media URL the processor downloads, or a TikTok /
 * Douyin share link the processor resolves to a media URL first.
 */
export const TASK_SOURCES = ['upload', 'url', 'link'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

/** What a share link resolved to (stored on a `link` task once the processor resolved it). */
export interface LinkMetadata {
  platform: Platform;
  /** The post id on the platform. */
  video_id: string;
  page_url: string;
  title: string | null;
  author: { username: string | null; nickname: string | null };
  /** Seconds, as the platform states it. */
  duration: number | null;
  cover_url: string | null;
  /** Whether the downloaded media is the watermarked rendition. */
  watermark: boolean;
}

/** The metadata of a resolved share link, as stored on the task (the media URL and headers expire, so they are not kept). */
export function toLinkMetadata(media: ResolvedMedia): LinkMetadata {
  return {
    platform: media.platform,
    video_id: media.videoId,
    page_url: media.pageUrl,
    title: media.title,
    author: media.author,
    duration: media.duration,
    cover_url: media.coverUrl,
    watermark: media.watermark,
  };
}

/** The stored result of a completed task: Hark's transcript format (`Transcript`, which every model family produces). */
export type TaskResult = Transcript;

/** Where an interrupted attempt resumes (`Checkpoint` of the engine seam, kept in Postgres). */
export type TaskCheckpoint = Checkpoint;

/** Delivery state of a task's callback. */
export const CALLBACK_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/**
 * One attempt to deliver a callback, as stored in `callback_attempts` (and shown by the api). It is
 * appended when the attempt starts, before the request is sent, with `status_code`, `error` and
 * `duration_ms` null, and completed with them when the attempt ends; an attempt that stays without
 * any of them never ended (the processor stopped while sending it), and the delivery was retried.
 */
export interface CallbackAttempt {
  /** ISO time the attempt started (the request was about to be sent). */
  at: string;
  /**
   * The delivery this attempt belongs to (`X-Hark-Delivery-Id`, the task's `callback_delivery_id`);
   * null in attempts recorded before delivery ids existed.
   */
  delivery_id?: string | null;
  /** HTTP status of the receiver's answer, or null when no answer came (see `error`) or the attempt never ended. */
  status_code: number | null;
  /** Network error or timeout, when there was no answer. */
  error: string | null;
  /** How long the attempt took; null while it runs, or when it never ended. */
  duration_ms: number | null;
}
