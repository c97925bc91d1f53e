export { decodePcm } from './decode';
export { MediaError, WHISPER_SAMPLE_RATE } from './media-info';
export type { MediaErrorCode, MediaInfo } from './media-info';
export { probeMedia } from './probe';
