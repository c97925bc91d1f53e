import { WHISPER_SAMPLE_RATE } from '@app/media';
import { type DecodeOptions, effectiveChunkLength, parseClipTimestamps } from './decode-options';
import { ClipSegmenter, FixedWindowSegmenter, type Segmenter } from './segmenter';
import { SpeechSegmenter } from './speech-segmenter';

/**
 * The speech finder for these decode options: Silero VAD regions (padded, cut at quiet points to at
 * most the window length), or fixed windows with `vad_filter=false`, limited to `clip_timestamps`.
 * @param vadModel path of the Silero VAD ONNX file
 * @throws Error for invalid `clip_timestamps`
 */
export function createSegmenter(decode: DecodeOptions, vadModel: string): Segmenter {
  const rate = WHISPER_SAMPLE_RATE;
  const chunkSeconds = effectiveChunkLength(decode);
  const create = (): Segmenter =>
    decode.vad_filter
      ? new SpeechSegmenter(
          vadModel,
          {
            threshold: decode.threshold,
            minSpeechDuration: decode.min_speech_duration_ms / 1000,
            minSilenceDuration: decode.min_silence_duration_ms / 1000,
            maxSpeechDuration: chunkSeconds,
            speechPad: decode.speech_pad_ms / 1000,
          },
          rate,
        )
      : new FixedWindowSegmenter(Math.floor(chunkSeconds * rate));
  const clips = parseClipTimestamps(decode.clip_timestamps);
  if (!clips) return create();
  return new ClipSegmenter(
    clips.map(([start, end]): [number, number] => [
      Math.round(start * rate),
      end === Infinity ? Infinity : Math.round(end * rate),
    ]),
    create,
  );
}
