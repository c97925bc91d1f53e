import type { DecodeOptions } from '../../decode-options';
import type { ModelCapabilities } from '../../engine/model-capabilities';
import { WHISPER_LANGUAGE_CODES } from '../../languages';
import { hasCrossAttentionOutput } from '../../onnx-info';
import type { WhisperModelFiles } from './whisper-model-files';

/**
 * The options sherpa-onnx's Whisper decoder cannot apply, and why. Each is accepted only at its
 * default value; any other value is refused (never accepted and silently ignored).
 */
export const WHISPER_REFUSED_OPTIONS: Readonly<Partial<Record<keyof DecodeOptions, string>>> = {
  temperature: "sherpa-onnx's Whisper decoder is greedy (temperature 0) and has no sampling or temperature fallback",
  beam_size: "sherpa-onnx's Whisper decoder is greedy-only; beam search (beam_size > 1) is not available",
  best_of: 'best_of applies only to sampling (temperature > 0), which the engine does not do',
  patience: 'patience applies only to beam search, which the engine does not do',
  initial_prompt: "sherpa-onnx's Whisper decoder takes no text prompt",
  prefix: "sherpa-onnx's Whisper decoder takes no text prefix",
  hotwords: 'sherpa-onnx supports hotwords only for transducer models, not Whisper',
  log_prob_threshold: 'the threshold triggers the temperature fallback, which the engine does not do',
  no_speech_threshold: "sherpa-onnx does not expose Whisper's no-speech probability (speech is selected by the VAD)",
  condition_on_previous_text: 'chunks are decoded independently; the decoder takes no previous-text prompt',
  hallucination_silence_threshold: 'this heuristic (skipping silence around hallucinated words) is not implemented',
};

/** Why `word_timestamps` is refused for a Whisper model without cross-attention outputs, and how to get one. */
export const NO_WORD_TIMESTAMPS =
  "the model's decoder has no cross-attention output, so Whisper gives no word times; use a Whisper export with attention outputs (sherpa-onnx's scripts/whisper/export-onnx-with-attention.py, see the README)";

/** Whether a Whisper model is multilingual: English-only models are named `<size>.en`. */
export function isMultilingual(name: string): boolean {
  return !/\.en$/.test(name);
}

/**
 * What a Whisper model can do: every Whisper language (only `en` for a `.en` model), translation
 * when multilingual, segment times (timestamp tokens), word times with a cross-attention decoder.
 */
export function whisperCapabilities(model: { multilingual: boolean; wordTimestamps: boolean }): ModelCapabilities {
  return {
    family: 'whisper',
    languages: model.multilingual ? WHISPER_LANGUAGE_CODES : ['en'],
    translate: model.multilingual,
    segmentTimestamps: true,
    wordTimestamps: model.wordTimestamps,
    refused: model.wordTimestamps
      ? WHISPER_REFUSED_OPTIONS
      : { ...WHISPER_REFUSED_OPTIONS, word_timestamps: NO_WORD_TIMESTAMPS },
  };
}

/**
 * What an installed Whisper model can do, read from its files (the decoder's outputs) without
 * loading it.
 * @throws Error when the decoder is not an ONNX file
 */
export function whisperModelCapabilities(model: WhisperModelFiles): ModelCapabilities {
  return whisperCapabilities({
    multilingual: isMultilingual(model.name),
    wordTimestamps: hasCrossAttentionOutput(model.decoder),
  });
}
