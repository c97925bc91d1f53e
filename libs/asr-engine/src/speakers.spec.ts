import { describe, expect, it } from 'vitest';
import { assignSpeakers, renameSpeakers, SpeakerRenameError, speakerLabel } from './speakers';
import type { Segment, SpeakerTurn, Transcript, Word } from './transcript';

/** Words at the given [start, end] times in seconds. */
const timed = (...words: [string, number, number][]): Word[] =>
  words.map(([word, start, end]) => ({ word, start, end }));

/** Turns as [start, end, cluster index]. */
const turns = (...list: [number, number, number][]): SpeakerTurn[] =>
  list.map(([start, end, speaker]) => ({ start, end, speaker }));

/** A transcript of the given segments, its text joined with spaces. */
const transcriptOf = (segments: Segment[], language = 'en'): Transcript => ({
  text: segments.map((s) => s.text).join(language === 'zh' ? '' : ' '),
  language,
  duration: 20,
  segments,
});

/** Segments as [start, end, speaker, text] for compact expectations. */
const compact = (transcript: Transcript) => transcript.segments.map((s) => [s.start, s.end, s.speaker, s.text]);

/** Captures the SpeakerRenameError thrown by `fn`. */
function renameError(fn: () => unknown): SpeakerRenameError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SpeakerRenameError);
    return error as SpeakerRenameError;
  }
  throw new Error('expected a SpeakerRenameError');
}

describe('speakerLabel', () => {
  it('numbers speakers as pyannote does, with at least two digits', () => {
    expect([0, 1, 9, 10, 99, 100, 1234].map(speakerLabel)).toEqual([
      'SPEAKER_00',
      'SPEAKER_01',
      'SPEAKER_09',
      'SPEAKER_10',
      'SPEAKER_99',
      'SPEAKER_100',
      'SPEAKER_1234',
    ]);
    expect(() => speakerLabel(-1)).toThrow(RangeError);
    expect(() => speakerLabel(1.5)).toThrow(RangeError);
  });
});

describe('assignSpeakers', () => {
  it('gives each segment without words the speaker overlapping it most, labelled by first appearance', () => {
    const transcript = transcriptOf([
      { id: 0, start: 0, end: 4, text: 'Hello there.' },
      { id: 1, start: 4, end: 9, text: 'Hi, how are you?' },
      { id: 2, start: 9.5, end: 12, text: 'Fine.' },
    ]);
    // Cluster 3 speaks first, cluster 1 second: they become SPEAKER_00 and SPEAKER_01.
    // Segment 1 overlaps cluster 3 for 1 s and cluster 1 for 4 s (two turns of 2 s).
    const result = assignSpeakers(transcript, turns([5, 7, 1], [0, 5, 3], [7, 9, 1], [9, 12.5, 3]));
    expect(compact(result)).toEqual([
      [0, 4, 'SPEAKER_00', 'Hello there.'],
      [4, 9, 'SPEAKER_01', 'Hi, how are you?'],
      [9.5, 12, 'SPEAKER_00', 'Fine.'],
    ]);
    expect(result.speakers).toEqual([
      { speaker: 'SPEAKER_00', speaking_time: 6.5 },
      { speaker: 'SPEAKER_01', speaking_time: 5 },
    ]);
    expect(result.text).toBe(transcript.text);
    expect(result.duration).toBe(20);
    expect(transcript.segments[0].speaker).toBeUndefined();
    expect(transcript.speakers).toBeUndefined();
  });

  it('labels by first appearance in the transcript, not by cluster index or by turn order', () => {
    const transcript = transcriptOf([
      { id: 0, start: 0, end: 2, text: 'one' },
      { id: 1, start: 2, end: 4, text: 'two' },
      { id: 2, start: 4, end: 6, text: 'three' },
    ]);
    // Cluster 0 has the earliest turn but no segment of its own (segment 0 is mostly cluster 2).
    const result = assignSpeakers(transcript, turns([4, 6, 0], [2, 4, 1], [0.5, 2, 2], [0, 0.5, 0]));
    expect(result.segments.map((s) => s.speaker)).toEqual(['SPEAKER_00', 'SPEAKER_01', 'SPEAKER_02']);
    expect(result.speakers!.map((s) => s.speaker)).toEqual(['SPEAKER_00', 'SPEAKER_01', 'SPEAKER_02']);
  });

  it('sums overlapping turns per speaker, breaks ties for the speaker heard first, and falls back to the nearest turn', () => {
    const transcript = transcriptOf([
      { id: 0, start: 0, end: 4, text: 'tie' },
      { id: 1, start: 4, end: 8, text: 'sum' },
      { id: 2, start: 9, end: 9.5, text: 'near' },
      { id: 3, start: 10.2, end: 11, text: 'gap' },
      { id: 4, start: 14, end: 15, text: 'late' },
    ]);
    // 0–4: clusters 5 and 7 overlap it 2 s each; cluster 7's first turn starts earlier (at 0).
    // 4–8: cluster 5 has 2.5 s in one turn, cluster 7 has 1.5 s + 1.5 s in two.
    // 9–9.5: no turn; the nearest ends at 8.5 (cluster 7, 0.5 s away) vs 8 (cluster 5, 1 s away).
    // 10.2–11: no turn; the nearest ends at 8.5 (cluster 7, 1.7 s away) vs starts at 12.5 (cluster 5, 1.5 s away).
    // 14–15: after every turn; the nearest is cluster 5's, ending at 13.
    const list = turns([2, 4, 5], [0, 2, 7], [4, 5.5, 7], [5.5, 8, 5], [6.5, 8.5, 7], [12.5, 13, 5]);
    expect(compact(assignSpeakers(transcript, list)).map(([, , speaker]) => speaker)).toEqual([
      'SPEAKER_00',
      'SPEAKER_00',
      'SPEAKER_00',
      'SPEAKER_01',
      'SPEAKER_01',
    ]);
    // Same turns in another order: same result.
    expect(assignSpeakers(transcript, [...list].reverse())).toEqual(assignSpeakers(transcript, list));
  });

  it('gives each word its speaker and splits a segment where its words change speaker', () => {
    const transcript: Transcript = {
      ...transcriptOf([
        { id: 0, start: 0, end: 1.5, text: 'Ready?', words: timed(['Ready?', 0.2, 1.4]) },
        {
          id: 1,
          start: 1.5,
          end: 6.5,
          text: 'Yes. Then go. Okay okay okay',
          words: timed(
            ['Yes.', 1.6, 2],
            ['Then', 2.4, 2.7],
            ['go.', 2.7, 3.1],
            ['Okay', 3.5, 4],
            ['okay', 4, 4.5],
            ['okay', 4.5, 5],
          ),
          repetition_removed: true,
        },
      ]),
    };
    // SPEAKER_00 (cluster 1) asks and says "Then go."; cluster 0 answers; "go." leans into cluster 0's
    // turn by 0.1 s but overlaps cluster 1's by 0.3 s.
    const result = assignSpeakers(transcript, turns([0, 1.5, 1], [1.5, 2.2, 0], [2.2, 3, 1], [3, 7, 0]));
    expect(compact(result)).toEqual([
      [0, 1.5, 'SPEAKER_00', 'Ready?'],
      [1.5, 2, 'SPEAKER_01', 'Yes.'],
      [2.4, 3.1, 'SPEAKER_00', 'Then go.'],
      [3.5, 6.5, 'SPEAKER_01', 'Okay okay okay'],
    ]);
    expect(result.segments.map((s) => s.id)).toEqual([0, 1, 2, 3]);
    expect(result.segments.map((s) => s.repetition_removed)).toEqual([undefined, undefined, undefined, true]);
    expect(result.segments.map((s) => s.words!.map((w) => w.speaker))).toEqual([
      ['SPEAKER_00'],
      ['SPEAKER_01'],
      ['SPEAKER_00', 'SPEAKER_00'],
      ['SPEAKER_01', 'SPEAKER_01', 'SPEAKER_01'],
    ]);
    expect(result.segments[2].words).toEqual([
      { word: 'Then', start: 2.4, end: 2.7, speaker: 'SPEAKER_00' },
      { word: 'go.', start: 2.7, end: 3.1, speaker: 'SPEAKER_00' },
    ]);
    expect(result.text).toBe('Ready? Yes. Then go. Okay okay okay');
    // SPEAKER_00: 1.5 + 0.7 s; SPEAKER_01: 0.5 + 3 s.
    expect(result.speakers).toEqual([
      { speaker: 'SPEAKER_00', speaking_time: 2.2 },
      { speaker: 'SPEAKER_01', speaking_time: 3.5 },
    ]);
  });

  it('keeps a segment whose words share one speaker whole, text included', () => {
    const segment: Segment = {
      id: 0,
      start: 0,
      end: 2,
      text: 'Hello,  world',
      words: timed(['Hello,', 0, 0.5], ['world', 0.6, 1]),
      repetition_removed: true,
    };
    const result = assignSpeakers(transcriptOf([segment]), turns([0, 3, 4]));
    expect(result.segments).toEqual([
      {
        ...segment,
        speaker: 'SPEAKER_00',
        words: segment.words!.map((w) => ({ ...w, speaker: 'SPEAKER_00' })),
      },
    ]);
  });

  it('joins the words of split pieces without spaces for unspaced languages', () => {
    const transcript = transcriptOf(
      [
        {
          id: 0,
          start: 0,
          end: 3,
          text: '你好吗我很好',
          words: timed(['你好', 0, 0.6], ['吗', 0.6, 1], ['我', 1.5, 1.8], ['很好', 1.8, 2.5]),
        },
      ],
      'zh',
    );
    const result = assignSpeakers(transcript, turns([0, 1.2, 0], [1.2, 3, 1]));
    expect(compact(result)).toEqual([
      [0, 1, 'SPEAKER_00', '你好吗'],
      [1.5, 3, 'SPEAKER_01', '我很好'],
    ]);
    expect(result.text).toBe('你好吗我很好');
  });

  it('rounds speaking time to milliseconds', () => {
    const transcript = transcriptOf([
      { id: 0, start: 0.1, end: 0.2, text: 'a' },
      { id: 1, start: 0.2, end: 0.3, text: 'b' },
      { id: 2, start: 0.3, end: 0.7001, text: 'c' },
    ]);
    expect(assignSpeakers(transcript, turns([0, 1, 0])).speakers).toEqual([
      { speaker: 'SPEAKER_00', speaking_time: 0.6 },
    ]);
  });

  it('leaves the transcript unchanged without turns', () => {
    const transcript = transcriptOf([{ id: 0, start: 0, end: 1, text: 'alone', words: timed(['alone', 0, 1]) }]);
    const result = assignSpeakers(transcript, []);
    expect(result).toEqual(transcript);
    expect(result).not.toHaveProperty('speakers');
    expect(result.segments[0]).not.toHaveProperty('speaker');
  });
});

describe('renameSpeakers', () => {
  const diarized = assignSpeakers(
    transcriptOf([
      { id: 0, start: 0, end: 2, text: 'Hi.', words: timed(['Hi.', 0, 1]) },
      { id: 1, start: 2, end: 5, text: 'Hello.' },
      { id: 2, start: 5, end: 6, text: 'Bye.' },
    ]),
    turns([0, 2, 0], [2, 5, 1], [5, 6, 2]),
  );

  it('renames labels in segments, words and speakers, trimming names', () => {
    const result = renameSpeakers(diarized, { SPEAKER_00: '  Alice ', SPEAKER_02: 'Carol & <Co>' });
    expect(result.segments.map((s) => s.speaker)).toEqual(['Alice', 'SPEAKER_01', 'Carol & <Co>']);
    expect(result.segments[0].words!.map((w) => w.speaker)).toEqual(['Alice']);
    expect(result.segments[1]).not.toHaveProperty('words');
    expect(result.speakers).toEqual([
      { speaker: 'Alice', speaking_time: 2 },
      { speaker: 'SPEAKER_01', speaking_time: 3 },
      { speaker: 'Carol & <Co>', speaking_time: 1 },
    ]);
    expect(result.text).toBe(diarized.text);
    expect(diarized.segments[0].speaker).toBe('SPEAKER_00');
    // Renamed again, by its new name.
    expect(renameSpeakers(result, { Alice: 'Alicia' }).speakers![0].speaker).toBe('Alicia');
  });

  it('swaps labels, and renames a label to a label being renamed away', () => {
    const swapped = renameSpeakers(diarized, { SPEAKER_00: 'SPEAKER_01', SPEAKER_01: 'SPEAKER_00' });
    expect(swapped.segments.map((s) => s.speaker)).toEqual(['SPEAKER_01', 'SPEAKER_00', 'SPEAKER_02']);
    const shifted = renameSpeakers(diarized, { SPEAKER_00: 'SPEAKER_01', SPEAKER_01: 'Bob' });
    expect(shifted.speakers!.map((s) => s.speaker)).toEqual(['SPEAKER_01', 'Bob', 'SPEAKER_02']);
    expect(renameSpeakers(diarized, { SPEAKER_00: 'SPEAKER_00' })).toEqual(diarized);
  });

  it('refuses unknown labels, naming the known ones', () => {
    const error = renameError(() => renameSpeakers(diarized, { SPEAKER_07: 'Zoe' }));
    expect(error.problems).toEqual([
      {
        field: 'SPEAKER_07',
        problem: 'unknown speaker "SPEAKER_07"; the transcript\'s speakers are SPEAKER_00, SPEAKER_01, SPEAKER_02',
      },
    ]);
    expect(error.message).toBe(error.problems[0].problem);
    expect(error.name).toBe('SpeakerRenameError');
    expect(error).toBeInstanceOf(Error);
  });

  it('refuses empty, too long and multi-line names, listing every problem', () => {
    const error = renameError(() =>
      renameSpeakers(diarized, { SPEAKER_00: ' \t ', SPEAKER_01: 'x'.repeat(101), SPEAKER_02: 'Ann\nBo' }),
    );
    expect(error.problems).toEqual([
      { field: 'SPEAKER_00', problem: 'the new name of SPEAKER_00 must not be empty' },
      { field: 'SPEAKER_01', problem: 'the new name of SPEAKER_01 must be at most 100 characters, not 101' },
      { field: 'SPEAKER_02', problem: 'the new name of SPEAKER_02 must be one line without control characters' },
    ]);
    // 100 characters (after trimming, counting code points) is fine.
    const long = `${'é'.repeat(99)}😀`;
    expect(renameSpeakers(diarized, { SPEAKER_01: ` ${long} ` }).speakers![1].speaker).toBe(long);
  });

  it('refuses two labels renamed to one name, and a name another speaker keeps', () => {
    expect(renameError(() => renameSpeakers(diarized, { SPEAKER_00: 'Ann', SPEAKER_01: ' Ann' })).problems).toEqual([
      { field: 'SPEAKER_01', problem: 'SPEAKER_00 and SPEAKER_01 cannot both be named "Ann"' },
    ]);
    expect(renameError(() => renameSpeakers(diarized, { SPEAKER_00: 'SPEAKER_02' })).problems).toEqual([
      {
        field: 'SPEAKER_00',
        problem: 'SPEAKER_00 cannot be named "SPEAKER_02": another speaker has that name (rename it too)',
      },
    ]);
    // Renaming SPEAKER_02 to itself keeps the name in use.
    expect(
      renameError(() => renameSpeakers(diarized, { SPEAKER_02: 'SPEAKER_02', SPEAKER_00: 'SPEAKER_02' })).problems,
    ).toEqual([{ field: 'SPEAKER_00', problem: 'SPEAKER_02 and SPEAKER_00 cannot both be named "SPEAKER_02"' }]);
  });

  it('refuses a transcript without speakers', () => {
    const plain = transcriptOf([{ id: 0, start: 0, end: 1, text: 'hi' }]);
    expect(renameError(() => renameSpeakers(plain, { SPEAKER_00: 'Ann' })).problems).toEqual([
      { field: 'speakers', problem: 'the transcript has no speakers; create the task with diarize=true' },
    ]);
  });
});
