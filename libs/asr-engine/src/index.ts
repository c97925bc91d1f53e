export { AsrEngine, ENGINE_SAMPLE_RATE } from './asr-engine';
export type { AsrEngineOptions, EngineInfo, TranscribeOptions } from './asr-engine';
export { UNSPACED_LANGUAGES, WHISPER_LANGUAGE_CODES, WHISPER_LANGUAGES } from './languages';
export { listWhisperModels, ModelNotFoundError, resolveWhisperModel, whisperModelFolder } from './model-files';
export type { WhisperModelFiles } from './model-files';
export { chunkToSegment, joinSegmentText, MAX_CHUNK_SECONDS, splitSpeech } from './segments';
export { DEFAULT_VAD_OPTIONS } from './speech-segmenter';
export type { VadOptions } from './speech-segmenter';
export type { Segment, SpeechChunk, Transcript, WhisperTask } from './transcript';
