export { decodePcm } from './decode';
export { MediaError, WHISPER_SAMPLE_RATE } from './media-info';
export type { MediaErrorCode, MediaInfo } from './media-info';
export { probeMedia } from './probe';
export { FfmpegMediaTools, MediaTools } from './media-tools';
export { MediaModule } from './media.module';
export { AUDIO_OUTPUT_FORMATS, extractAudio } from './extract-audio';
export type { AudioOutputFormat, ExtractAudioOptions } from './extract-audio';
