import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileFailure } from '../errors.js';
import { delimitedSource, toRecord } from './delimited.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-delimited-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NO_NULL = "'\u0001\u0002tributary-no-null\u0002\u0001'";

describe('toRecord', () => {
  const names = ['id', 'name', 'city'];

  it('names the fields by the header, an empty field being no value', () => {
    expect(toRecord(['1', 'Ada', '', null], names, 1)).toEqual({ row: 1, values: { id: '1', name: 'Ada', city: null } });
    expect(toRecord(['', '', '', null], names, 7)).toEqual({ row: 7, values: { id: null, name: null, city: null } });
  });

  it('fails a short row with PARSE-1001, counting the fields it had', () => {
    expect(toRecord(['1', null, null, null], names, 2)).toEqual({
      row: 2,
      values: null,
      error: { code: 'PARSE-1001', message: 'row has 1 columns; the header has 3' },
    });
    expect(toRecord(['1', '2', null, null], names, 3).error?.message).toBe('row has 2 columns; the header has 3');
  });

  it('fails a long row (the catch-all column is filled), even with an empty extra field', () => {
    expect(toRecord(['1', '2', '3', '4'], names, 4).error).toEqual({ code: 'PARSE-1001', message: 'row has more than 3 columns; the header has 3' });
    expect(toRecord(['1', '2', '3', ''], names, 5).error?.message).toBe('row has more than 3 columns; the header has 3');
  });

  it('keeps Unicode and spaces in values as they are', () => {
    expect(toRecord([' é ', '😀', '名前', null], names, 1).values).toEqual({ id: ' é ', name: '😀', city: '名前' });
  });
});

describe('delimitedSource', () => {
  function csv(content: string): string {
    const path = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(path, content);
    return path;
  }

  it('asks DuckDB for one VARCHAR column more than the header has, and skips the header for data', async () => {
    const path = csv('a,b\n1,2\n');
    const options =
      "header = false, auto_detect = false, columns = {'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR'},\n" +
      "      delim = ',', quote = '\"', escape = '\"',\n" +
      `      null_padding = true, strict_mode = false, nullstr = ${NO_NULL},\n` +
      // DuckDB's line limit is the record limit (8 MiB by default), its buffer big enough for such a line.
      '      max_line_size = 8388608, buffer_size = 33554432';
    const layout = { path, delimiter: ',', quote: '"', escapeChar: '"', skip: 1, width: 2, maxRecordBytes: 8388608 };
    const reading = { names: ['a', 'b'], skip: 1, layout, maxRecordBytes: 8388608 };
    expect(await delimitedSource(path, { format: 'delimited' })).toEqual({
      sql: `read_csv('${path}', ${options})`,
      dataSql: `read_csv('${path}', ${options}, skip = 1)`,
      ...reading,
      // For files the parallel reader refuses: the same reading on one thread.
      sequential: {
        sql: `read_csv('${path}', ${options}, parallel = false)`,
        dataSql: `read_csv('${path}', ${options}, parallel = false, skip = 1)`,
        ...reading,
        sequential: null,
      },
    });
  });

  it('names columns by position without a header, and passes the delimiter, quote and escape through', async () => {
    const source = await delimitedSource(csv("x;'y;z'\n"), {
      format: 'delimited',
      header: false,
      columnDelimiter: ';',
      quoteChar: "'",
      escapeChar: '\\',
    });
    expect(source?.names).toEqual(['_c0', '_c1']);
    expect(source?.skip).toBe(0);
    expect(source?.sql).toContain("delim = ';', quote = '''', escape = '\\'");
    expect(source?.dataSql.endsWith(', skip = 0)')).toBe(true);
  });

  it('gives null for an empty file', async () => {
    expect(await delimitedSource(csv(''), { format: 'delimited' })).toBeNull();
  });

  it('refuses a delimiter, quote or escape that is not one character (FILE-5006)', async () => {
    const path = csv('a\n');
    for (const [format, message] of [
      [{ columnDelimiter: '||' }, 'columnDelimiter must be one character of the Basic Multilingual Plane, got "||"'],
      [{ columnDelimiter: '' }, 'columnDelimiter must be one character of the Basic Multilingual Plane, got ""'],
      [{ quoteChar: '""' }, 'quoteChar must be one character of the Basic Multilingual Plane, got "\\"\\""'],
      [{ escapeChar: 'ab' }, 'escapeChar must be one character of the Basic Multilingual Plane, got "ab"'],
    ] as const) {
      const error = await delimitedSource(path, { format: 'delimited', ...format }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FileFailure);
      expect([(error as FileFailure).code, (error as FileFailure).message]).toEqual(['FILE-5006', message]);
    }
    expect((await delimitedSource(csv('a§b\n'), { format: 'delimited', columnDelimiter: '§' }))?.names).toEqual(['a', 'b']);
  });

  // The header reader compares UTF-16 units: a delimiter outside the BMP would read the header as one
  // column while DuckDB split the rows, so it is refused up front.
  it('refuses a delimiter outside the Basic Multilingual Plane rather than misreading the header', async () => {
    await expect(delimitedSource(csv('a😀b\n'), { format: 'delimited', columnDelimiter: '😀' })).rejects.toThrow(/Basic Multilingual Plane/);
  });
});
