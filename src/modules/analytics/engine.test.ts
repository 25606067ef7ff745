import { describe, expect, it } from 'vitest';
import { midRanks, quintiles, rfmGroup } from './engine.js';

describe('analytics engine: ranks and groups', () => {
  it('gives mid-ranks with ties sharing one rank, whatever the order of the values', () => {
    const values = Float64Array.from([5, 1, 3, 3, 3, 9, 1, 7]);
    // sorted: 1 1 3 3 3 5 7 9; mid-rank = (values below + half of the equal ones) / 8
    const expected = [5.5, 1, 3.5, 3.5, 3.5, 7.5, 1, 6.5].map((r) => r / 8);
    expect(Array.from(midRanks(values))).toEqual(expected);
    expect(Array.from(midRanks(Float64Array.from([4, 4, 4, 4])))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('scores quintiles 1–5 (ties share a score; lower is better when asked)', () => {
    const values = Float64Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(Array.from(quintiles(values))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(Array.from(quintiles(values, false))).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(Array.from(quintiles(Float64Array.from([0, 0, 0, 0, 100])))).toEqual([3, 3, 3, 3, 5]);
  });

  it('names the eight RFM groups from high/low R, F and M', () => {
    expect([rfmGroup(5, 5, 5), rfmGroup(5, 1, 5), rfmGroup(1, 5, 5), rfmGroup(1, 1, 5)]).toEqual(['important_value', 'important_develop', 'important_keep', 'important_retain']);
    expect([rfmGroup(5, 5, 1), rfmGroup(5, 1, 1), rfmGroup(1, 5, 1), rfmGroup(1, 1, 1)]).toEqual(['general_value', 'general_develop', 'general_keep', 'general_retain']);
  });
});
