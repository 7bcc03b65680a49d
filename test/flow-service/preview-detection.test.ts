import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, explore } from '../support/flow-journey.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';

/** Explore's preview of a delimited file, as a person first meets a file of theirs. */
describe('previewing delimited files', () => {
  let t: TestPlatform;
  let folder: string;
  let connectionId: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    folder = mkdtempSync(join(tmpdir(), 'tributary-preview-'));
    writeFileSync(join(folder, 'semicolons.csv'), 'id;name;price\n1;Ada;2,50\n2;Grace;3,00\n');
    writeFileSync(join(folder, 'tabs.tsv'), 'id\tname\n1\tAda, Countess\n');
    writeFileSync(join(folder, 'header-only.csv'), 'id,first_name,email\n');
    writeFileSync(
      join(folder, 'ragged.csv'),
      'id,name,email\n1,Ada,ada@example.com\n2,Grace\n3,Alan,alan@example.com,extra\n4,Edsger,e@example.com\n',
    );
    connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: folder });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const preview = (name: string, extra = '') =>
    explore(t, connectionId, `objectType=file&object=${encodeURIComponent(`/${name}`)}&fileType=delimited&preview=true${extra}`);
  const names = (body: { schema: { columns: Array<{ name: string }> } }) => body.schema.columns.map((c) => c.name);

  it('detects a semicolon or a tab, and says which it read the rows with', async () => {
    const semicolons = await preview('semicolons.csv');
    expect(semicolons.status, JSON.stringify(semicolons.body)).toBe(200);
    expect(names(semicolons.body)).toEqual(['id', 'name', 'price']);
    expect(semicolons.body.data[0]).toMatchObject({ name: 'Ada', price: '2,50' });
    expect(semicolons.body.properties).toEqual({ columnDelimiter: ';', detected: true });
    const tabs = await preview('tabs.tsv');
    expect(names(tabs.body)).toEqual(['id', 'name']);
    expect(tabs.body.data[0]).toMatchObject({ name: 'Ada, Countess' });
    expect(tabs.body.properties).toEqual({ columnDelimiter: '\t', detected: true });
  });

  it('reads with the delimiter the caller gives, even a wrong one', async () => {
    const given = await preview('semicolons.csv', '&columnDelimiter=%2C');
    expect(names(given.body)).toEqual(['id;name;price']);
    expect(given.body.properties).toEqual({ columnDelimiter: ',', detected: false });
  });

  it('shows the columns of a file that has a header and no rows', async () => {
    const empty = await preview('header-only.csv');
    expect(empty.status).toBe(200);
    expect(names(empty.body)).toEqual(['id', 'first_name', 'email']);
    expect(empty.body.data).toEqual([]);
  });

  it('shows the rows after a ragged line and lists the ragged lines with their row numbers', async () => {
    const ragged = await preview('ragged.csv');
    expect(ragged.status).toBe(200);
    expect(ragged.body.data.map((r: { id: string }) => r.id)).toEqual(['1', '4']);
    expect(ragged.body.invalidRows.map((r: { row: number; code: string }) => [r.row, r.code])).toEqual([
      [2, 'PARSE-1001'],
      [3, 'PARSE-1001'],
    ]);
    expect(ragged.body.invalidRows[0].message).toBe('row has 2 columns; the header has 3');
    const clean = await preview('semicolons.csv');
    expect(clean.body.invalidRows).toBeUndefined();
  });
});
