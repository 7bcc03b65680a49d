import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, schemaColumns, type FieldMapping } from '../../src/pipeline/index.js';
import { writtenFields } from '../../src/pipeline/schema/written-fields.js';
import { rootField, type XdmField } from '../../src/pipeline/schema/xdm-fields.js';
import { duckType } from '../../src/pipeline/write/duck-types.js';
import { runSandboxedSql } from '../../src/services/query/sandboxed-sql.js';
import { memoryFile, PROFILE_SCHEMA, query, targetSchema } from './support.js';

const attr = (source: string, destination: string, identity?: FieldMapping['identity']): FieldMapping => ({
  sourceType: 'ATTRIBUTE',
  source,
  destination,
  ...(identity ? { identity } : {}),
});

/** A field tree as plain data, to compare with toEqual. */
const shape = (field: XdmField): unknown =>
  field.kind === 'object' ? Object.fromEntries([...field.properties].map(([name, child]) => [name, shape(child)])) : duckType(field);

describe('a batch writes the fields its mapping fills', () => {
  const root = rootField(PROFILE_SCHEMA);

  it('keeps each destination whole and the objects on the way with only what is written below them', () => {
    const written = writtenFields(root, [
      attr('points', 'loyalty.points'),
      attr('first', 'person.name.firstName'),
      attr('mail', 'personalEmail', undefined),
      attr('tags', 'tags'),
      attr('nope', 'person.nickname'), // not in the schema: nothing to write
      attr('id', '_id', { namespaceCode: 'CRM', primary: true }),
    ]);
    expect(shape(written)).toEqual({
      _id: 'VARCHAR',
      person: { name: { firstName: 'VARCHAR' } },
      personalEmail: { address: 'VARCHAR' },
      loyalty: { points: 'INTEGER' },
      tags: 'VARCHAR[]',
      identityMap: 'MAP(VARCHAR, STRUCT("id" VARCHAR, "primary" BOOLEAN, "authenticatedState" VARCHAR)[])',
    });
    // In the schema's order, whatever the mappings' order.
    expect([...written.properties.keys()]).toEqual(['_id', 'person', 'personalEmail', 'loyalty', 'tags', 'identityMap']);
  });

  it('writes an object whole once any mapping names it, before or after its fields', () => {
    for (const mappings of [
      [attr('a', 'person.name.firstName'), attr('b', 'person.name')],
      [attr('b', 'person.name'), attr('a', 'person.name.firstName')],
    ]) {
      expect(shape(writtenFields(root, mappings))).toEqual({ person: { name: { firstName: 'VARCHAR', lastName: 'VARCHAR' } } });
    }
  });

  describe('through ingest and SQL', () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    async function land(csv: string, mappings: FieldMapping[], engineMode: 'auto' | 'javascript'): Promise<string> {
      const out = mkdtempSync(join(tmpdir(), 'written-'));
      dirs.push(out);
      const result = await ingest({
        files: [memoryFile('/in/p.csv', csv)],
        format: { format: 'delimited' },
        mappings,
        target: targetSchema(),
        outputDir: out,
        engineMode,
      });
      expect(result.failedRecordCount).toBe(0);
      return join(out, 'part-00000.parquet');
    }

    it('lands Parquet files of that shape on both paths, and SQL sees the whole schema over them', async () => {
      const names = await land('id,first\np-1,Ann\n', [attr('id', '_id'), attr('first', 'person.name.firstName')], 'auto');
      const emails = await land(
        'id,mail,points\np-2,bo@example.com,7\n',
        [attr('id', '_id'), attr('mail', 'personalEmail.address'), attr('points', 'loyalty.points')],
        'javascript',
      );
      const types = async (file: string) =>
        Object.fromEntries((await query(`DESCRIBE SELECT * FROM read_parquet('${file}')`)).map((r) => [r.column_name, r.column_type]));
      expect(await types(names)).toEqual({ _id: 'VARCHAR', person: 'STRUCT("name" STRUCT(firstName VARCHAR))' });
      expect(await types(emails)).toEqual({ _id: 'VARCHAR', personalEmail: 'STRUCT(address VARCHAR)', loyalty: 'STRUCT(points INTEGER)' });

      const limits = { maxRows: 100, timeoutMs: 10_000, memoryLimit: '256MB', threads: 1 };
      const columns = schemaColumns(PROFILE_SCHEMA);
      const table = { name: 'people', files: [names, emails], columns };
      const result = await runSandboxedSql(
        'SELECT _id, person.name.lastName AS last, person.name.firstName AS first, personalEmail.address AS mail, loyalty.points AS points, score FROM people ORDER BY _id',
        [table],
        limits,
      );
      expect(result.rows).toEqual([
        { _id: 'p-1', last: null, first: 'Ann', mail: null, points: null, score: null },
        { _id: 'p-2', last: null, first: null, mail: 'bo@example.com', points: 7, score: null },
      ]);
      // Every top-level field of the schema is a column, typed as the schema says.
      const all = await runSandboxedSql('SELECT * FROM people LIMIT 1', [table], limits);
      expect(all.columns).toEqual(columns.map((c) => ({ ...c, type: c.type.replaceAll('TIMESTAMPTZ', 'TIMESTAMP WITH TIME ZONE') })));
      // A dataset with no file yet is an empty table of the same columns.
      const empty = await runSandboxedSql('SELECT person.name.firstName AS first FROM people', [{ ...table, files: [] }], limits);
      expect(empty.rows).toEqual([]);
    });
  });
});
