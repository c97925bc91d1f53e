export { decodePcm } from './decode';
export { MediaError, WHISPER_SAMPLE_RATE } from './media-info';
export type { MediaErrorCode, MediaInfo } from './media-info';
export { probeMedia } from './probe';
export { DownloadError, downloadToFile, postJson } from './http-fetch';
export type { FetchLimits } from './http-fetch';
export { assertFetchableUrl, UrlNotAllowedError } from './url-guard';
export { AUDIO_OUTPUT_FORMATS, extractAudio } from './extract-audio';
export type { AudioOutputFormat, ExtractAudioOptions } from './extract-audio';
