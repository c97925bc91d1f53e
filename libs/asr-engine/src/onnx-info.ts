import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The interface of an ONNX model file: graph input and output names, and metadata_props.
 * Read by {@link readOnnxInterface} without loading the model or its weights.
 */
export interface OnnxInterface {
  /**
   * `GraphProto.input` names, in file order. Files of IR version < 4 (old exporters) may list initializers
   * here too.
   */
  inputs: string[];
  /** `GraphProto.output` names, in file order (the order onnxruntime reports them in). */
  outputs: string[];
  /** `ModelProto.metadata_props` as key → value. A key that occurs twice keeps its last value. */
  metadata: Record<string, string>;
}

/**
 * Reads `length` bytes of the file `fd` at byte `position` into `buffer` at `offset` and returns how many bytes
 * it read (0 at end of file). The signature of `fs.readSync(fd, buffer, offset, length, position)`.
 */
export type PositionedRead = (
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
) => number;

export interface ReadOnnxOptions {
  /** Does every read of the file; `fs.readSync` by default. Tests pass a wrapper to count the bytes read. */
  read?: PositionedRead;
}

/** The name `sherpa-onnx/scripts/whisper/export-onnx-with-attention.py` gives the 4th decoder output. */
export const CROSS_ATTENTION_OUTPUT = 'cross_attention_weights';

/**
 * Bytes fetched by one read while walking fields. Tags, lengths and the small messages we descend into
 * (value infos, metadata entries, runs of small nodes) usually fall in one window; a large field is skipped by
 * moving the position, so the next read starts after it.
 */
const WINDOW_BYTES = 4096;

/** Longest name or metadata value accepted (bytes). Real ones are at most a few KiB; this bounds allocation. */
const MAX_STRING_BYTES = 1 << 20;

// Field numbers from onnx/onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
const MODEL_GRAPH = 7; // ModelProto.graph: GraphProto
const MODEL_METADATA_PROPS = 14; // ModelProto.metadata_props: repeated StringStringEntryProto
const ENTRY_KEY = 1; // StringStringEntryProto.key: string
const ENTRY_VALUE = 2; // StringStringEntryProto.value: string
const GRAPH_INPUT = 11; // GraphProto.input: repeated ValueInfoProto
const GRAPH_OUTPUT = 12; // GraphProto.output: repeated ValueInfoProto
const VALUE_INFO_NAME = 1; // ValueInfoProto.name: string
// GraphProto.node (1) and GraphProto.initializer (5) hold the weights; they are skipped by length, never read.

// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/#structure).
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A field of a protobuf message: its number, wire type, and where its payload lies in the file. */
interface Field {
  number: number;
  wireType: number;
  /** Byte offset of the payload (for a length-delimited field, after its length varint). */
  start: number;
  /** Byte offset just past the payload. */
  end: number;
}

/** Positioned reads of one open file, through a small window; never holds more than one window or one string. */
class FileCursor {
  private readonly window = Buffer.alloc(WINDOW_BYTES);
  private windowStart = 0;
  private windowLength = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
    readonly path: string,
    private readonly read: PositionedRead,
  ) {}

  /** An Error naming the file, for a file that is not a well-formed ONNX protobuf. */
  invalid(detail: string, position: number): Error {
    return new Error(`${this.path} is not an ONNX model: ${detail} at byte ${position}`);
  }

  /** The byte at `position`, which must be < size. */
  byte(position: number): number {
    if (position < this.windowStart || position >= this.windowStart + this.windowLength) {
      const length = Math.min(WINDOW_BYTES, this.size - position);
      this.windowStart = position;
      this.windowLength = this.fill(this.window, length, position);
    }
    return this.window[position - this.windowStart];
  }

  /** The UTF-8 string stored at [start, end), end - start <= MAX_STRING_BYTES. */
  string(start: number, end: number): string {
    const length = end - start;
    if (length > MAX_STRING_BYTES) throw this.invalid(`string of ${length} bytes (limit ${MAX_STRING_BYTES})`, start);
    let bytes: Uint8Array;
    if (start >= this.windowStart && end <= this.windowStart + this.windowLength) {
      bytes = this.window.subarray(start - this.windowStart, end - this.windowStart);
    } else {
      bytes = Buffer.alloc(length);
      this.fill(bytes, length, start);
    }
    try {
      return utf8.decode(bytes);
    } catch {
      throw this.invalid('string that is not UTF-8', start);
    }
  }

  /**
   * Reads exactly `length` bytes at `position` into the start of `target`.
   * @throws Error naming the file when the file ends early (it shrank while being read).
   */
  private fill(target: Uint8Array, length: number, position: number): number {
    let done = 0;
    while (done < length) {
      const n = this.read(this.fd, target, done, length - done, position + done);
      if (n <= 0) throw this.invalid('unexpected end of file', position + done);
      done += n;
    }
    return length;
  }

  /**
   * The base-128 varint at `position` (at most 10 bytes, least significant group first), and where it ends.
   * @throws Error naming the file when it runs past `end`, is longer than 10 bytes, or exceeds 2^53 - 1.
   */
  varint(position: number, end: number): [value: number, next: number] {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (position + i >= end) throw this.invalid('truncated varint', position);
      const b = this.byte(position + i);
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw this.invalid('varint above 2^53', position);
        return [value, position + i + 1];
      }
    }
    throw this.invalid('varint longer than 10 bytes', position);
  }

  /**
   * Calls `visit` for each field of the message stored at [start, end), in file order. Only tags and lengths are
   * read; payloads are skipped by position (varint: by its bytes; fixed64: 8; fixed32: 4; length-delimited: by
   * its length), so `visit` decides what, if anything, to read.
   * @throws Error naming the file for field number 0, wire types 3, 4 (groups, unused by ONNX), 6 and 7, and a
   * field that runs past the end of its message or of the file.
   */
  fields(start: number, end: number, visit: (field: Field) => void): void {
    let position = start;
    while (position < end) {
      const [tag, payload] = this.varint(position, end);
      const number = Math.floor(tag / 8);
      const wireType = tag % 8;
      if (number === 0) throw this.invalid('field number 0', position);
      let fieldStart = payload;
      let fieldEnd: number;
      switch (wireType) {
        case WIRE_VARINT:
          fieldEnd = this.varint(payload, end)[1];
          break;
        case WIRE_FIXED64:
          fieldEnd = payload + 8;
          break;
        case WIRE_FIXED32:
          fieldEnd = payload + 4;
          break;
        case WIRE_LEN: {
          const [length, data] = this.varint(payload, end);
          fieldStart = data;
          fieldEnd = data + length;
          break;
        }
        default:
          throw this.invalid(`wire type ${wireType} (field ${number})`, position);
      }
      if (fieldEnd > end) {
        const past = fieldEnd > this.size ? 'the end of the file' : 'the end of its enclosing message';
        throw this.invalid(`field ${number} of ${fieldEnd - fieldStart} bytes runs past ${past}`, position);
      }
      visit({ number, wireType, start: fieldStart, end: fieldEnd });
      position = fieldEnd;
    }
  }

  /** Checks that a field the ONNX schema declares as a message or string is length-delimited. */
  expectLen(field: Field, what: string): void {
    if (field.wireType !== WIRE_LEN) throw this.invalid(`${what} with wire type ${field.wireType}`, field.start);
  }

  /** The `name` (field 1) of the ValueInfoProto at [start, end); '' when absent, as protobuf defaults it. */
  valueInfoName(field: Field): string {
    let name = '';
    this.fields(field.start, field.end, (inner) => {
      if (inner.number !== VALUE_INFO_NAME) return;
      this.expectLen(inner, 'ValueInfoProto.name');
      name = this.string(inner.start, inner.end);
    });
    return name;
  }
}

/**
 * Reads the interface of the ONNX model at `path`: graph input and output names and metadata_props. Synchronous.
 *
 * It walks the protobuf (onnx.proto: ModelProto.graph = 7, ModelProto.metadata_props = 14 with
 * StringStringEntryProto key = 1 / value = 2; GraphProto.input = 11, output = 12 with ValueInfoProto.name = 1)
 * with positioned reads of at most 4 KiB, and descends only into the graph and into its input, output and
 * metadata entries. Every other field, including the nodes (1) and the initializers (5) that hold the weights,
 * is skipped by its length without being read, so a multi-GB decoder costs a few KiB per skipped field plus the
 * small fields we need (a few hundred KiB for Whisper tiny's 50 MB int8 decoder). The file is never read whole.
 * Weights stored as external data are not opened.
 *
 * @throws Error naming the file when it is not an ONNX model: no graph field, a bad wire type, a length past the
 * end of the file or of the enclosing message, a truncated or oversized varint, a known field with the wrong wire
 * type, or a name or metadata string over 1 MiB or not UTF-8.
 * @throws the `fs` error (ENOENT, EISDIR, EACCES, …) when the file cannot be opened or read.
 */
export function readOnnxInterface(path: string, options: ReadOnnxOptions = {}): OnnxInterface {
  const fd = openSync(path, 'r');
  try {
    const cursor = new FileCursor(fd, fstatSync(fd).size, path, options.read ?? readSync);
    const result: OnnxInterface = { inputs: [], outputs: [], metadata: {} };
    let hasGraph = false;
    cursor.fields(0, cursor.size, (field) => {
      if (field.number === MODEL_GRAPH) {
        cursor.expectLen(field, 'ModelProto.graph');
        hasGraph = true; // protobuf merges a repeated message field; its repeated fields concatenate
        cursor.fields(field.start, field.end, (graphField) => {
          if (graphField.number === GRAPH_INPUT) {
            cursor.expectLen(graphField, 'GraphProto.input');
            result.inputs.push(cursor.valueInfoName(graphField));
          } else if (graphField.number === GRAPH_OUTPUT) {
            cursor.expectLen(graphField, 'GraphProto.output');
            result.outputs.push(cursor.valueInfoName(graphField));
          }
        });
      } else if (field.number === MODEL_METADATA_PROPS) {
        cursor.expectLen(field, 'ModelProto.metadata_props');
        let key = '';
        let value = '';
        cursor.fields(field.start, field.end, (entryField) => {
          if (entryField.number === ENTRY_KEY) {
            cursor.expectLen(entryField, 'StringStringEntryProto.key');
            key = cursor.string(entryField.start, entryField.end);
          } else if (entryField.number === ENTRY_VALUE) {
            cursor.expectLen(entryField, 'StringStringEntryProto.value');
            value = cursor.string(entryField.start, entryField.end);
          }
        });
        result.metadata[key] = value;
      }
    });
    if (!hasGraph) throw cursor.invalid('no graph (ModelProto field 7)', cursor.size);
    return result;
  } finally {
    closeSync(fd);
  }
}

/** Last answer per absolute path, with the file's identity when it was read. One entry per path. */
const crossAttentionCache = new Map<string, { signature: string; value: boolean }>();

/**
 * Whether the Whisper decoder at `decoderPath` has sherpa-onnx's `cross_attention_weights` output (added as the
 * 4th output by `scripts/whisper/export-onnx-with-attention.py`), which sherpa-onnx needs for token (word)
 * timestamps. Synchronous; reads only the file's interface (see {@link readOnnxInterface}).
 *
 * The answer is cached per absolute path and is reused while the file's size, mtime (ns) and inode are unchanged;
 * a replaced or rewritten file is read again. Errors are not cached.
 *
 * @throws Error naming the file when it is not an ONNX model, and the `fs` error when it cannot be read.
 */
export function hasCrossAttentionOutput(decoderPath: string, options: ReadOnnxOptions = {}): boolean {
  const path = resolve(decoderPath);
  // Stat before reading: if the file changes during the read, the next call sees a new signature and reads again.
  const stat = statSync(path, { bigint: true });
  const signature = `${stat.size}:${stat.mtimeNs}:${stat.ino}`;
  const cached = crossAttentionCache.get(path);
  if (cached?.signature === signature) return cached.value;
  const value = readOnnxInterface(path, options).outputs.includes(CROSS_ATTENTION_OUTPUT);
  crossAttentionCache.set(path, { signature, value });
  return value;
}
