import { WHISPER_SAMPLE_RATE } from '@app/media';
import { type DecodeOptions, effectiveChunkLength, parseClipTimestamps } from './decode-options';
import { ClipSegmenter, FixedWindowSegmenter, type Segmenter } from './segmenter';
import { SpeechSegmenter, type VadFactory } from './speech-segmenter';

/**
 * The speech finder for these decode options: Silero VAD regions (padded, cut at quiet points to at
 * most the window length), or fixed windows with `vad_filter=false`, limited to `clip_timestamps`.
 * One segmenter (so at most one VAD) serves every clip range: it is reset between ranges.
 * @param vadModel path of the Silero VAD ONNX file
 * @param createVad makes the VAD (default: sherpa-onnx's `Vad`)
 * @throws Error for invalid `clip_timestamps`
 */
export function createSegmenter(decode: DecodeOptions, vadModel: string, createVad?: VadFactory): Segmenter {
  const rate = WHISPER_SAMPLE_RATE;
  const chunkSeconds = effectiveChunkLength(decode);
  const clips = parseClipTimestamps(decode.clip_timestamps);
  const segmenter: Segmenter = decode.vad_filter
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
        createVad,
      )
    : new FixedWindowSegmenter(Math.floor(chunkSeconds * rate));
  if (!clips) return segmenter;
  return new ClipSegmenter(
    clips.map(([start, end]): [number, number] => [
      Math.round(start * rate),
      end === Infinity ? Infinity : Math.round(end * rate),
    ]),
    segmenter,
  );
}
