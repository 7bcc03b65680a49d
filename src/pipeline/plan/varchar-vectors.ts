import { isAscii } from 'node:buffer';
import duckdb from '@duckdb/node-bindings';

/**
 * Whole-chunk access to flat VARCHAR vectors for the plan's scalar functions, with a few native calls
 * per chunk rather than one or two per value (what @duckdb/node-api's vector classes do: a Buffer made
 * per string read, a string assigned per result, BigInt arithmetic per validity bit).
 *
 * A vector's data is one `duckdb_string_t` of 16 bytes per row: a little-endian u32 length, then either
 * the bytes themselves (up to 12, zero-padded) or a 4-byte prefix and an 8-byte pointer to them.
 */
const STRING_T = 16;
const INLINE_BYTES = 12;
const TWO_32 = 2 ** 32;
/**
 * Long strings whose bytes lie this close together are read as one span, gap included. The span stays
 * within memory pages holding a byte of one of its strings (no gap reaches across a whole page), so
 * every byte of it is readable; what lies in a gap is never looked at.
 */
const MAX_GAP = 4096;

const u32 = (bytes: Uint8Array, at: number) => (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;

/** Little-endian, as DuckDB's vectors are on every platform it ships for (Uint32Array writes in the host's order). */
function putU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Scratch space reused across chunks (every call runs on the JavaScript thread, one at a time). */
let longRows = new Int32Array(0);
let longPointers = new Float64Array(0);
let identity = new Int32Array(0);
const pointerCell = new ArrayBuffer(8);
const pointerBytes = new Uint8Array(pointerCell);

/**
 * The rows of a flat VARCHAR vector, as strings (null for NULL), into `out[0…rows)`. With `shared`, ASCII strings
 * may be slices of one string per span of the chunk, which V8 keeps whole while any slice lives: right for values
 * used within the call, not for values kept (pass false).
 */
export function readVarChars(vector: duckdb.Vector, rows: number, out: Array<string | null>, shared = true): void {
  if (rows === 0) return;
  const data = asBuffer(duckdb.vector_get_data(vector, rows * STRING_T));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const validity = duckdb.vector_get_validity(vector, Math.ceil(rows / 64) * 8) as Uint8Array | null;
  if (longRows.length < rows) {
    longRows = new Int32Array(rows);
    longPointers = new Float64Array(rows);
    identity = Int32Array.from({ length: rows }, (_, i) => i);
  }
  let longCount = 0;
  let ascending = true;
  let previous = 0;
  for (let row = 0; row < rows; row++) {
    if (validity && ((validity[row >> 3]! >> (row & 7)) & 1) === 0) {
      out[row] = null;
      continue;
    }
    const at = row * STRING_T;
    const length = view.getUint32(at, true);
    if (length <= INLINE_BYTES) {
      out[row] = length === 0 ? '' : data.toString('utf8', at + 4, at + 4 + length);
      continue;
    }
    const pointer = view.getUint32(at + 8, true) + view.getUint32(at + 12, true) * TWO_32;
    if (pointer < previous) ascending = false;
    previous = pointer;
    longRows[longCount] = row;
    longPointers[longCount] = pointer;
    longCount++;
  }
  if (longCount === 0) return;
  // Strings are mostly laid out in row order (one heap, or the reader's buffer): sorting is seldom needed.
  let order: ArrayLike<number>;
  if (ascending) order = identity;
  else {
    const indices = Array.from({ length: longCount }, (_, i) => i);
    indices.sort((a, b) => longPointers[a]! - longPointers[b]!);
    order = indices;
  }
  let i = 0;
  while (i < longCount) {
    const first = order[i]!;
    const start = longPointers[first]!;
    let end = start + view.getUint32(longRows[first]! * STRING_T, true);
    let j = i + 1;
    for (; j < longCount; j++) {
      const next = order[j]!;
      const pointer = longPointers[next]!;
      if (pointer - end >= MAX_GAP) break;
      const stop = pointer + view.getUint32(longRows[next]! * STRING_T, true);
      if (stop - start > 0x3fffffff) break;
      if (stop > end) end = stop;
    }
    const hi = Math.floor(start / TWO_32);
    putU32(pointerBytes, 0, start - hi * TWO_32);
    putU32(pointerBytes, 4, hi);
    const span = asBuffer(duckdb.get_data_from_pointer(pointerCell, 0, end - start));
    // ASCII (the common case): the span decoded once, each string a slice of it (V8 shares the characters);
    // bytes and characters then count alike. Otherwise each string is decoded on its own.
    const text = shared && isAscii(span) ? span.toString('latin1') : null;
    for (let k = i; k < j; k++) {
      const index = order[k]!;
      const row = longRows[index]!;
      const offset = longPointers[index]! - start;
      const length = view.getUint32(row * STRING_T, true);
      out[row] = text !== null ? text.slice(offset, offset + length) : span.toString('utf8', offset, offset + length);
    }
    i = j;
  }
}

/**
 * Writes `values[0…rows)` (null for NULL) into a flat VARCHAR output vector: the long strings' bytes go
 * into the vector's own string heap in one assignment (of their concatenation, to row 0), then every
 * row's `duckdb_string_t` — pointing into that block, or inlined — is copied in at once.
 */
export function writeVarChars(vector: duckdb.Vector, values: ReadonlyArray<string | null>, rows: number): void {
  if (rows === 0) return;
  let nulls = false;
  for (let row = 0; row < rows; row++) if (values[row] == null) nulls = true;
  // join() writes null as nothing.
  const joined = values.length === rows ? values.join('') : values.slice(0, rows).join('');
  const block = Buffer.from(joined, 'utf8');
  const ascii = block.length === joined.length;
  const strings = new Uint8Array(rows * STRING_T);
  const words = new Uint32Array(strings.buffer);
  const offsets = new Float64Array(rows);
  let offset = 0;
  let anyLong = false;
  for (let row = 0; row < rows; row++) {
    const value = values[row];
    offsets[row] = offset;
    if (value === null || value === undefined) continue;
    const length = ascii ? value.length : Buffer.byteLength(value, 'utf8');
    words[row * 4] = length;
    if (length > INLINE_BYTES) anyLong = true;
    else for (let b = 0; b < length; b++) strings[row * STRING_T + 4 + b] = block[offset + b]!;
    offset += length;
  }
  if (anyLong) {
    duckdb.vector_assign_string_element_len(vector, 0, block);
    const head = duckdb.vector_get_data(vector, STRING_T);
    const base = u32(head, 8) + u32(head, 12) * TWO_32;
    const blockView = new DataView(block.buffer, block.byteOffset, block.byteLength);
    for (let row = 0; row < rows; row++) {
      if (words[row * 4]! <= INLINE_BYTES) continue;
      const start = offsets[row]!;
      // The prefix: the string's first four bytes, as they lie in memory.
      words[row * 4 + 1] = blockView.getUint32(start, true);
      const pointer = base + start;
      const hi = Math.floor(pointer / TWO_32);
      words[row * 4 + 2] = pointer - hi * TWO_32;
      words[row * 4 + 3] = hi;
    }
  }
  duckdb.copy_data_to_vector(vector, 0, strings.buffer, 0, strings.byteLength);
  const maskBytes = Math.ceil(rows / 64) * 8;
  // A mask left from an earlier chunk is rewritten whole; without one, every row is valid already.
  if (nulls || duckdb.vector_get_validity(vector, maskBytes)) {
    const mask = new Uint8Array(maskBytes).fill(0xff);
    for (let row = 0; row < rows; row++) if (values[row] == null) mask[row >> 3]! &= ~(1 << (row & 7));
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, maskBytes);
  }
}
