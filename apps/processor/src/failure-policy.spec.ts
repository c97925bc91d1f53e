import { LinkError } from '@app/crawlers';
import { HarkError } from '@app/errors';
import { MediaError } from '@app/media';
import { describe, expect, it } from 'vitest';
import { ShuttingDownError, TaskCancelledError } from './active-tasks';
import { decideFailure } from './failure-policy';

describe('decideFailure', () => {
  it('a cancelled task stops and a shutdown hands the job back, whatever the attempt', () => {
    expect(decideFailure(new TaskCancelledError('t'), 3, 3)).toEqual({ action: 'stop' });
    expect(decideFailure(new ShuttingDownError(), 3, 3)).toEqual({ action: 'hand_back' });
  });

  it('a non-retryable error fails the task at once, with its code', () => {
    expect(decideFailure(new MediaError('decode_failed', 'ffmpeg could not decode the audio: x'), 1, 3)).toEqual({
      action: 'fail',
      error: 'ffmpeg could not decode the audio: x',
      code: 'decode_failed',
      retryable: false,
    });
  });

  it('a retryable error is retried while attempts are left, then fails', () => {
    const error = new HarkError('download_failed', 'HTTP 503 from media.example', true);
    expect(decideFailure(error, 1, 3)).toEqual({
      action: 'retry',
      error: 'HTTP 503 from media.example',
      code: 'download_failed',
    });
    expect(decideFailure(error, 2, 3)).toMatchObject({ action: 'retry' });
    expect(decideFailure(error, 3, 3)).toEqual({
      action: 'fail',
      error: 'HTTP 503 from media.example',
      code: 'download_failed',
      retryable: true,
    });
  });

  it('a share-link error leads its task error with the code', () => {
    expect(decideFailure(new LinkError('not_found', 'The post is deleted.'), 1, 3)).toMatchObject({
      action: 'fail',
      error: 'not_found: The post is deleted.',
      code: 'not_found',
    });
    expect(decideFailure(new LinkError('rate_limited', 'Slow down.'), 1, 3)).toMatchObject({
      action: 'retry',
      error: 'rate_limited: Slow down.',
    });
  });

  it('an unknown error (database, Redis, engine) is transient and has no code', () => {
    expect(decideFailure(new Error('connect ECONNREFUSED 127.0.0.1:5432'), 1, 2)).toEqual({
      action: 'retry',
      error: 'connect ECONNREFUSED 127.0.0.1:5432',
      code: null,
    });
    expect(decideFailure('odd', 2, 2)).toEqual({ action: 'fail', error: 'odd', code: null, retryable: true });
  });
});
