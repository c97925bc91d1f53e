import { describe, expect, it } from 'vitest';
import { nestedDeeperThan } from './body-limits';

describe('nestedDeeperThan', () => {
  const nested = (levels: number) => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`) as unknown;

  it('counts objects and arrays, a flat object being 1 level', () => {
    expect(nestedDeeperThan({ a: 1 }, 1)).toBe(false);
    expect(nestedDeeperThan({ a: { b: [1] } }, 2)).toBe(true);
    expect(nestedDeeperThan(nested(64), 64)).toBe(false);
    expect(nestedDeeperThan(nested(65), 64)).toBe(true);
    expect(nestedDeeperThan('text', 0)).toBe(false);
  });

  it('checks any depth without recursion', () => {
    expect(nestedDeeperThan(nested(100_000), 64)).toBe(true);
  });
});
