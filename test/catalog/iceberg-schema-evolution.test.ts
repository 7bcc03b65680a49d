/**
 * XDM's additive evolution becomes Iceberg schema evolution: a field added to a schema a dataset uses is a new
 * schema version of its table at the next batch, every earlier field keeping its id, and a reader sees the old
 * batch's rows with the new field empty.
 */
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IcebergStruct } from '../../src/lake/iceberg/schema.js';
import type { TableMetadata } from '../../src/lake/iceberg/table-metadata.js';
import { answerFileUrls } from '../support/file-fetch.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { BASE, PROFILE, createResource, enc } from '../schema-registry/support.js';
import { CATALOG, IMPORT, completeBatch, upload } from '../ingest/support.js';

describe('an XDM schema that grows, as Iceberg schema versions', () => {
  let t: TestPlatform;
  let restoreFetch: () => void;
  beforeAll(async () => {
    t = await startTestPlatform();
    await t.platform.startBackground({ scheduler: false });
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await t?.close();
  });

  it('adds a schema version with the new field and keeps every field id', async () => {
    const tenant = `_${t.credentials.tenantId}`;
    const group = await createResource(t, 'fieldgroups', {
      title: 'loyalty',
      'meta:intendedToExtend': [PROFILE],
      definitions: { custom: { properties: { [tenant]: { type: 'object', properties: { tier: { type: 'string' } } } } } },
      allOf: [{ $ref: '#/definitions/custom' }],
    });
    const schema = await createResource(t, 'schemas', { title: 'growing', allOf: [{ $ref: PROFILE }, { $ref: group.$id }] });
    const created = await t.call('POST', `${CATALOG}/dataSets`, { name: 'Growing', schemaRef: { id: schema.$id } });
    expect(created.statusCode, created.body).toBe(201);
    const datasetId = created.json()[0].split('/').pop() as string;

    const land = async (rows: unknown[]) => {
      const id = (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } })).json().id as string;
      await upload(t, 'PUT', `${IMPORT}/batches/${id}/datasets/${datasetId}/files/rows.json`, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
      expect((await completeBatch(t, id)).status).toBe('success');
    };
    const load = async () =>
      (
        await t.app.inject({
          method: 'GET',
          url: '/iceberg/v1/prod/namespaces/datasets/tables/growing',
          headers: { authorization: t.headers.authorization! },
        })
      ).json().metadata as TableMetadata;

    await land([{ _id: 'g-1', [tenant]: { tier: 'gold' } }]);
    const first = await load();
    expect(first.schemas).toHaveLength(1);

    const added = await t.call('PATCH', `${BASE}/tenant/fieldgroups/${enc(group.$id)}`, [
      { op: 'add', path: `/definitions/custom/properties/${tenant}/properties/level`, value: { type: 'integer' } },
    ]);
    expect(added.statusCode, added.body).toBe(200);
    await land([{ _id: 'g-2', [tenant]: { tier: 'silver', level: 3 } }]);
    const second = await load();

    expect(second.schemas.map((s) => s['schema-id'])).toEqual([0, 1]);
    expect(second['current-schema-id']).toBe(1);
    expect(second.snapshots.map((s) => s['schema-id'])).toEqual([0, 1]);
    const tenantOf = (struct: IcebergStruct) => struct.fields.find((f) => f.name === tenant)!;
    const before = tenantOf(second.schemas[0]!);
    const after = tenantOf(second.schemas[1]!);
    expect(after.id).toBe(before.id);
    const beforeFields = (before.type as IcebergStruct).fields;
    const afterFields = (after.type as IcebergStruct).fields;
    for (const field of beforeFields) expect(afterFields.find((f) => f.name === field.name)).toEqual(field);
    const level = afterFields.find((f) => f.name === 'level')!;
    expect(level.id).toBe(first['last-column-id'] + 1);
    expect(second['last-column-id']).toBe(level.id);
    expect(JSON.parse(second.properties['schema.name-mapping.default']!)).toEqual(
      expect.arrayContaining([expect.objectContaining({ 'field-id': after.id, names: [tenant] })]),
    );

    const rows = (await icebergRead({ tableUrl: second.location, metadata: second as never })) as Array<Record<string, any>>;
    const byId = Object.fromEntries(rows.map((r) => [r._id, r[tenant]]));
    expect(byId['g-1']).toMatchObject({ tier: 'gold' });
    expect(byId['g-1'].level ?? null).toBeNull();
    // XDM's integer is a long: icebird reads it as a bigint.
    expect(byId['g-2']).toMatchObject({ tier: 'silver', level: 3n });
  });
});
