import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { Agent } from 'node:http';
import { join } from 'node:path';
import { type DecodeOptions, resumeStart, withDefaults } from '@app/asr-engine';
import { HarkConfig } from '@app/config';
import { LinkResolverService } from '@app/crawlers';
import { HttpClient } from '@app/http';
import { MediaError, MediaTools } from '@app/media';
import {
  type DetectLanguageResult,
  modelOf,
  type TaskEntity,
  TaskEvents,
  TaskLifecycle,
  TaskRepository,
  toLinkMetadata,
} from '@app/tasks';
import { Injectable, Logger } from '@nestjs/common';
import { AsrEngines } from './asr-engines';
import { SpeakerDiarizationService } from './speaker-diarization.service';

/**
 * How much shorter than its header's duration the decoded audio may be before the file counts as
 * truncated: 1 s, or 2 % of the header's duration when that is more (codec delay and padding,
 * rounding of the header).
 */
const TRUNCATION_TOLERANCE = { seconds: 1, fraction: 0.02 };

/**
 * Whether a file was cut off: its decoded audio (`decoded` seconds) ended more than the tolerance
 * before the duration its header states (`declared`, from ffprobe; null or 0 when unknown: never).
 */
export function isTruncated(declared: number | null, decoded: number): boolean {
  if (!declared || !Number.isFinite(declared)) return false;
  const tolerance = Math.max(TRUNCATION_TOLERANCE.seconds, declared * TRUNCATION_TOLERANCE.fraction);
  return decoded < declared - tolerance;
}

/** Reports progress (0–100) somewhere besides the task row, e.g. to the BullMQ job. */
export type ProgressSink = (progress: number) => Promise<void>;

/**
 * Runs one task through the pipeline: media (stored upload, downloaded from `file_url`, or from
 * what a share link resolves to) →
 * ffmpeg (16 kHz mono PCM, streamed) → Silero VAD → packed windows → Whisper (the engine of the
 * task's model, `AsrEngines`) → segments, updating progress as windows finish, and completing the
 * task (`TaskLifecycle`, which schedules the callback).
 */
@Injectable()
export class TranscriptionService {
  private readonly logger = new Logger(TranscriptionService.name);

  constructor(
    private readonly taskRepository: TaskRepository,
    private readonly lifecycle: TaskLifecycle,
    private readonly media: MediaTools,
    private readonly engines: AsrEngines,
    private readonly links: LinkResolverService,
    private readonly config: HarkConfig,
    private readonly http: HttpClient,
    private readonly diarization: SpeakerDiarizationService,
    private readonly events: TaskEvents,
  ) {}

  /**
   * Starts an attempt (`TaskLifecycle.start`, counting it).
   * @returns the task, or null when it is gone or already finished (a duplicate delivery, a
   *   cancelled or deleted task): the job is then skipped
   */
  start(taskId: string): Promise<TaskEntity | null> {
    return this.lifecycle.start(taskId);
  }

  /**
   * Transcribes a started task and stores its result. After each window the progress and a
   * checkpoint (segments so far, audio position) are saved, and an attempt after a crash, a
   * hand-back or a dependency outage resumes from there.
   * @param signal aborts the work when the task is cancelled
   * @throws MediaError, HttpRequestError or LinkError (see `retryable`) when the media cannot be had
   *   or decoded; the abort reason; any other error is transient (database, Redis, engine)
   */
  async process(found: TaskEntity, reportProgress: ProgressSink, signal: AbortSignal): Promise<void> {
    const taskId = found.id;
    const startedAt = performance.now();
    const fetched = found.source === 'upload' || (found.mediaPath && existsSync(found.mediaPath));
    const task = fetched ? found : await this.fetchMedia(found, signal);
    if (!task.mediaPath) throw new MediaError('unreadable', 'The task has no media.');
    // What the client asked for, never the transcript's language that `complete` stores in `language`:
    // a task without a requested language detects it again on every fresh attempt.
    const options: Partial<DecodeOptions> = task.decodeOptions ?? { language: task.languageRequested, task: task.task };
    // Clipped decoding cannot resume mid-file, and diarization needs the whole file: they start over.
    const resumable = (options.clip_timestamps ?? '0') === '0' && !options.diarize;
    const resumeFrom = task.checkpoint && resumable ? task.checkpoint : undefined;
    // With diarization the transcription is the first 80 % of the progress, the diarization the rest.
    const transcriptionShare = options.diarize ? 0.8 : 1;
    const recorder = options.diarize ? this.diarization.recorder() : null;
    const decoded = this.media.decode(task.mediaPath, signal, resumeStart(resumeFrom));
    if (resumeFrom)
      this.logger.log(`Task ${taskId} resumes at ${resumeFrom.position} s with ${resumeFrom.segments.length} segments`);
    let progress = 0;
    const report = async (next: number) => {
      if (next <= progress) return;
      progress = next;
      await reportProgress(progress);
      await this.events.publish(taskId, { type: 'progress', progress });
    };
    const windows = { count: 0, decodes: 0 };
    // The model's engine, loaded first if it is not (MODEL_IDLE_TIMEOUT); it stays loaded while this runs.
    const transcribed = await this.engines.use(modelOf(task, this.config), async (engine) => ({
      engine: engine.info.name,
      transcript: await engine.transcribe(recorder ? this.diarization.recording(decoded, recorder) : decoded, options, {
        signal,
        resumeFrom,
        onWindow: (report) => {
          windows.count++;
          windows.decodes += report.decodes;
        },
        onProgress: async (segments, secondsRead, checkpoint) => {
          // Capped at 99 until the result is stored.
          const read = task.duration ? secondsRead / task.duration : 0;
          const next = Math.min(99, Math.floor(read * transcriptionShare * 100));
          // The checkpoint after every window (a crash loses at most one); the job's progress in Redis only when it moves.
          await this.taskRepository.saveCheckpoint(taskId, Math.max(progress, next), checkpoint);
          for (const segment of segments) await this.events.publish(taskId, { type: 'segment', segment });
          await report(next);
        },
      }),
    }));
    let { transcript } = transcribed;
    if (recorder) {
      let reporting = Promise.resolve();
      transcript = await this.diarization.assign(transcript, recorder, withDefaults(options), (fraction) => {
        const next = Math.min(99, Math.floor((transcriptionShare + fraction * (1 - transcriptionShare)) * 100));
        reporting = reporting
          .then(async () => {
            if (next > progress) await this.taskRepository.saveProgress(taskId, next);
            await report(next);
          })
          .catch(() => undefined);
      });
      await reporting;
    }
    const processingTime = Math.round(performance.now() - startedAt) / 1000;
    const mediaTruncated = isTruncated(task.duration, transcript.duration);
    if (mediaTruncated)
      this.logger.warn(
        `Task ${taskId}: the file's header says ${task.duration} s but only ${transcript.duration} s of audio could be decoded`,
      );
    const outcome = {
      result: transcript,
      engine: transcribed.engine,
      processingTime,
      language: transcript.language,
      duration: transcript.duration,
      mediaTruncated,
    };
    if (!(await this.lifecycle.complete(taskId, outcome))) {
      this.logger.warn(`Task ${taskId} changed while it was processed (cancelled or deleted); result discarded`);
      return;
    }
    await reportProgress(100);
    this.logger.log(
      `Task ${taskId} completed: ${transcript.segments.length} segments, ${transcript.duration}s of audio in ${processingTime}s (RTF ${(processingTime / Math.max(transcript.duration, 0.001)).toFixed(3)}); ${windows.count} windows, ${windows.decodes} decodes${resumeFrom ? `, resumed at ${resumeFrom.position} s` : ''}`,
    );
  }

  /** The task, when it is still `processing` (the same attempt continuing after a dependency outage). */
  async current(taskId: string): Promise<TaskEntity | null> {
    const task = await this.taskRepository.findById(taskId);
    return task?.status === 'processing' ? task : null;
  }

  /**
   * The media of a `url` task, or of a `link` task: its share link is resolved first (the result
   * is recorded on the task) and the media downloaded with the headers and proxy the platform needs.
   * @throws LinkError, HttpRequestError, or MediaError when the download is not audio/video
   */
  private async fetchMedia(task: TaskEntity, signal: AbortSignal): Promise<TaskEntity> {
    if (task.source !== 'link') return this.download(task, task.sourceUrl!, signal);
    const media = await this.links.resolve(this.links.find(task.sourceUrl!, task.platform ?? undefined), signal);
    const link = toLinkMetadata(media);
    await this.taskRepository.setLink(task.id, link);
    const named = { ...task, link, fileName: task.fileName ?? `${media.platform}-${media.videoId}.mp4` };
    return this.download(named, media.mediaUrl, signal, media.headers, this.links.networkFor(media.platform));
  }

  /**
   * Downloads media into STORAGE_DIR/downloads, checks it with ffprobe and records it on the task.
   * @throws HttpRequestError (code `download_failed`, see `retryable`), or MediaError when the
   *   download is not audio/video, is a playlist (`unsupported_format`) or is too long (`too_long`)
   */
  private async download(
    task: TaskEntity,
    url: string,
    signal: AbortSignal,
    headers?: Record<string, string>,
    network: { proxy?: Agent; allowedHosts: ReadonlySet<string> } = { allowedHosts: this.config.allowedUrlHosts },
  ): Promise<TaskEntity> {
    const dir = join(this.config.storageDir, 'downloads');
    await mkdir(dir, { recursive: true });
    const mediaPath = join(dir, task.id);
    const { fileName, bytes } = await this.http.download(url, mediaPath, {
      allowedHosts: network.allowedHosts,
      timeoutMs: this.config.urlDownloadTimeoutMs,
      maxRedirects: this.config.urlMaxRedirects,
      maxBytes: this.config.maxUploadBytes,
      maxBytesSetting: 'MAX_UPLOAD_BYTES',
      signal,
      headers,
      proxy: network.proxy,
    });
    const info = await this.media.probe(mediaPath).catch(async (error: unknown) => {
      await rm(mediaPath, { force: true });
      // A playlist, a file too long, …: their messages say so; otherwise the download is not media at all.
      const notMedia = error instanceof MediaError && ['empty', 'unreadable', 'no_audio'].includes(error.code);
      throw notMedia ? new MediaError(error.code, `not audio/video: ${error.message}`) : error;
    });
    const media = { mediaPath, fileName: task.fileName ?? fileName, fileSizeBytes: bytes, duration: info.duration };
    await this.taskRepository.setMedia(task.id, media);
    return { ...task, ...media };
  }

  /**
   * Identifies the language of a stored file (at most its first 30 s of speech) with one model's
   * engine (the job's queue's: the default model's).
   */
  async detectLanguage(mediaPath: string, model: string): Promise<DetectLanguageResult> {
    // identifyLanguage stops iterating once it has enough speech, which stops ffmpeg.
    const language = await this.engines.use(model, (engine) => engine.identifyLanguage(this.media.decode(mediaPath)));
    return { language };
  }
}
