// The speech-engine seam: an engine, the families that make one, and what a model can do.
export { resumeStart } from './engine/asr-engine';
export type { AsrEngineOptions, Checkpoint, EngineInfo, TranscribeHooks, WindowReport } from './engine/asr-engine';
export type { ModelCapabilities } from './engine/model-capabilities';
export type { ModelFamily } from './engine/model-family';
export { ModelNotFoundError, resolvePrecision } from './engine/model-files';
export type { ModelPrecision } from './engine/model-files';
export { transcribeWindows, firstSpeech } from './engine/windowed-transcription';
export type { DecodedWindow, WindowedModel } from './engine/windowed-transcription';
export {
  AsrEngine,
  familyOf,
  installedModelCapabilities,
  listInstalledModels,
  loadAsrEngine,
  MODEL_FAMILIES,
  modelCapabilities,
} from './families/model-families';
// Whisper, the first family.
export { WHISPER_FAMILY } from './families/whisper/whisper-family';
export {
  NO_WORD_TIMESTAMPS,
  WHISPER_REFUSED_OPTIONS,
  /** Whisper's refused options, as the API's schema documents them (a model's own are `ModelCapabilities.refused`). */
  WHISPER_REFUSED_OPTIONS as UNSUPPORTED_DECODE_OPTIONS,
  whisperCapabilities,
} from './families/whisper/whisper-capabilities';
export { listWhisperModels } from './families/whisper/whisper-model-files';
export type { WhisperPrecision } from './families/whisper/whisper-model-files';
export { compressionRatio } from './families/whisper/repetition';
export { createSegmenter } from './create-segmenter';
export {
  DEFAULT_DECODE_OPTIONS,
  NO_DIARIZATION,
  parseClipTimestamps,
  refusedOptions,
  unsupportedReason,
  withDefaults,
} from './decode-options';
export type { DecodeOptions, RefusedOption } from './decode-options';
export { separatorBefore } from './segments';
export { WHISPER_LANGUAGE_CODES, WHISPER_LANGUAGES } from './languages';
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
export type { Segment, SpeakerSummary, SpeakerTurn, Transcript, TranscriptionTask, Word } from './transcript';
export { assignSpeakers, renameSpeakers, SpeakerRenameError, speakerLabel } from './speakers';
export { assertDiarizationModels, Diarizer } from './diarizer';
export type { DiarizeOptions, DiarizerSettings } from './diarizer';
export { PcmRecorder, RecordingTooLongError } from './pcm-recorder';
export { installDiarizationModels, installVadModel, installWhisperModel, ModelDownloadError } from './model-download';
export type { DownloadProgress } from './model-download';
export { DEFAULT_MAX_CUE_DURATION, renderSubtitles, SUBTITLE_FORMATS } from './subtitles';
export type { LineOptions, SubtitleFormat } from './subtitles';
export { diarizationModels, diarizationUnavailableReason, missingDiarizationModels } from './diarization-models';
export type { DiarizationModel, DiarizationModelPaths } from './diarization-models';
