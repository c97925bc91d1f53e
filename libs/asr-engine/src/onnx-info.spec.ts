import { copyFileSync, mkdtempSync, openSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { hasCrossAttentionOutput, type PositionedRead, readOnnxInterface } from './onnx-info';

const MODELS_DIR = process.env.MODELS_DIR ?? '/work/shared/models';
const TIMESTAMPS_DIR = join(MODELS_DIR, 'sherpa-onnx-whisper-timestamps-testonly');
const TIMESTAMPS_DECODER = join(TIMESTAMPS_DIR, 'timestamps-decoder.onnx');
const TIMESTAMPS_ENCODER = join(TIMESTAMPS_DIR, 'timestamps-encoder.onnx');
const DUMMY_DECODER = join(MODELS_DIR, 'sherpa-onnx-whisper-dummy-testonly', 'dummy-decoder.onnx');
const TINY_DECODER = join(MODELS_DIR, 'sherpa-onnx-whisper-tiny-shaped-testonly', 'tiny-shaped-decoder.int8.onnx');

const DECODER_INPUTS = [
  'tokens',
  'in_n_layer_self_k_cache',
  'in_n_layer_self_v_cache',
  'n_layer_cross_k',
  'n_layer_cross_v',
  'offset',
];
const DECODER_OUTPUTS = ['logits', 'out_n_layer_self_k_cache', 'out_n_layer_self_v_cache'];

/** fs.readSync, counting the calls, the bytes returned and the longest single read. */
function countingRead(): PositionedRead & { calls: number; bytes: number; largest: number } {
  const read = Object.assign(
    (fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => {
      const n = readSync(fd, buffer, offset, length, position);
      read.calls += 1;
      read.bytes += n;
      read.largest = Math.max(read.largest, n);
      return n;
    },
    { calls: 0, bytes: 0, largest: 0 },
  );
  return read;
}

// Minimal protobuf encoder for hand-built files (https://protobuf.dev/programming-guides/encoding/).
function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}
const tag = (field: number, wireType: number) => varint(field * 8 + wireType);
const len = (field: number, payload: number[]) => [...tag(field, 2), ...varint(payload.length), ...payload];
const str = (field: number, text: string) => len(field, [...Buffer.from(text, 'utf8')]);

describe('readOnnxInterface', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hark-onnx-info-'));
  });

  it("reads the timestamps decoder's inputs and its 4 outputs, cross_attention_weights last", () => {
    const info = readOnnxInterface(TIMESTAMPS_DECODER);
    expect(info.inputs).toEqual(DECODER_INPUTS);
    expect(info.outputs).toEqual([...DECODER_OUTPUTS, 'cross_attention_weights']);
    expect(info.metadata).toEqual({});
  });

  it('reads the 3 outputs of decoders exported without attention', () => {
    for (const decoder of [DUMMY_DECODER, TINY_DECODER]) {
      const info = readOnnxInterface(decoder);
      expect(info.inputs).toEqual(DECODER_INPUTS);
      expect(info.outputs).toEqual(DECODER_OUTPUTS);
    }
  });

  it("reads the timestamps encoder's interface and alignment-head metadata", () => {
    const info = readOnnxInterface(TIMESTAMPS_ENCODER);
    expect(info.inputs).toEqual(['mel']);
    expect(info.outputs).toEqual(['n_layer_cross_k', 'n_layer_cross_v']);
    expect(info.metadata).toMatchObject({ n_alignment_heads: '2', alignment_heads: '1:0,1:1', n_vocab: '51865' });
    expect(
      readOnnxInterface(join(MODELS_DIR, 'sherpa-onnx-whisper-dummy-testonly', 'dummy-encoder.onnx')).metadata,
    ).not.toHaveProperty('n_alignment_heads');
  });

  it('reads about 1 % of the 50 MB tiny-shaped decoder, in reads of at most 4 KiB', () => {
    const read = countingRead();
    const info = readOnnxInterface(TINY_DECODER, { read });
    expect(info.outputs).toEqual(DECODER_OUTPUTS);
    const size = statSync(TINY_DECODER).size;
    expect(size).toBeGreaterThan(50_000_000);
    expect(read.bytes).toBeGreaterThan(0);
    expect(read.bytes).toBeLessThan(1_000_000); // measured: 565,218 bytes in 138 reads
    expect(read.largest).toBeLessThanOrEqual(4096);
  });

  it('skips varint, fixed64, fixed32 and length-delimited fields it does not need, and merges repeated graphs', () => {
    const valueInfo = (name: string) => [...str(1, name), ...len(2, [8, 1])]; // name, type (skipped)
    const graph = [
      ...len(1, new Array<number>(5000).fill(7)), // node: skipped by length
      ...str(2, 'g'),
      ...len(5, new Array<number>(300).fill(1)), // initializer: skipped by length
      ...len(11, valueInfo('x')),
      ...len(12, valueInfo('y')),
      ...len(12, [...len(2, [1, 2]), ...str(1, 'z')]), // name after type
    ];
    // prettier-ignore
    const bytes = [
      ...tag(1, 0), ...varint(2 ** 40), // ir_version (varint, 6 bytes)
      ...tag(20, 1), 1, 2, 3, 4, 5, 6, 7, 8, // fixed64
      ...tag(21, 5), 1, 2, 3, 4, // fixed32
      ...len(7, graph),
      ...len(14, [...str(1, 'k'), ...str(2, 'v1')]),
      ...len(14, [...str(2, 'ünï'), ...str(1, 'k2')]),
      ...len(14, [...str(1, 'k'), ...str(2, 'v2')]),
      ...len(7, len(12, valueInfo('w'))), // a second graph field: protobuf merges it into the first
    ];
    const file = join(dir, 'hand.onnx');
    writeFileSync(file, Buffer.from(bytes));
    expect(readOnnxInterface(file)).toEqual({
      inputs: ['x'],
      outputs: ['y', 'z', 'w'],
      metadata: { k: 'v2', k2: 'ünï' },
    });
  });

  it('throws an Error naming the file for a text file, an empty file and a file without a graph', () => {
    const text = join(dir, 'notes.onnx');
    writeFileSync(text, 'This is a text file, not a model.\n');
    expect(() => readOnnxInterface(text)).toThrow(`${text} is not an ONNX model`);

    const empty = join(dir, 'empty.onnx');
    writeFileSync(empty, '');
    expect(() => readOnnxInterface(empty)).toThrow(`${empty} is not an ONNX model: no graph`);

    const noGraph = join(dir, 'no-graph.onnx');
    writeFileSync(noGraph, Buffer.from([...tag(1, 0), 8, ...str(2, 'producer')]));
    expect(() => readOnnxInterface(noGraph)).toThrow(`${noGraph} is not an ONNX model: no graph`);
  });

  it('throws for a truncated model: the graph runs past the end of the file', () => {
    const truncated = join(dir, 'truncated.onnx');
    const head = Buffer.alloc(100_000);
    const fd = openSync(TIMESTAMPS_DECODER, 'r');
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    writeFileSync(truncated, head);
    expect(() => readOnnxInterface(truncated)).toThrow(
      new RegExp(
        `^${truncated.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not an ONNX model: field 7 of \\d+ bytes runs past the end of the file`,
      ),
    );
  });

  it('throws for bad wire types, a truncated varint and a known field with the wrong wire type', () => {
    const cases: Array<[number[], string]> = [
      [[...tag(3, 3)], 'wire type 3 (field 3)'], // start group
      [[...tag(3, 7)], 'wire type 7 (field 3)'],
      [[...tag(1, 0), 0x80, 0x80], 'truncated varint'],
      [[...tag(1, 0), ...new Array<number>(10).fill(0xff), 1], 'varint longer than 10 bytes'],
      [[...tag(7, 0), 1], 'ModelProto.graph with wire type 0'],
      [[...len(7, [...tag(11, 5), 1, 2, 3, 4])], 'GraphProto.input with wire type 5'],
      // an output longer than its graph, but not than the file
      [
        [...len(7, [...tag(12, 2), 5, 1]), ...str(2, 'producer')],
        'field 12 of 5 bytes runs past the end of its enclosing message',
      ],
      [[...tag(0, 0), 1], 'field number 0'],
      [[...len(14, len(1, [0xff, 0xfe]))], 'string that is not UTF-8'],
    ];
    for (const [bytes, message] of cases) {
      const file = join(dir, 'bad.onnx');
      writeFileSync(file, Buffer.from(bytes));
      expect(() => readOnnxInterface(file), message).toThrow(`${file} is not an ONNX model: ${message}`);
    }
  });

  it('passes on the fs error for a missing file', () => {
    expect(() => readOnnxInterface(join(dir, 'missing.onnx'))).toThrow(/ENOENT.*missing\.onnx/);
  });
});

describe('hasCrossAttentionOutput', () => {
  it('is true only for the decoder exported with attention', () => {
    expect(hasCrossAttentionOutput(TIMESTAMPS_DECODER)).toBe(true);
    expect(hasCrossAttentionOutput(DUMMY_DECODER)).toBe(false);
    expect(hasCrossAttentionOutput(TINY_DECODER)).toBe(false);
  });

  it('answers from the cache without reading until the file changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hark-onnx-cache-'));
    const decoder = join(dir, 'decoder.onnx');
    copyFileSync(TIMESTAMPS_DECODER, decoder);

    const first = countingRead();
    expect(hasCrossAttentionOutput(decoder, { read: first })).toBe(true);
    expect(first.calls).toBeGreaterThan(0);

    const second = countingRead();
    expect(hasCrossAttentionOutput(join(dir, '.', 'decoder.onnx'), { read: second })).toBe(true);
    expect(second.calls).toBe(0);

    copyFileSync(DUMMY_DECODER, decoder); // overwrite in place
    const third = countingRead();
    expect(hasCrossAttentionOutput(decoder, { read: third })).toBe(false);
    expect(third.calls).toBeGreaterThan(0);

    const fourth = countingRead();
    expect(hasCrossAttentionOutput(decoder, { read: fourth })).toBe(false);
    expect(fourth.calls).toBe(0);
  });

  it('does not cache errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hark-onnx-cache-'));
    const decoder = join(dir, 'decoder.onnx');
    writeFileSync(decoder, 'not yet downloaded');
    expect(() => hasCrossAttentionOutput(decoder)).toThrow(`${decoder} is not an ONNX model`);
    copyFileSync(TIMESTAMPS_DECODER, decoder);
    expect(hasCrossAttentionOutput(decoder)).toBe(true);
  });
});
