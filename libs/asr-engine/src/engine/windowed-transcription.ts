import { WHISPER_SAMPLE_RATE as ENGINE_SAMPLE_RATE } from '@app/media';
import { createSegmenter } from '../create-segmenter';
import { type DecodeOptions, effectiveChunkLength, withDefaults } from '../decode-options';
import { joinSegmentText, roundTime } from '../segments';
import type { Segment, SpeechChunk, Transcript } from '../transcript';
import { type Window, WindowPacker } from '../windows';
import { resumeStart, type TranscribeHooks } from './asr-engine';

/** One window's result: its segments in file time (ids are given by the caller), and its cost. */
export interface DecodedWindow {
  segments: Segment[];
  /** Decoder runs (more than 1 when the family decoded the window again). */
  decodes: number;
  /** Seconds of features the encoder ran on, padding included. */
  encoderSeconds: number;
}

/** What a family gives the shared window pipeline (`transcribeWindows`). */
export interface WindowedModel {
  /** Path of the Silero VAD ONNX file. */
  vadModel: string;
  /** Windows of one file decoded (or waiting for a recognizer) at once, at least 1. */
  windowsInFlight: number;
  /**
   * The language of the file when it is fixed before decoding (the option, or the model's only
   * language); null: detect it on the first window.
   */
  language: string | null;
  /** Identifies the language of a window's samples (Float32 mono at 16 kHz); called once per file. */
  detectLanguage(samples: Float32Array): string;
  /**
   * Decodes one window in the file's language (waiting for a free recognizer).
   * @throws the recognizer's decoding error
   */
  decodeWindow(window: Window, language: string, signal?: AbortSignal): Promise<DecodedWindow>;
}

/**
 * The window pipeline shared by the families: Silero VAD finds the speech, the speech regions are
 * packed into windows of up to `chunk_length` (silence left out, with a time map back to the file),
 * `model.windowsInFlight` windows are decoded at once and delivered in file order, with progress
 * and checkpoints (`hooks`). Reads the stream as it decodes.
 * @param audio Float32 mono samples at 16 kHz
 * @param decode the task's options, defaults filled in (`withDefaults`)
 * @throws the stream's error; the abort reason; what `model.decodeWindow` throws
 */
export async function transcribeWindows(
  audio: AsyncIterable<Float32Array>,
  decode: DecodeOptions,
  hooks: TranscribeHooks,
  model: WindowedModel,
): Promise<Transcript> {
  const rate = ENGINE_SAMPLE_RATE;
  const segmenter = createSegmenter(decode, model.vadModel);
  const packer = new WindowPacker(Math.floor(effectiveChunkLength(decode) * rate));
  const resume = hooks.resumeFrom;
  const segments: Segment[] = [...(resume?.segments ?? [])];
  let language = resume?.language ?? model.language;
  // Sample index of the file where `audio` starts, and where decoding resumes.
  const offset = Math.round(resumeStart(resume) * rate);
  const resumeAt = Math.round((resume?.position ?? 0) * rate);
  let samplesRead = offset;

  // Windows being decoded, oldest first; each is delivered in order once decoded.
  const inFlight: { window: Window; read: number; decoded: Promise<DecodedWindow> }[] = [];
  const limit = Math.max(1, model.windowsInFlight);
  const deliver = async () => {
    const { window, read, decoded } = inFlight.shift()!;
    const result = await decoded;
    const added = result.segments.map((segment, i) => ({ ...segment, id: segments.length + i }));
    segments.push(...added);
    const last = window.pieces[window.pieces.length - 1];
    const position = roundTime((last.fileStart + last.length) / rate);
    hooks.onWindow?.({
      regions: window.pieces.map((p) => [roundTime(p.fileStart / rate), roundTime((p.fileStart + p.length) / rate)]),
      seconds: roundTime(window.samples.length / rate),
      decodes: result.decodes,
      encoderSeconds: result.encoderSeconds,
    });
    await hooks.onProgress?.(added, read / rate, { position, language, segments });
  };
  const start = async (window: Window) => {
    hooks.signal?.throwIfAborted();
    // Once per file, before the windows fan out.
    language ??= model.detectLanguage(window.samples);
    const decoded = model.decodeWindow(window, language, hooks.signal);
    decoded.catch(() => undefined); // awaited in order by deliver(); never an unhandled rejection
    inFlight.push({ window, read: samplesRead, decoded });
    while (inFlight.length >= limit) await deliver();
  };
  const regions = async (found: SpeechChunk[]) => {
    for (const relative of found) {
      const region = { start: relative.start + offset, samples: relative.samples };
      // Decoded before the interruption; seen again only to warm up the VAD.
      if (region.start < resumeAt) continue;
      for (const window of packer.push(region)) await start(window);
    }
  };

  for await (const samples of audio) {
    hooks.signal?.throwIfAborted();
    samplesRead += samples.length;
    await regions(segmenter.push(samples));
  }
  await regions(segmenter.flush());
  for (const window of packer.flush()) await start(window);
  while (inFlight.length) await deliver();

  return {
    text: joinSegmentText(segments, language),
    language,
    duration: roundTime(samplesRead / rate),
    segments,
  };
}

/**
 * The first `seconds` of speech of a stream (found by the VAD with the default options), joined;
 * stops reading the stream once it has them.
 * @param audio Float32 mono samples at 16 kHz
 * @returns Float32 mono at 16 kHz, or null when the stream has no speech
 */
export async function firstSpeech(
  audio: AsyncIterable<Float32Array>,
  vadModel: string,
  seconds: number,
): Promise<Float32Array | null> {
  const limit = seconds * ENGINE_SAMPLE_RATE;
  const segmenter = createSegmenter(withDefaults({}), vadModel);
  const speech: Float32Array[] = [];
  let collected = 0;
  const take = (chunks: SpeechChunk[]) => {
    for (const chunk of chunks) {
      const samples = chunk.samples.subarray(0, limit - collected);
      speech.push(samples);
      collected += samples.length;
    }
  };
  for await (const samples of audio) {
    take(segmenter.push(samples));
    if (collected >= limit) break;
  }
  if (collected < limit) take(segmenter.flush());
  if (collected === 0) return null;
  const joined = new Float32Array(collected);
  speech.reduce((offset, part) => (joined.set(part, offset), offset + part.length), 0);
  return joined;
}

/**
 * Refuses options the model cannot apply before any audio is read.
 * @throws Error naming each refused option, its value and why
 */
export function assertApplicable(refused: readonly { option: string; value: unknown; reason: string }[]): void {
  if (refused.length)
    throw new Error(
      `Cannot apply: ${refused.map((r) => `${r.option}=${JSON.stringify(r.value)} (${r.reason})`).join('; ')}`,
    );
}
