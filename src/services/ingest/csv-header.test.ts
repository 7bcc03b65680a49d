import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvHeader } from './csv-header.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-csv-header-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `h${n++}.csv`);
  writeFileSync(path, content);
  return path;
}

describe('readCsvHeader', () => {
  it('reads XDM paths from the first line, trimmed', async () => {
    expect(await readCsvHeader(file(' person.name.firstName , _id,"a,b"\nAda,1,x\n'))).toEqual(['person.name.firstName', '_id', 'a,b']);
  });

  it('gives null for an empty file and for a first line with only blank names', async () => {
    expect(await readCsvHeader(file(''))).toBeNull();
    expect(await readCsvHeader(file('\nrow'))).toBeNull();
    expect(await readCsvHeader(file(' , ,\n1,2,3'))).toBeNull();
  });

  it('keeps a blank name among others (the caller decides about it)', async () => {
    expect(await readCsvHeader(file('a,,b'))).toEqual(['a', '', 'b']);
  });

  it('takes the delimiter, quote, escape and Latin-1 options', async () => {
    expect(await readCsvHeader(file("x|'y|z'"), { delimiter: '|', quote: "'" })).toEqual(['x', 'y|z']);
    expect(await readCsvHeader(file('"a\\"b";c'), { delimiter: ';', escape: '\\' })).toEqual(['a"b', 'c']);
    expect(await readCsvHeader(file(Buffer.from([0x63, 0x61, 0x66, 0xe9])), { latin1: true })).toEqual(['café']);
    expect(await readCsvHeader(file('\ufeffid,name'))).toEqual(['id', 'name']);
  });
});
