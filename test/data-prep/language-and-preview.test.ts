import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_DEFS, ingest } from '../../src/pipeline/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createResource, targetSchemaBody } from '../schema-registry/support.js';
import { memoryFile, query } from '../pipeline/support.js';

const BASE = '/data/foundation/conversion';

describe('Data Prep: expression language, validation and preview', () => {
  let t: TestPlatform;
  let schemaId: string;
  const MAPPINGS = [
    { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
    { sourceType: 'EXPRESSION', source: 'concat(first, " ", last)', destination: 'person.name.fullName' },
    { sourceType: 'EXPRESSION', source: 'lower(email)', destination: 'personalEmail.address' },
    { sourceType: 'ATTRIBUTE', source: 'born', destination: 'person.birthDate' },
  ];
  const DATA = [
    { id: 'p-1', first: 'Ann', last: 'Lee', email: 'ANN@example.com', born: '1990-01-02' },
    { id: 'p-2', first: 'Bob', last: 'Ray', email: 'not an email', born: '1990-02-30' },
    { id: 'p-3', first: 'Cy', last: null, email: 'cy@example.com', born: '19900102' },
  ];
  beforeAll(async () => {
    t = await startTestPlatform();
    schemaId = (await createResource(t, 'schemas', targetSchemaBody)).$id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists every function and the operators in AEP's shape", async () => {
    const functions = (await t.call('GET', `${BASE}/languages/el/functions`)).json() as Array<Record<string, unknown>>;
    expect(functions).toHaveLength(FUNCTION_DEFS.length);
    expect(functions.find((f) => f.function === 'first')).toMatchObject({
      category: 'Hierarchies - Arrays',
      syntax: 'T first(T...)',
      returnType: 'java.lang.Object',
      since: 1,
      params: [expect.objectContaining({ name: 'values', position: 1 })],
    });
    const operators = (await t.call('GET', `${BASE}/languages/el/operators`)).json() as Array<Record<string, unknown>>;
    expect(operators).toContainEqual(expect.objectContaining({ operatorSymbol: '+', methodName: 'add', numberOfOperands: 2 }));
  });

  it('validates expressions', async () => {
    const ok = await t.call('POST', `${BASE}/languages/el/validate`, { expression: { expression: 'concat("Hi", ",", "there", "!")' } });
    expect([ok.statusCode, ok.json()]).toEqual([200, true]);
    const bad = await t.call('POST', `${BASE}/languages/el/validate`, { expression: 'concat("Hi"' });
    expect(bad.statusCode).toBe(400);
    const unknown = await t.call('POST', `${BASE}/languages/el/validate`, { expression: 'frobnicate(a)' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toMatch(/frobnicate/);
  });

  it('validates a mapping set, mapping by mapping', async () => {
    const res = await t.call('POST', `${BASE}/mappingSets/validate`, {
      outputSchema: { schemaRef: { id: schemaId } },
      mappings: [
        ...MAPPINGS,
        { sourceType: 'EXPRESSION', source: 'upper(', destination: 'person.name.lastName' },
        { sourceType: 'ATTRIBUTE', source: 'x', destination: 'no.such.field' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const verdicts = res.json().validationResponse as Array<{ status: string; errors: Array<{ destination: string }> | null }>;
    expect(verdicts.map((v) => v.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED', 'FAILED']);
    expect(verdicts[5]!.errors![0]).toMatchObject({ destination: 'no.such.field' });
  });

  it('previews sample rows with the same rows and errors as a run of the same records', async () => {
    const res = await t.call('POST', `${BASE}/mappingSets/preview`, {
      data: DATA,
      mappingSet: { outputSchema: { schemaRef: { id: schemaId } }, mappings: MAPPINGS },
    });
    expect(res.statusCode).toBe(200);
    const preview = res.json() as { data: Array<Record<string, unknown>>; errors: Array<{ row: number; code: string; destination: string | null }> };
    expect(preview.data.map((r) => r._id).sort()).toEqual(['p-1', 'p-3']);
    expect(preview.data.find((r) => r._id === 'p-1')).toEqual({
      _id: 'p-1',
      person: { name: { fullName: 'Ann Lee' }, birthDate: '1990-01-02' },
      personalEmail: { address: 'ann@example.com' },
    });
    // A value that cannot be converted fails the row before the schema is checked.
    expect(preview.errors.map((e) => [e.row, e.code, e.destination])).toEqual([[2, 'TYPE-3001', 'person.birthDate']]);

    // A run of the same records as a CSV file, through the pipeline: same rows, same errors.
    const scope = await t.platform.identity.authorize({
      bearer: t.token,
      apiKey: t.credentials.clientId,
      orgHeader: t.credentials.imsOrg,
      sandboxHeader: t.credentials.sandboxName,
    });
    const target = await t.platform.schemaRegistry.targetSchema(scope, schemaId);
    const out = mkdtempSync(join(tmpdir(), 'preview-run-'));
    try {
      const csv = 'id,first,last,email,born\n' + DATA.map((d) => [d.id, d.first, d.last ?? '', d.email, d.born].join(',')).join('\n') + '\n';
      const result = await ingest({
        files: [memoryFile('run.csv', csv)],
        format: { format: 'delimited' },
        mappings: MAPPINGS as never,
        target,
        outputDir: out,
      });
      expect(result.rowErrors.map((e) => [e.row, e.code, e.field ?? null])).toEqual(preview.errors.map((e) => [e.row, e.code, e.destination]));
      const rows = await query(
        `SELECT _id, person.name.fullName AS name, personalEmail.address AS email FROM read_parquet('${join(out, 'part-*.parquet')}') ORDER BY _id`,
      );
      expect(rows).toEqual(
        preview.data
          .map((r) => ({
            _id: r._id,
            name: (r.person as { name: { fullName: string } }).name.fullName,
            email: (r.personalEmail as { address: string }).address,
          }))
          .sort((a, b) => String(a._id).localeCompare(String(b._id))),
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('returns the resolved output schema with ?expandSchema=true', async () => {
    const created = (await t.call('POST', `${BASE}/mappingSets`, { outputSchema: { schemaRef: { id: schemaId } }, mappings: MAPPINGS })).json();
    const plain = (await t.call('GET', `${BASE}/mappingSets/${created.id}`)).json();
    expect(plain.outputSchema.jsonSchema).toBeUndefined();
    const expanded = (await t.call('GET', `${BASE}/mappingSets/${created.id}?expandSchema=true`)).json();
    expect(expanded.outputSchema.jsonSchema.properties.person.properties.name).toBeDefined();
  });
});
