import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../src/pipeline/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createResource, targetSchemaBody, tutorialMappingSetBody } from '../schema-registry/support.js';
import { memoryFile, query } from './support.js';

/**
 * The seed's walk for this stage: the tutorial's mapping set (created through the API) applied
 * to a CSV, against the tutorial's profile target schema as the Schema Registry resolves it.
 */
describe('tutorial: CSV → profile schema through Data Prep mappings', () => {
  let t: TestPlatform;
  let out: string;
  beforeAll(async () => {
    t = await startTestPlatform();
    out = mkdtempSync(join(tmpdir(), 'pipeline-tutorial-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('lands the valid rows with nested columns and reports the invalid email', async () => {
    const schema = await createResource(t, 'schemas', targetSchemaBody);
    const created = await t.call('POST', '/data/foundation/conversion/mappingSets', tutorialMappingSetBody(schema.$id));
    expect(created.statusCode).toBe(200);
    const scope = await t.platform.identity.authorize({
      bearer: t.token,
      apiKey: t.credentials.clientId,
      orgHeader: t.credentials.imsOrg,
      sandboxHeader: t.credentials.sandboxName,
    });
    const { mappings } = await t.platform.dataPrep.getMappings(scope, created.json().id);
    const target = await t.platform.schemaRegistry.targetSchema(scope, schema.$id);

    const csv = 'id,first_name,last_name,email\n1,Ann,Lee,ann@example.com\n2,Bob,Ray,not an email\n3,Cy,Doe,cy@example.com\n';
    const result = await ingest({ files: [memoryFile('/acme/people.csv', csv)], format: { format: 'delimited' }, mappings, target, outputDir: out });
    expect([result.inputRecordCount, result.outputRecordCount, result.failedRecordCount]).toEqual([3, 2, 1]);
    expect(result.rowErrors).toEqual([expect.objectContaining({ row: 2, code: 'XDM-4001', field: 'personalEmail.address' })]);
    const rows = await query(
      `SELECT _id, person.name.firstName AS first, personalEmail.address AS email FROM read_parquet('${join(out, 'part-00000.parquet')}') ORDER BY _id`,
    );
    expect(rows).toEqual([
      { _id: '1', first: 'Ann', email: 'ann@example.com' },
      { _id: '3', first: 'Cy', email: 'cy@example.com' },
    ]);
  });
});
