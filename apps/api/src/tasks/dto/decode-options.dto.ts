import {
  DEFAULT_DECODE_OPTIONS as D,
  type DecodeOptions,
  UNSUPPORTED_DECODE_OPTIONS as U,
  WHISPER_LANGUAGE_CODES,
} from '@app/asr-engine';
import { TASK_KINDS, type TaskKind } from '@app/tasks';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { EmptyToUndefined, ToBoolean, ToNumber } from './transforms';

const unsupported = (option: keyof typeof U) => `Only the default is supported: ${U[option]}.`;

/** Longest `initial_prompt`, `prefix` and `hotwords`, in characters. */
export const MAX_PROMPT_LENGTH = 2000;
/** Longest `prepend_punctuations` / `append_punctuations`, in characters (Whisper's defaults have about 20). */
export const MAX_PUNCTUATIONS_LENGTH = 64;

/**
 * The engine's decode options as a request gives them: each field of `DecodeOptions`, optional,
 * never `null` (a request leaves an option out instead). `DecodeOptionsDto` implements it, so each
 * of its fields has the type of the engine's option.
 */
export type DecodeOptionFields = { [K in keyof DecodeOptions]?: Exclude<DecodeOptions[K], null> };

/**
 * Compiles only when both lists are empty (`never`): otherwise the build fails naming the fields
 * (e.g. "Types of property 'missing' are incompatible. Type '"speech_pad_ms"' is not assignable to type 'never'").
 */
type NoneOf<Fields extends { missing: never; extra: never }> = Fields;

/**
 * Whisper decoding and VAD options, with the names and meaning they have in openai-whisper,
 * faster-whisper and whisper-asr-webservice. Options the engine cannot apply are accepted only at
 * their default; another value is refused with 422 naming the option and why. Tied to the engine's
 * `DecodeOptions` at compile time: each field has the option's type (`DecodeOptionFields`), and a
 * missing or extra field fails the build (`DecodeOptionsDtoMismatch`).
 */
export class DecodeOptionsDto implements DecodeOptionFields {
  @ApiPropertyOptional({
    description: 'Spoken language (Whisper code). Leave out or empty to detect it from the first speech.',
    enum: WHISPER_LANGUAGE_CODES,
    example: 'en',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(WHISPER_LANGUAGE_CODES, {
    message: `language must be a Whisper language code (${WHISPER_LANGUAGE_CODES.join(', ')}) or empty for auto-detection`,
  })
  language?: string;

  @ApiPropertyOptional({
    description: '`transcribe` keeps the spoken language; `translate` outputs English.',
    enum: TASK_KINDS,
    default: D.task,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsIn(TASK_KINDS)
  task?: TaskKind;

  @ApiPropertyOptional({
    description: `Sampling temperature. ${unsupported('temperature')}`,
    default: D.temperature,
    example: 0,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  temperature?: number;

  @ApiPropertyOptional({ description: `Beam size. ${unsupported('beam_size')}`, default: D.beam_size, example: 1 })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  beam_size?: number;

  @ApiPropertyOptional({ description: `Candidates when sampling. ${unsupported('best_of')}`, default: D.best_of })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  best_of?: number;

  @ApiPropertyOptional({
    description: `Beam search patience. ${unsupported('patience')}`,
    default: D.patience,
    minimum: 0,
    maximum: 10,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(10)
  patience?: number;

  @ApiPropertyOptional({
    description: `Text prompt for the first window. ${unsupported('initial_prompt')}`,
    default: D.initial_prompt,
    type: String,
    maxLength: MAX_PROMPT_LENGTH,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PROMPT_LENGTH)
  initial_prompt?: string;

  @ApiPropertyOptional({
    description: `Text the transcript starts with. ${unsupported('prefix')}`,
    default: D.prefix,
    type: String,
    maxLength: MAX_PROMPT_LENGTH,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PROMPT_LENGTH)
  prefix?: string;

  @ApiPropertyOptional({
    description: `Words to favour. ${unsupported('hotwords')}`,
    default: D.hotwords,
    type: String,
    maxLength: MAX_PROMPT_LENGTH,
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PROMPT_LENGTH)
  hotwords?: string;

  @ApiPropertyOptional({
    description:
      'Hallucination guard: a window whose text has a compression ratio (UTF-8 bytes ÷ zlib bytes, as openai-whisper computes it) above this repeats itself; it is decoded again in halves, and a half that still repeats loses its repeated tail (the segment gets `repetition_removed`). 1 to 1000; 1000 (no window of Whisper text compresses that well) turns the guard off.',
    default: D.compression_ratio_threshold,
    minimum: 1,
    maximum: 1000,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(1000)
  compression_ratio_threshold?: number;

  @ApiPropertyOptional({
    description: `Average log-probability below which a window is re-decoded. ${unsupported('log_prob_threshold')}`,
    default: D.log_prob_threshold,
    minimum: -100,
    maximum: 0,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(-100)
  @Max(0)
  log_prob_threshold?: number;

  @ApiPropertyOptional({
    description: `No-speech probability above which a window is skipped. ${unsupported('no_speech_threshold')}`,
    default: D.no_speech_threshold,
    minimum: 0,
    maximum: 1,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  no_speech_threshold?: number;

  @ApiPropertyOptional({
    description: `Prompt each window with the previous text. ${unsupported('condition_on_previous_text')}`,
    default: D.condition_on_previous_text,
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  condition_on_previous_text?: boolean;

  @ApiPropertyOptional({
    description:
      "Word-level timestamps: `words` on each segment, from the decoder's cross-attention. Needs a Whisper export with attention outputs; `GET /api/v1/engine` says per model whether it has them (422 otherwise).",
    default: D.word_timestamps,
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  word_timestamps?: boolean;

  @ApiPropertyOptional({
    description: `With word_timestamps: punctuation merged into the next word (at most ${MAX_PUNCTUATIONS_LENGTH} characters).`,
    default: D.prepend_punctuations,
    maxLength: MAX_PUNCTUATIONS_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PUNCTUATIONS_LENGTH)
  prepend_punctuations?: string;

  @ApiPropertyOptional({
    description: `With word_timestamps: punctuation merged into the previous word (at most ${MAX_PUNCTUATIONS_LENGTH} characters).`,
    default: D.append_punctuations,
    maxLength: MAX_PUNCTUATIONS_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_PUNCTUATIONS_LENGTH)
  append_punctuations?: string;

  @ApiPropertyOptional({
    description:
      'Time ranges to transcribe, in seconds: "start,end,start,end,…"; an odd count runs the last range to the end. "0" is the whole file. At most MAX_CLIP_RANGES ranges (default 100); more is 400 naming the limit. Supported.',
    default: D.clip_timestamps,
    example: '0,30',
  })
  @EmptyToUndefined()
  @IsOptional()
  @IsString()
  @Matches(/^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?)*\s*$/, {
    message: 'clip_timestamps must be comma-separated seconds in ascending order, e.g. "0,30,60,90"',
  })
  clip_timestamps?: string;

  @ApiPropertyOptional({
    description: `Skip silent periods longer than this inside speech, in seconds. ${unsupported('hallucination_silence_threshold')}`,
    default: D.hallucination_silence_threshold,
    type: Number,
    minimum: 0,
    maximum: 3600,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(3600)
  hallucination_silence_threshold?: number;

  @ApiPropertyOptional({
    description:
      'Longest piece of audio given to Whisper at once, in seconds (sherpa-onnx decodes at most 29). Supported.',
    default: D.chunk_length,
    minimum: 1,
    maximum: 30,
  })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(30)
  chunk_length?: number;

  @ApiPropertyOptional({
    description:
      'Cut the audio at speech with Silero VAD (true) or into fixed chunk_length windows (false). Supported.',
    default: D.vad_filter,
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  vad_filter?: boolean;

  @ApiPropertyOptional({
    description: 'VAD speech probability threshold. Supported.',
    default: D.threshold,
    minimum: 0.01,
    maximum: 0.99,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(0.99)
  threshold?: number;

  @ApiPropertyOptional({
    description: 'VAD: shorter speech is dropped, in ms. Supported.',
    default: D.min_speech_duration_ms,
  })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  min_speech_duration_ms?: number;

  @ApiPropertyOptional({
    description: 'VAD: longer speech is cut, in seconds (at most 29). Supported.',
    default: D.max_speech_duration_s,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(29)
  max_speech_duration_s?: number;

  @ApiPropertyOptional({
    description: 'VAD: a pause at least this long ends a segment, in ms. Supported.',
    default: D.min_silence_duration_ms,
  })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000)
  min_silence_duration_ms?: number;

  @ApiPropertyOptional({
    description: 'VAD: audio added around each speech segment, in ms. Supported.',
    default: D.speech_pad_ms,
  })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2000)
  speech_pad_ms?: number;

  @ApiPropertyOptional({
    description:
      'Speaker diarization (who spoke when): each segment and word gets a `speaker` (`SPEAKER_00`, `SPEAKER_01`, … in order of first appearance; renamable with PATCH /api/v1/tasks/{id}/speakers), a segment is split where its words change speaker, and the result lists `speakers` with their speaking time. Runs after the transcription on the whole file (sherpa-onnx: pyannote segmentation + speaker embeddings + clustering); files longer than DIARIZATION_MAX_SECONDS are refused (422 for an upload). Needs the diarization models; `GET /api/v1/engine` → `diarization.available` (422 naming the missing model otherwise). With `word_timestamps=true` speakers are assigned per word, which places speaker changes inside a segment.',
    default: D.diarize,
  })
  @ToBoolean()
  @IsOptional()
  @IsBoolean()
  diarize?: boolean;

  @ApiPropertyOptional({
    description:
      'With `diarize=true`: the exact number of speakers (1–100), when known; it is more reliable than finding the number by `diarization_threshold`, which is then not used (sending both is refused). Leave out to find the number.',
    type: 'integer',
    minimum: 1,
    maximum: 100,
    example: 2,
  })
  @ToNumber()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  num_speakers?: number;

  @ApiPropertyOptional({
    description:
      "With `diarize=true` and no `num_speakers`: how different two voices must be to count as two speakers — sherpa-onnx's clustering threshold, a cosine distance (1 − cosine similarity of the speaker embeddings, 0–2) at which clusters stop merging. Lower finds more speakers, higher fewer; at 2 everyone is one speaker. Greater than 0, at most 2.",
    default: D.diarization_threshold,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 2,
    example: 0.5,
  })
  @ToNumber()
  @IsOptional()
  @IsNumber()
  @IsPositive({ message: 'diarization_threshold must be greater than 0 (a cosine distance, 0–2)' })
  @Max(2, { message: 'diarization_threshold must be at most 2 (a cosine distance, 0–2)' })
  diarization_threshold?: number;
}

/**
 * The compile-time tie between `DecodeOptionsDto` and the engine's `DecodeOptions`: the build fails
 * here, naming the field, when an option of `DecodeOptions` has no DTO field (a request could not
 * give it) or the DTO has a field that is no decode option.
 */
export type DecodeOptionsDtoMismatch = NoneOf<{
  /** Options of `DecodeOptions` without a DTO field. */
  missing: Exclude<keyof DecodeOptions, keyof DecodeOptionsDto>;
  /** DTO fields that are no decode option. */
  extra: Exclude<keyof DecodeOptionsDto, keyof DecodeOptions>;
}>;
