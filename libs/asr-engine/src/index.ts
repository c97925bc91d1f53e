export { AsrEngine, resumeStart } from './asr-engine';
export { createSegmenter } from './create-segmenter';
export type { AsrEngineOptions, Checkpoint, EngineInfo, TranscribeHooks, WindowReport } from './asr-engine';
export {
  DEFAULT_DECODE_OPTIONS,
  NO_DIARIZATION,
  parseClipTimestamps,
  refusedOptions,
  UNSUPPORTED_DECODE_OPTIONS,
  unsupportedReason,
  withDefaults,
} from './decode-options';
export type { DecodeOptions, ModelCapabilities, RefusedOption } from './decode-options';
export { compressionRatio } from './repetition';
export { separatorBefore } from './segments';
export { WHISPER_LANGUAGE_CODES, WHISPER_LANGUAGES } from './languages';
export { installedModelCapabilities, listWhisperModels, ModelNotFoundError } from './model-files';
export { resolvePrecision } from './model-files';
export type { WhisperPrecision } from './model-files';
export {
  assertCudaExecution,
  cudaAddonProblem,
  cudaProviderLibraryLoaded,
  CudaUnavailableError,
  listNvidiaGpus,
  parseNvidiaSmiList,
} from './cuda-check';
export type { NvidiaGpu } from './cuda-check';
export { locateSherpaAddon } from './sherpa-addon';
export type { SherpaAddon } from './sherpa-addon';
export type { Segment, SpeakerSummary, SpeakerTurn, Transcript, WhisperTask, Word } from './transcript';
export { assignSpeakers, renameSpeakers, SpeakerRenameError, speakerLabel } from './speakers';
export { assertDiarizationModels, Diarizer } from './diarizer';
export type { DiarizeOptions, DiarizerSettings } from './diarizer';
export { PcmRecorder, RecordingTooLongError } from './pcm-recorder';
export { installDiarizationModels, installVadModel, installWhisperModel, ModelDownloadError } from './model-download';
export type { DownloadProgress } from './model-download';
export { DEFAULT_MAX_CUE_DURATION, renderSubtitles, SUBTITLE_FORMATS } from './subtitles';
export type { LineOptions, SubtitleFormat } from './subtitles';
