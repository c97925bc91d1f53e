export { decodePcm } from './decode';
export { DEFAULT_MEDIA_LIMITS, MediaError, MIN_SAMPLE_RATE, WHISPER_SAMPLE_RATE } from './media-info';
export type { MediaErrorCode, MediaInfo, MediaLimits } from './media-info';
export { MEDIA_DEMUXERS } from './media-process';
export { probeMedia } from './probe';
export { FfmpegMediaTools, MediaTools } from './media-tools';
export { MediaModule } from './media.module';
export { AUDIO_OUTPUT_FORMATS, extractAudio } from './extract-audio';
export type { AudioOutputFormat, ExtractAudioOptions } from './extract-audio';
