export { AsrEngine, resumeStart } from './asr-engine';
export type { AsrEngineOptions, Checkpoint, EngineInfo, TranscribeHooks } from './asr-engine';
export {
  DEFAULT_DECODE_OPTIONS,
  parseClipTimestamps,
  refusedOptions,
  UNSUPPORTED_DECODE_OPTIONS,
  withDefaults,
} from './decode-options';
export type { DecodeOptions, RefusedOption } from './decode-options';
export { WHISPER_LANGUAGE_CODES, WHISPER_LANGUAGES } from './languages';
export { listWhisperModels, ModelNotFoundError } from './model-files';
export type { Segment, Transcript, WhisperTask } from './transcript';
export { installVadModel, installWhisperModel, ModelDownloadError } from './model-download';
export type { DownloadProgress } from './model-download';
export { renderSubtitles, SUBTITLE_FORMATS } from './subtitles';
export type { LineOptions, SubtitleFormat } from './subtitles';
