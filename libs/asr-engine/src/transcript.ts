/**
 * Hark's transcript format: what every model family produces (`AsrEngine.transcribe`), what a
 * task stores as its result, and what the subtitle and speaker functions take. Family-neutral.
 */

/** What a transcription does: transcribe in the spoken language, or translate into English. */
export type TranscriptionTask = 'transcribe' | 'translate';

/**
 * One word of a segment, with its time from the model (Whisper: cross-attention, DTW over the
 * alignment heads). Times in seconds from the start of the file; `word` has no surrounding spaces and
 * carries its attached punctuation (`prepend_punctuations`/`append_punctuations`).
 */
export interface Word {
  word: string;
  start: number;
  end: number;
  /** With diarization: the speaker label (`SPEAKER_00`, … or the name it was renamed to). */
  speaker?: string;
}

/** One timed piece of a transcript. Times in seconds from the start of the file. */
export interface Segment {
  /** 0-based position in the transcript. */
  id: number;
  start: number;
  end: number;
  text: string;
  /** Only with `word_timestamps`: the words, monotonic and within [start, end]. */
  words?: Word[];
  /** With diarization: the speaker label (`SPEAKER_00`, … or the name it was renamed to). */
  speaker?: string;
  /**
   * Set when the model (Whisper) kept repeating itself here (compression ratio above
   * `compression_ratio_threshold` even after decoding the window again in halves) and the
   * repeated tail of the text was dropped.
   */
  repetition_removed?: true;
}

/** The result of transcribing one file. */
export interface Transcript {
  /** All segment texts joined (with spaces, except for languages written without them). */
  text: string;
  /** The language used for decoding: requested, or detected on the first speech; null when no speech was found. */
  language: string | null;
  /** Seconds of audio that were read. */
  duration: number;
  segments: Segment[];
  /** With diarization: every speaker heard, in order of first appearance. */
  speakers?: SpeakerSummary[];
}

/** One speaker of a diarized transcript. */
export interface SpeakerSummary {
  /** `SPEAKER_00`, `SPEAKER_01`, … (pyannote's convention), or the name it was renamed to. */
  speaker: string;
  /** Seconds this speaker's segments last in total. */
  speaking_time: number;
}

/**
 * Who spoke when, from speaker diarization (sherpa-onnx `OfflineSpeakerDiarization.process()`):
 * seconds from the start of the file, and the speaker's cluster index (0-based).
 */
export interface SpeakerTurn {
  start: number;
  end: number;
  speaker: number;
}

/** A stretch of speech found by the VAD: Float32 mono samples at 16 kHz and where they start. */
export interface SpeechChunk {
  /** Index of the first sample from the start of the file. */
  start: number;
  samples: Float32Array;
}
