import { describe, expect, it } from 'vitest';
import { packWindow, splitWindow, toFileTime, WindowPacker } from './windows';

const region = (start: number, length: number) => ({ start, samples: new Float32Array(length).fill(start) });

describe('WindowPacker', () => {
  it('packs regions in order while they fit, leaving out the silence between them', () => {
    const packer = new WindowPacker(100);
    const windows = [
      ...packer.push(region(1000, 40)),
      ...packer.push(region(2000, 50)),
      ...packer.push(region(3000, 30)), // 120 > 100: the first window closes
      ...packer.push(region(4000, 70)),
      ...packer.flush(),
    ];
    expect(windows.map((w) => w.pieces)).toEqual([
      [
        { windowStart: 0, fileStart: 1000, length: 40 },
        { windowStart: 40, fileStart: 2000, length: 50 },
      ],
      [
        { windowStart: 0, fileStart: 3000, length: 30 },
        { windowStart: 30, fileStart: 4000, length: 70 },
      ],
    ]);
    expect(windows.map((w) => w.samples.length)).toEqual([90, 100]);
    expect([...windows[0].samples.subarray(38, 42)]).toEqual([1000, 1000, 2000, 2000]);
    expect(packer.flush()).toEqual([]);
  });

  it('refuses a region longer than a window', () => {
    expect(() => new WindowPacker(10).push(region(0, 11))).toThrow(/longer than a window/);
  });
});

describe('toFileTime', () => {
  // Window of 2 s + 1 s taken from 10–12 s and 20–21 s of the file (rate 100 for round numbers).
  const window = packWindow([region(1000, 200), region(2000, 100)]);

  it('maps window times into the pieces they fall in', () => {
    expect(toFileTime(window, 0, 'start', 100)).toBe(10);
    expect(toFileTime(window, 0.5, 'end', 100)).toBe(10.5);
    expect(toFileTime(window, 2.5, 'start', 100)).toBe(20.5);
    expect(toFileTime(window, 3, 'end', 100)).toBe(21);
  });

  it('puts a boundary time at the end of the earlier piece or the start of the later one', () => {
    expect(toFileTime(window, 2, 'end', 100)).toBe(12);
    expect(toFileTime(window, 2, 'start', 100)).toBe(20);
  });

  it('clamps times outside the window', () => {
    expect(toFileTime(window, -1, 'start', 100)).toBe(10);
    expect(toFileTime(window, 29, 'end', 100)).toBe(21);
    expect(toFileTime(window, 29, 'start', 100)).toBe(21);
  });
});

describe('splitWindow', () => {
  it('splits at the piece boundary nearest the middle, keeping the time map', () => {
    const window = packWindow([region(0, 20000), region(50000, 30000), region(90000, 10000)]);
    const [first, second] = splitWindow(window)!;
    expect(first.pieces).toEqual([{ windowStart: 0, fileStart: 0, length: 20000 }]);
    expect(second.pieces).toEqual([
      { windowStart: 0, fileStart: 50000, length: 30000 },
      { windowStart: 30000, fileStart: 90000, length: 10000 },
    ]);
  });

  it('splits a single piece at its quietest point near the middle', () => {
    const samples = Float32Array.from({ length: 64000 }, (_, i) => (i >= 36000 && i < 36320 ? 0 : 0.5));
    const [first, second] = splitWindow(packWindow([{ start: 16000, samples }]))!;
    const cut = first.samples.length;
    expect(cut).toBeGreaterThanOrEqual(36000);
    expect(cut).toBeLessThanOrEqual(36320);
    expect(second.pieces).toEqual([{ windowStart: 0, fileStart: 16000 + cut, length: 64000 - cut }]);
  });

  it('leaves a window under 2 s whole', () => {
    expect(splitWindow(packWindow([region(0, 31999)]))).toBeNull();
  });
});
