import { describe, expect, it } from 'vitest';
import { dtoProblems } from '../../../../test/support/dto-validation';
import { OpenAiTranscriptionDto } from './openai.dto';

/** The 400's per-field problems for `input`. */
const problems = (input: Record<string, unknown>) => dtoProblems(OpenAiTranscriptionDto, input);

describe('OpenAiTranscriptionDto: every field is bounded', () => {
  it.each([
    ['model', 'm'.repeat(65), 'model must be at most 64 characters: whisper-1, or a model name from GET /v1/models'],
    ['prompt', 'p'.repeat(2001), 'prompt must be shorter than or equal to 2000 characters'],
    ['language', 'e'.repeat(17), 'language must be at most 16 characters: an ISO-639-1 code such as en'],
    [
      'timestamp_granularities',
      ['word', 'segment', 'word'],
      'timestamp_granularities[] takes at most 2 values: segment and word',
    ],
  ])('refuses a %s over its limit with a 400 naming the limit', async (field, value, problem) => {
    expect(await problems({ model: 'whisper-1', [field]: value })).toEqual([{ field, problems: [problem] }]);
  });
});
