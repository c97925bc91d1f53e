import { DEFAULT_DECODE_OPTIONS } from '@app/asr-engine';
import { getMetadataStorage } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { acceptDto, dtoProblems } from '../../../../../test/support/dto-validation';
import { givenDecodeOptions } from '../usecases/create/accept-decode-options';
import { CreateTaskDto } from './create-task.dto';
import { DecodeOptionsDto } from './decode-options.dto';

/** The body as the validation pipe gives it to the route. */
const accept = (input: Record<string, unknown>) => acceptDto(CreateTaskDto, input);

/** The 400's per-field problems for `input`. */
const problems = (input: Record<string, unknown>) => dtoProblems(CreateTaskDto, input);

describe('DecodeOptionsDto: one field per decode option of the engine', () => {
  it('validates a field for every option of DecodeOptions, and no other', () => {
    // A field without validation decorators is stripped by the validation pipe: the option could not be given.
    const checks = getMetadataStorage().getTargetValidationMetadatas(DecodeOptionsDto, '', true, false);
    const fields = [...new Set(checks.map((check) => check.propertyName))].sort();
    expect(fields).toEqual(Object.keys(DEFAULT_DECODE_OPTIONS).sort());
  });

  it('passes every option, given at its default, through the validation pipe to the task', async () => {
    // Form fields are strings; an option whose default is null (not given) is sent empty.
    const form = Object.fromEntries(
      Object.entries(DEFAULT_DECODE_OPTIONS).map(([option, value]) => [option, value === null ? '' : String(value)]),
    );
    const accepted = givenDecodeOptions(await acceptDto(CreateTaskDto, form));
    const given = Object.entries(DEFAULT_DECODE_OPTIONS).filter(([, value]) => value !== null);
    expect(accepted).toEqual({
      ...Object.fromEntries(Object.keys(DEFAULT_DECODE_OPTIONS).map((option) => [option, undefined])),
      ...Object.fromEntries(given),
    });
  });
});

describe('DecodeOptionsDto: diarization fields', () => {
  it('takes diarize, num_speakers and diarization_threshold as form strings or JSON values', async () => {
    expect(await accept({ diarize: 'true', num_speakers: '2' })).toMatchObject({ diarize: true, num_speakers: 2 });
    expect(await accept({ diarize: true, diarization_threshold: 0.7 })).toMatchObject({
      diarize: true,
      diarization_threshold: 0.7,
    });
    expect(await accept({ diarize: 'off', num_speakers: '', diarization_threshold: null })).toMatchObject({
      diarize: false,
      num_speakers: undefined,
      diarization_threshold: undefined,
    });
    expect(await accept({ diarization_threshold: '2' })).toMatchObject({ diarization_threshold: 2 });
  });

  it('refuses num_speakers outside 1–100 or not whole', async () => {
    expect(await problems({ diarize: 'true', num_speakers: '0' })).toEqual([
      { field: 'num_speakers', problems: ['num_speakers must not be less than 1'] },
    ]);
    expect(await problems({ diarize: 'true', num_speakers: 101 })).toEqual([
      { field: 'num_speakers', problems: ['num_speakers must not be greater than 100'] },
    ]);
    expect(await problems({ diarize: 'true', num_speakers: '1.5' })).toEqual([
      { field: 'num_speakers', problems: ['num_speakers must be an integer number'] },
    ]);
  });

  it('refuses diarization_threshold outside (0, 2], naming the range', async () => {
    expect(await problems({ diarization_threshold: '0' })).toEqual([
      {
        field: 'diarization_threshold',
        problems: ['diarization_threshold must be greater than 0 (a cosine distance, 0–2)'],
      },
    ]);
    expect(await problems({ diarization_threshold: 2.5 })).toEqual([
      {
        field: 'diarization_threshold',
        problems: ['diarization_threshold must be at most 2 (a cosine distance, 0–2)'],
      },
    ]);
  });

  it('refuses a diarize that is not a boolean', async () => {
    expect(await problems({ diarize: 'maybe' })).toEqual([{ field: 'diarize', problems: [expect.any(String)] }]);
  });
});

describe('DecodeOptionsDto and CreateTaskDto: every field is bounded', () => {
  it.each(
    (
      [
        ['patience', 11, 'patience must not be greater than 10'],
        ['compression_ratio_threshold', 1001, 'compression_ratio_threshold must not be greater than 1000'],
        ['log_prob_threshold', '1', 'log_prob_threshold must not be greater than 0'],
        ['log_prob_threshold', -101, 'log_prob_threshold must not be less than -100'],
        ['hallucination_silence_threshold', '3601', 'hallucination_silence_threshold must not be greater than 3600'],
        ['append_punctuations', '.'.repeat(65), 'append_punctuations must be shorter than or equal to 64 characters'],
        [
          'prepend_punctuations',
          '¿'.repeat(60_000),
          'prepend_punctuations must be shorter than or equal to 64 characters',
        ],
        ['initial_prompt', 'x'.repeat(2001), 'initial_prompt must be shorter than or equal to 2000 characters'],
        ['prefix', 'x'.repeat(2001), 'prefix must be shorter than or equal to 2000 characters'],
        ['hotwords', 'x'.repeat(2001), 'hotwords must be shorter than or equal to 2000 characters'],
        ['beam_size', '21', 'beam_size must not be greater than 20'],
        ['best_of', 21, 'best_of must not be greater than 20'],
        ['speech_pad_ms', '2001', 'speech_pad_ms must not be greater than 2000'],
        ['min_speech_duration_ms', '1e20', 'min_speech_duration_ms must not be greater than 10000'],
        [
          'callback_url',
          `https://example.com/${'a'.repeat(2048)}`,
          'callback_url must be shorter than or equal to 2048 characters',
        ],
        ['url', 'x'.repeat(4097), 'url must be shorter than or equal to 4096 characters'],
      ] as [string, unknown, string][]
    ).map(([field, value, problem]) => ({ field, value, problem, shown: String(value).slice(0, 12) })),
  )('refuses $field=$shown with a 400 naming the limit', async ({ field, value, problem }) => {
    expect(await problems({ [field]: value })).toEqual([{ field, problems: expect.arrayContaining([problem]) }]);
  });

  it('takes the punctuation sets up to 64 characters, the empty set included', async () => {
    expect(await accept({ append_punctuations: '.'.repeat(64), prepend_punctuations: '' })).toMatchObject({
      append_punctuations: '.'.repeat(64),
      prepend_punctuations: '',
    });
  });

  it('declares a limit on every field: a list of values, a maximum length, or a minimum and a maximum', () => {
    // clip_timestamps is limited by MAX_CLIP_RANGES (a setting), checked by CreateTask (accept-decode-options.ts).
    const checks = getMetadataStorage().getTargetValidationMetadatas(CreateTaskDto, '', true, false);
    const rules = new Map<string, Set<string>>();
    for (const check of checks) {
      if (!rules.has(check.propertyName)) rules.set(check.propertyName, new Set());
      if (check.name) rules.get(check.propertyName)!.add(check.name);
    }
    const bounded = (names: Set<string>) =>
      ['isIn', 'isBoolean', 'maxLength'].some((name) => names.has(name)) ||
      (names.has('max') && (names.has('min') || names.has('isPositive'))) ||
      names.has('matches'); // model: MODEL_NAME_PATTERN allows at most 64 characters
    const unbounded = [...rules].filter(([field, names]) => field !== 'clip_timestamps' && !bounded(names));
    expect(unbounded.map(([field]) => field)).toEqual([]);
    expect(rules.size).toBeGreaterThan(30);
  });
});
