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
export type MediaErrorCode = Extract<ErrorCode, 'empty' | 'unreadable' | 'no_audio' | 'decode_failed'>;

/** Raised by the media adapters; never retryable (the same file fails the same way). */
export class MediaError extends HarkError {
  declare readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string) {
    super(code, message, false);
  }
}

/** Whisper's input format: mono Float32 PCM at this rate, in Hz. */
export const WHISPER_SAMPLE_RATE = 16000;
