import { describe, expect, it } from 'vitest';
import type { SourceFormat } from '../contracts.js';
import { recordCutter } from './record-cutter.js';

/** Every record end the cutter finds, with the text fed in chunks of `size` bytes. */
function ends(text: string, format: SourceFormat, size: number, skipFirst = 0): number[] {
  const cutter = recordCutter(format)!;
  const bytes = Buffer.from(text);
  const found: number[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const chunk = bytes.subarray(at, at + size);
    let pos = 0;
    if (at === 0 && skipFirst > 0) {
      cutter.skip(chunk, 0, Math.min(skipFirst, chunk.length));
      pos = Math.min(skipFirst, chunk.length);
    }
    for (let end = cutter.next(chunk, pos); end >= 0; end = cutter.next(chunk, end)) found.push(at + end);
  }
  return found;
}

describe('recordCutter', () => {
  const csv = 'a,b\r\n1,"x\r\ny ""q"" \n"\r\n2,"""",z\r\n3,"a,b",\n';
  const recordEnds = [5, 23, 33, 42];

  it('finds delimited record ends outside quotes, whatever the chunking', () => {
    for (let size = 1; size <= csv.length; size++) expect(ends(csv, { format: 'delimited' }, size)).toEqual(recordEnds);
  });

  it('keeps track of quoting through skipped bytes', () => {
    // Skipping into the quoted newline of record 2 must not make its newline a record end.
    for (let skip = 6; skip < 23; skip++) expect(ends(csv, { format: 'delimited' }, 64, skip)).toEqual([23, 33, 42]);
  });

  it('honours a distinct escape character inside quotes', () => {
    const text = 'a,b\n1,"x\\"\ny"\n2,"\\\\"\n3,z\n';
    const format: SourceFormat = { format: 'delimited', escapeChar: '\\' };
    for (let size = 1; size <= text.length; size++) expect(ends(text, format, size)).toEqual([4, 14, 21, 25]);
    expect(ends(text, format, 64, 9)).toEqual([14, 21, 25]);
  });

  it('cuts JSON lines at every newline, and keeps formats that cannot be cut whole', () => {
    expect(ends('{"a":1}\r\n\n{"b":"x"}\n', { format: 'json' }, 3)).toEqual([9, 10, 20]);
    expect(recordCutter({ format: 'json', isMultiLineJson: true })).toBeNull();
    expect(recordCutter({ format: 'parquet' })).toBeNull();
    expect(recordCutter({ format: 'delimited', quoteChar: '«' })).toBeNull();
  });
});
