import { type ErrorCode, HarkError } from '@app/errors';

/** What Hark needs to know about a media file, read by ffprobe. Times in seconds. */
export interface MediaInfo {
  /** Container format as ffprobe names it, e.g. `wav`, `mp3`, `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  /** Duration of the container, in seconds (0 when unknown). */
  duration: number;
  /** The first audio stream (the one Hark transcribes). */
  audio: { codec: string; sampleRate: number; channels: number };
  /** True when the file also has a video stream (it is ignored when decoding). */
  hasVideo: boolean;
}

/** Why a media file cannot be used. */
export type MediaErrorCode = Extract<
  ErrorCode,
  'empty' | 'unreadable' | 'unsupported_format' | 'no_audio' | 'decode_failed' | 'too_long'
>;

/** Raised by the media adapters; never retryable (the same file fails the same way). */
export class MediaError extends HarkError {
  declare readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string) {
    super(code, message, false);
  }
}

/** Whisper's input format: mono Float32 PCM at this rate, in Hz. */
export const WHISPER_SAMPLE_RATE = 16000;

/** The lowest input sample rate Hark reads, in Hz: below it a short file claims hours (1 Hz: 27.8 h per 100 KB). */
export const MIN_SAMPLE_RATE = 2000;

/** What one file may cost: its length and how long a tool may go without progress. */
export interface MediaLimits {
  /** Longest audio, in seconds (MAX_AUDIO_SECONDS). */
  maxSeconds: number;
  /** An ffmpeg or ffprobe without progress this long is killed, in ms (MEDIA_STALL_TIMEOUT_S). */
  stallTimeoutMs: number;
}

/** The defaults of MAX_AUDIO_SECONDS and MEDIA_STALL_TIMEOUT_S, for callers without a configuration (bench, tests). */
export const DEFAULT_MEDIA_LIMITS: MediaLimits = { maxSeconds: 4 * 3600, stallTimeoutMs: 60_000 };

/** The `too_long` error of a file over `limits.maxSeconds`; `what` says how that was found. */
export function tooLong(what: string, limits: MediaLimits): MediaError {
  return new MediaError(
    'too_long',
    `${what}; this server transcribes at most ${limits.maxSeconds} s per file (MAX_AUDIO_SECONDS). Split it into shorter parts, or ask the operator to raise MAX_AUDIO_SECONDS.`,
  );
}
