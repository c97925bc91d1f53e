import { compressionRatio, renderSubtitles, WHISPER_LANGUAGES } from '@app/asr-engine';
import type { TaskEntity } from '@app/tasks';
import type { OpenAiResponseFormat } from './openai.dto';

/** Speaker of a `diarized_json` segment that has none (diarization found no speaker turns at all). */
export const UNKNOWN_SPEAKER = 'unknown';

/**
 * A completed task as OpenAI's audio API answers it.
 * `verbose_json` fills what the engine knows: `seek` (the segment start in 10 ms frames, as
 * Whisper counts), `temperature` 0 (greedy), `compression_ratio` (computed from the text);
 * `tokens` is empty, `avg_logprob` and `no_speech_prob` are 0 — sherpa-onnx does not expose token
 * ids, log-probabilities or the no-speech probability. `timestamp_granularities` picks `segments`
 * (the default) and `words` (the task was decoded with word times). Segments and words carry
 * `speaker` when the task was diarized.
 * `diarized_json` is OpenAI's `TranscriptionDiarized`: `task` (always `transcribe`), `duration`
 * (seconds), `text`, and `segments` of `{type: 'transcript.text.segment', id (the segment's id as
 * a string), start, end (seconds), text, speaker}` — Hark's labels (`SPEAKER_00`, … or the names
 * given), not OpenAI's `A`, `B`, …; {@link UNKNOWN_SPEAKER} for a segment without one.
 * @returns the body and its content type
 */
export function formatOpenAiResult(
  task: TaskEntity,
  format: OpenAiResponseFormat,
  granularities: readonly ('segment' | 'word')[] = ['segment'],
): { body: string | object; contentType: string } {
  const result = task.result!;
  switch (format) {
    case 'json':
      return { body: { text: result.text }, contentType: 'application/json' };
    case 'text':
      return { body: `${result.text}\n`, contentType: 'text/plain; charset=utf-8' };
    case 'srt':
      return { body: renderSubtitles(result, 'srt'), contentType: 'text/plain; charset=utf-8' };
    case 'vtt':
      return { body: renderSubtitles(result, 'vtt'), contentType: 'text/plain; charset=utf-8' };
    case 'verbose_json':
      return {
        contentType: 'application/json',
        body: {
          task: task.task,
          language: result.language ? (WHISPER_LANGUAGES[result.language] ?? result.language) : 'unknown',
          duration: result.duration,
          text: result.text,
          ...(granularities.includes('word') && {
            words: result.segments.flatMap((segment) =>
              (segment.words ?? []).map(({ word, start, end, speaker }) => ({
                word,
                start,
                end,
                ...(speaker !== undefined && { speaker }),
              })),
            ),
          }),
          ...(granularities.includes('segment') && {
            segments: result.segments.map((segment) => ({
              id: segment.id,
              seek: Math.round(segment.start * 100),
              start: segment.start,
              end: segment.end,
              text: segment.text,
              tokens: [],
              temperature: 0,
              avg_logprob: 0,
              compression_ratio: compressionRatio(segment.text),
              no_speech_prob: 0,
              ...(segment.speaker !== undefined && { speaker: segment.speaker }),
            })),
          }),
        },
      };
    case 'diarized_json':
      return {
        contentType: 'application/json',
        body: {
          task: 'transcribe',
          duration: result.duration,
          text: result.text,
          segments: result.segments.map((segment) => ({
            type: 'transcript.text.segment',
            id: String(segment.id),
            start: segment.start,
            end: segment.end,
            text: segment.text,
            speaker: segment.speaker ?? UNKNOWN_SPEAKER,
          })),
        },
      };
  }
}
