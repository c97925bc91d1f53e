import { describe, expect, it } from 'vitest';
import { acceptDto, dtoProblems } from '../../../../../test/support/dto-validation';
import { ListTasksQueryDto } from './list-tasks.dto';

/** The query as the validation pipe gives it to the route. */
const accept = (input: Record<string, string>) => acceptDto(ListTasksQueryDto, input, 'query');

/** The 400's per-field problems for `input`. */
const problems = (input: Record<string, string>) => dtoProblems(ListTasksQueryDto, input, 'query');

describe('ListTasksQueryDto: paging and dates Postgres can take', () => {
  it('takes offsets up to 1000000000 and the usual dates', async () => {
    expect(await accept({ offset: '1000000000', limit: '100' })).toMatchObject({ offset: 1e9, limit: 100 });
    expect(
      await accept({ created_after: '2026-11-01', created_before: '2026-11-01T08:30:00.123456+01:00' }),
    ).toMatchObject({ created_after: '2026-11-01' });
  });

  it.each(['100000000000000000000', '1e21', '1000000001'])(
    'refuses offset=%s with 400 naming the limit',
    async (offset) => {
      expect(await problems({ offset })).toEqual([
        { field: 'offset', problems: ['offset must be at most 1000000000 (past the last task the page is empty)'] },
      ]);
    },
  );

  it('refuses a limit or offset that is not a whole number in range, naming the range', async () => {
    expect(await problems({ limit: '1e20', offset: '-1' })).toEqual([
      { field: 'limit', problems: ['limit must not be greater than 100 (a whole number from 1 to 100)'] },
      { field: 'offset', problems: ['offset must be a whole number from 0 to 1000000000'] },
    ]);
    expect(await problems({ offset: '1.5' })).toEqual([
      { field: 'offset', problems: ['offset must be a whole number from 0 to 1000000000'] },
    ]);
  });

  it.each(['2026W011', '2026-366', '2026-02-30', '-0001-01-01', '2026-11-01 garbage'])(
    'refuses created_after=%s (a date JavaScript or Postgres would misread) with 400',
    async (created_after) => {
      expect(await problems({ created_after })).toEqual([
        {
          field: 'created_after',
          problems: [
            'created_after must be an ISO 8601 date or date-time such as 2026-11-01 or 2026-11-01T00:00:00Z (a real day; no week or ordinal dates)',
          ],
        },
      ]);
    },
  );
});
