import type { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { createValidationPipe } from '../../common/validation';
import { CreateTaskDto } from './create-task.dto';

const pipe = createValidationPipe();

/** The body as the validation pipe gives it to the route (multipart fields are strings; JSON keeps types). */
const accept = (body: Record<string, unknown>) =>
  pipe.transform(body, { type: 'body', metatype: CreateTaskDto }) as Promise<CreateTaskDto>;

/** The 400's per-field problems for `body`. */
async function problems(body: Record<string, unknown>): Promise<unknown> {
  const error = (await accept(body).then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as BadRequestException | undefined;
  expect(error?.getStatus()).toBe(400);
  return (error!.getResponse() as { details: unknown }).details;
}

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
