import { WHISPER_SAMPLE_RATE } from '@app/media';
import { compressionRatio, dropRepeatedTail } from './repetition';
import type { DecodedWindow } from '../../engine/windowed-transcription';
import { roundTime } from '../../segments';
import type { Segment, TranscriptionTask } from '../../transcript';
import type { DecodeResult, RawSegment, WhisperRecognizer } from './whisper-recognizer';
import { packWindow, splitWindow, toFileTime, type Window } from '../../windows';
import { fitWords, type PunctuationOptions, wordsOfSegments } from '../../words';

/** How the windows of one file are decoded. */
export interface WindowDecodeOptions {
  /** ISO code the file is decoded in, or '' to let Whisper pick per window. */
  language: string;
  task: TranscriptionTask;
  /** Word times (the model must have a decoder with cross-attention outputs). */
  words: boolean;
  punctuation: PunctuationOptions;
  /** Compression ratio above which a window counts as repeating itself; null turns the guard off. */
  compressionRatioThreshold: number | null;
}

/**
 * Decodes packed windows with Whisper's segment timestamps and maps the segments (and words) back
 * onto the file. Applies the hallucination guard: a window whose text compresses better than
 * `compression_ratio_threshold` (openai-whisper's test for repetition loops) is decoded again in
 * halves; a half that still repeats loses its repeated tail. A window whose text comes back
 * without a timed segment (a model that writes no timestamp tokens) is decoded again one speech
 * region at a time (one segment per region), as before packing.
 */
export class WindowDecoder {
  private warned = false;

  /** @param perRegion decode every region alone, without segment timestamps (the pre-packing path) */
  constructor(
    private readonly perRegion: boolean,
    private readonly warn: (message: string) => void,
  ) {}

  /** @throws sherpa-onnx's decoding error */
  async decode(recognizer: WhisperRecognizer, window: Window, options: WindowDecodeOptions): Promise<DecodedWindow> {
    if (this.perRegion) return this.decodeRegions(recognizer, window, options);
    const whole = await this.run(recognizer, window, options, true);
    if (whole.result.text.trim() && !whole.result.segments.some((segment) => segment.end > segment.start)) {
      if (!this.warned) this.warn('The model wrote no timestamp tokens; its windows are decoded one region at a time');
      this.warned = true;
      const regions = await this.decodeRegions(recognizer, window, options);
      return {
        ...regions,
        decodes: regions.decodes + 1,
        encoderSeconds: regions.encoderSeconds + whole.encoderSeconds,
      };
    }
    if (!this.repeats(whole.result, options)) return whole;
    const halves = splitWindow(window);
    if (!halves) return { ...whole, segments: dropRepeatedTail(whole.segments) };
    let { decodes, encoderSeconds } = whole;
    const segments: Segment[] = [];
    for (const half of halves) {
      const decoded = await this.run(recognizer, half, options, true);
      decodes += decoded.decodes;
      encoderSeconds += decoded.encoderSeconds;
      segments.push(...(this.repeats(decoded.result, options) ? dropRepeatedTail(decoded.segments) : decoded.segments));
    }
    return { segments, decodes, encoderSeconds };
  }

  /** Each region of the window on its own: one segment per region. */
  private async decodeRegions(
    recognizer: WhisperRecognizer,
    window: Window,
    options: WindowDecodeOptions,
  ): Promise<DecodedWindow> {
    const decoded: DecodedWindow = { segments: [], decodes: 0, encoderSeconds: 0 };
    for (const piece of window.pieces) {
      const samples = window.samples.subarray(piece.windowStart, piece.windowStart + piece.length);
      const { result, segments, encoderSeconds } = await this.run(
        recognizer,
        packWindow([{ start: piece.fileStart, samples }]),
        options,
        false,
      );
      decoded.decodes++;
      decoded.encoderSeconds += encoderSeconds;
      decoded.segments.push(...(this.repeats(result, options) ? dropRepeatedTail(segments) : segments));
    }
    return decoded;
  }

  private async run(
    recognizer: WhisperRecognizer,
    window: Window,
    options: WindowDecodeOptions,
    segmentTimestamps: boolean,
  ): Promise<DecodedWindow & { result: DecodeResult }> {
    const result = await recognizer.decode(window.samples, {
      language: options.language,
      task: options.task,
      segmentTimestamps,
      tokenTimestamps: options.words,
    });
    const segments = toFileSegments(window, result, options);
    return { result, segments, decodes: 1, encoderSeconds: result.encoderSeconds };
  }

  private repeats(result: DecodeResult, options: WindowDecodeOptions): boolean {
    const threshold = options.compressionRatioThreshold;
    return threshold !== null && compressionRatio(result.text.trim()) > threshold;
  }
}

/**
 * The segments of one decode in file time: Whisper's segments, or the whole text as one segment
 * spanning the window when there are none. Words (with `options.words`) are mapped too, then kept
 * monotonic and inside their segment. Segments without text are left out; ids are 0.
 */
function toFileSegments(window: Window, result: DecodeResult, options: WindowDecodeOptions): Segment[] {
  const rate = WHISPER_SAMPLE_RATE;
  const raw: RawSegment[] = result.segments.length
    ? result.segments
    : [{ start: 0, end: window.samples.length / rate, text: result.text }];
  const words = options.words
    ? wordsOfSegments(
        raw.map((s) => s.text),
        result.tokens,
        options.punctuation,
      )
    : null;
  return raw.flatMap((segment, i): Segment[] => {
    const text = segment.text.trim();
    if (!text) return [];
    const start = roundTime(toFileTime(window, segment.start, 'start', rate));
    const end = Math.max(start, roundTime(toFileTime(window, segment.end, 'end', rate)));
    if (!words) return [{ id: 0, start, end, text }];
    const mapped = (words[i] ?? []).map((word) => ({
      word: word.word,
      start: toFileTime(window, word.start, 'start', rate),
      end: toFileTime(window, word.end, 'end', rate),
    }));
    return [{ id: 0, start, end, text, words: fitWords(mapped, start, end) }];
  });
}
