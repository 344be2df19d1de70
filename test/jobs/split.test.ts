import { describe, expect, it } from 'vitest';
import { splitRange } from '../../src/jobs/split.js';
import { ConfigError } from '../../src/errors.js';

describe('splitRange', () => {
  it('covers [0, total) contiguously with sizes differing by at most one', () => {
    for (const [total, pieces] of [[10, 3], [1000, 7], [5, 5], [3, 8], [0, 4], [1, 1]]) {
      const r = splitRange(total, pieces);
      expect(r.length).toBe(Math.min(total, pieces));
      let at = 0;
      for (const { start, end } of r) {
        expect(start).toBe(at);
        expect(end).toBeGreaterThan(start);
        at = end;
      }
      expect(at).toBe(total);
      const sizes = r.map((x) => x.end - x.start);
      if (sizes.length) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(splitRange(10, 3)).toEqual([{ start: 0, end: 4 }, { start: 4, end: 7 }, { start: 7, end: 10 }]);
  });
  it('rejects nonsense counts', () => {
    expect(() => splitRange(-1, 2)).toThrow(ConfigError);
    expect(() => splitRange(10, 0)).toThrow(/pieces/);
    expect(() => splitRange(2.5, 2)).toThrow(/total/);
  });
});
