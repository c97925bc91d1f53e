import { UNSPACED_LANGUAGES } from './languages';
import { joinSegmentText, roundTime } from './segments';
import type { Segment, SpeakerSummary, SpeakerTurn, Transcript, Word } from './transcript';

/** Longest speaker name accepted by {@link renameSpeakers}, in characters (code points). */
export const MAX_SPEAKER_NAME_LENGTH = 100;

/** Seconds by which two overlaps or gaps may differ and still tie (sums of float turn pieces). */
const TIE_SECONDS = 1e-9;

/**
 * The label of the speaker with 0-based `index` in order of first appearance: `SPEAKER_00`,
 * `SPEAKER_01`, …, `SPEAKER_99`, `SPEAKER_100` (pyannote's convention: at least two digits).
 */
export function speakerLabel(index: number): string {
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`speaker index must be a natural number, got ${index}`);
  return `SPEAKER_${String(index).padStart(2, '0')}`;
}

/**
 * Each speaker's (cluster index) rank for breaking ties: speakers in order of their earliest turn's
 * start (turns may come unsorted), the lower index first on equal starts.
 */
function firstHeardRanks(turns: readonly SpeakerTurn[]): Map<number, number> {
  const firstStart = new Map<number, number>();
  for (const { speaker, start } of turns) firstStart.set(speaker, Math.min(start, firstStart.get(speaker) ?? Infinity));
  const order = [...firstStart].sort(([a, startA], [b, startB]) => startA - startB || a - b);
  return new Map(order.map(([speaker], rank) => [speaker, rank]));
}

/** The speaker with the highest score, the one heard first (lowest rank) on a tie within {@link TIE_SECONDS}. */
function best(scores: Map<number, number>, ranks: ReadonlyMap<number, number>): number {
  let [winner, top] = [-1, -Infinity];
  for (const [speaker, score] of scores) {
    const tie = Math.abs(score - top) <= TIE_SECONDS;
    if ((!tie && score > top) || (tie && ranks.get(speaker)! < ranks.get(winner)!)) [winner, top] = [speaker, score];
  }
  return winner;
}

/**
 * The speaker (cluster index) of the time span [start, end] in seconds, as WhisperX
 * `assign_word_speakers`: the one whose turns overlap the span longest in total; when no turn
 * overlaps it, the one of the nearest turn (shortest gap in seconds). Ties go to the speaker heard
 * first (`ranks`, from {@link firstHeardRanks}). Turns may be unsorted and overlap; `turns` is not empty.
 */
function speakerOf(start: number, end: number, turns: readonly SpeakerTurn[], ranks: ReadonlyMap<number, number>) {
  const overlaps = new Map<number, number>();
  const gaps = new Map<number, number>();
  for (const turn of turns) {
    const shared = Math.min(end, turn.end) - Math.max(start, turn.start);
    if (shared > 0) overlaps.set(turn.speaker, (overlaps.get(turn.speaker) ?? 0) + shared);
    else gaps.set(turn.speaker, Math.max(shared, gaps.get(turn.speaker) ?? -Infinity));
  }
  // Gaps are kept negated (-seconds), so the nearest turn scores highest.
  return best(overlaps.size ? overlaps : gaps, ranks);
}

/** A segment before it gets its id and speaker label, with the speaker's cluster index. */
export interface SpeakerPiece {
  segment: Segment;
  speaker: number;
}

/**
 * Splits a segment at every change of speaker between its words (`speakers[i]`: word i's cluster
 * index) into consecutive pieces, each with its words and their text joined with `separator`. A
 * piece runs from its first word's start to its last word's end, except that the first keeps the
 * segment's start and the last its end; only the last keeps `repetition_removed`. A segment whose
 * words share one speaker comes back whole, text included.
 */
export function splitAtSpeakerChanges(
  segment: Segment,
  speakers: readonly number[],
  separator: string,
): SpeakerPiece[] {
  const words = segment.words ?? [];
  const firsts = speakers.flatMap((speaker, i) => (i === 0 || speaker !== speakers[i - 1] ? [i] : []));
  if (firsts.length <= 1) return [{ segment, speaker: speakers[0] }];
  const { repetition_removed, ...rest } = segment;
  return firsts.map((first, k) => {
    const last = k === firsts.length - 1;
    const own = words.slice(first, last ? words.length : firsts[k + 1]);
    const piece: Segment = {
      ...rest,
      start: k === 0 ? segment.start : own[0].start,
      end: last ? segment.end : own.at(-1)!.end,
      text: own.map((word) => word.word).join(separator),
      words: own,
    };
    return { segment: last && repetition_removed ? { ...piece, repetition_removed } : piece, speaker: speakers[first] };
  });
}

/**
 * Each label's speaking time: the sum of its segments' durations (end − start, in seconds), rounded
 * to milliseconds, in order of first appearance. Segments without a speaker count for no one.
 */
export function speakingTimes(segments: readonly Segment[]): SpeakerSummary[] {
  const seconds = new Map<string, number>();
  for (const { speaker, start, end } of segments)
    if (speaker !== undefined) seconds.set(speaker, (seconds.get(speaker) ?? 0) + Math.max(0, end - start));
  return [...seconds].map(([speaker, total]) => ({ speaker, speaking_time: roundTime(total) }));
}

/**
 * Gives a transcript speakers from diarization turns (sherpa-onnx `OfflineSpeakerDiarization`), as
 * WhisperX `assign_word_speakers` does, plus a split so that no segment mixes speakers:
 * - a segment with words: each word gets the speaker of {@link speakerOf} over its time, and the
 *   segment is split where its words change speaker ({@link splitAtSpeakerChanges}; words joined
 *   without spaces for languages written without them);
 * - a segment without words: the speaker of {@link speakerOf} over the segment's time.
 *
 * Cluster indexes become pyannote labels by first appearance in the transcript (the first speaker
 * heard is `SPEAKER_00`); segments and words get `speaker`, ids are renumbered 0…n−1, `text` is joined
 * again, and `speakers` lists each label with its speaking time ({@link speakingTimes}). Without
 * turns the transcript comes back unchanged, with no `speakers`. The input is not modified.
 * @param turns seconds from the start of the file; may be unsorted and overlap
 */
export function assignSpeakers(transcript: Transcript, turns: readonly SpeakerTurn[]): Transcript {
  if (turns.length === 0) return transcript;
  const ranks = firstHeardRanks(turns);
  const separator = transcript.language && UNSPACED_LANGUAGES.has(transcript.language) ? '' : ' ';
  const pieces = transcript.segments.flatMap((segment): SpeakerPiece[] =>
    segment.words?.length
      ? splitAtSpeakerChanges(
          segment,
          segment.words.map((word) => speakerOf(word.start, word.end, turns, ranks)),
          separator,
        )
      : [{ segment, speaker: speakerOf(segment.start, segment.end, turns, ranks) }],
  );
  const labels = new Map<number, string>();
  for (const { speaker } of pieces) if (!labels.has(speaker)) labels.set(speaker, speakerLabel(labels.size));
  const segments = pieces.map(({ segment, speaker }, id): Segment => {
    const label = labels.get(speaker)!;
    const words = segment.words?.map((word): Word => ({ ...word, speaker: label }));
    return { ...segment, id, speaker: label, ...(words && { words }) };
  });
  return {
    ...transcript,
    text: joinSegmentText(segments, transcript.language),
    segments,
    speakers: speakingTimes(segments),
  };
}

/** One reason a rename was refused: `field` is the label it concerns (`speakers` for the transcript). */
export interface SpeakerRenameProblem {
  field: string;
  problem: string;
}

/** A rename of speakers that cannot be done; `problems` says what is wrong with which label. */
export class SpeakerRenameError extends Error {
  constructor(readonly problems: SpeakerRenameProblem[]) {
    super(problems.map((p) => p.problem).join('; '));
    this.name = 'SpeakerRenameError';
  }
}

/** What is wrong with renaming `label` to `name` on its own, if anything. */
function nameProblem(label: string, name: unknown, known: readonly string[]): string | undefined {
  if (!known.includes(label))
    return `unknown speaker ${JSON.stringify(label)}; the transcript's speakers are ${known.join(', ')}`;
  if (typeof name !== 'string') return `the new name of ${label} must be a string`;
  if (!name.trim()) return `the new name of ${label} must not be empty`;
  const length = Array.from(name.trim()).length;
  if (length > MAX_SPEAKER_NAME_LENGTH)
    return `the new name of ${label} must be at most ${MAX_SPEAKER_NAME_LENGTH} characters, not ${length}`;
  // Line breaks and tabs would break the SRT, WebVTT, TXT and TSV layouts.
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name.trim()))
    return `the new name of ${label} must be one line without control characters`;
  return undefined;
}

/**
 * Checks a rename of `known` labels and returns the map from label to its new (trimmed) name.
 * @throws SpeakerRenameError listing every problem: per name ({@link nameProblem}), two labels given
 *   the same name, or a name that is another label still in use (not itself renamed away)
 */
function checkedRenames(known: readonly string[], names: Record<string, string>): Map<string, string> {
  const problems: SpeakerRenameProblem[] = [];
  const renames = new Map<string, string>();
  for (const [label, name] of Object.entries(names)) {
    const problem = nameProblem(label, name, known);
    if (problem) problems.push({ field: label, problem });
    else renames.set(label, name.trim());
  }
  const owners = new Map<string, string>();
  for (const [label, name] of renames) {
    const owner = owners.get(name);
    if (owner === undefined) owners.set(name, label);
    else problems.push({ field: label, problem: `${owner} and ${label} cannot both be named ${JSON.stringify(name)}` });
    if (name !== label && known.includes(name) && !renames.has(name))
      problems.push({
        field: label,
        problem: `${label} cannot be named ${JSON.stringify(name)}: another speaker has that name (rename it too)`,
      });
  }
  if (problems.length) throw new SpeakerRenameError(problems);
  return renames;
}

/**
 * Renames speakers (`SPEAKER_00` → `Alice`, or one name to another) in segments, words and
 * `speakers`; all names change at once, so labels may be swapped. Names are trimmed; labels not in
 * `names` keep theirs. The input is not modified.
 * @param names current label → new name
 * @throws SpeakerRenameError when the transcript has no speakers (not diarized), or for a label not in
 *   the transcript, a name that is empty, longer than {@link MAX_SPEAKER_NAME_LENGTH} characters or
 *   not one line, two labels given the same name, or a name that another speaker keeps
 */
export function renameSpeakers(transcript: Transcript, names: Record<string, string>): Transcript {
  if (!transcript.speakers)
    throw new SpeakerRenameError([
      { field: 'speakers', problem: 'the transcript has no speakers; create the task with diarize=true' },
    ]);
  const renames = checkedRenames(
    transcript.speakers.map((s) => s.speaker),
    names,
  );
  const rename = <T extends { speaker?: string }>(item: T): T =>
    item.speaker !== undefined && renames.has(item.speaker) ? { ...item, speaker: renames.get(item.speaker)! } : item;
  return {
    ...transcript,
    segments: transcript.segments.map((segment) => {
      const renamed = rename(segment);
      return segment.words ? { ...renamed, words: segment.words.map(rename) } : renamed;
    }),
    speakers: transcript.speakers.map(rename),
  };
}
