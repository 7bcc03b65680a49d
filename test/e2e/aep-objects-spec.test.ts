/**
 * The main AEP objects as a flow leaves them — connections, flows, runs, datasets, batches, mapping sets — read
 * back and validated against Adobe's own spec copies (the spec folders of test/flow-service, test/catalog, test/data-prep): Flow Service, Catalog and Data Prep. Schemas
 * are covered by test/schema-registry/spec-conformance.test.ts, whose walk validates every registry answer.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, createFlow, FS, PEOPLE_CSV, runNow } from '../support/flow-journey.js';
import { type Erratum, OpenApiSpec } from '../support/openapi-spec.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const CATALOG = '/data/foundation/catalog';
const CONVERSION = '/data/foundation/conversion';

const spec = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const flowService = new OpenApiSpec(spec('../flow-service/spec/flow-service.yaml'), FS, [
  {
    path: ['components', 'schemas', 'FlowSpecItemDTO', 'properties', 'transformationSpecs'],
    replace: { type: 'array', items: { type: 'object' } },
    why: "typed one object; the tutorial's flow spec (and the spec's own example) has an array of them",
  },
]);
const catalog = new OpenApiSpec(spec('../catalog/spec/catalog.yaml'), CATALOG, [
  {
    path: ['components', 'schemas', 'relatedObjects', 'properties', 'type', 'enum'],
    replace: ['batch', 'dataSet', 'dataSetFile', 'dataSetView', 'transform', 'flowRun', 'flow'] as never,
    why: 'a batch a flow run writes names its run and its flow, as batches written by sources do; the enum predates sources',
  },
]);
// The schemas type Data Prep's times as date-time strings; the spec's own examples and the docs answer epoch
// milliseconds (1614901254724), as Tributary does.
const dataPrep = new OpenApiSpec(
  spec('../data-prep/spec/data-prep.yaml'),
  CONVERSION,
  ['SimpleRepresentation', 'SchemaRepresentation', 'MappingSet', 'MappingOperation']
    .flatMap<Erratum>((schema) =>
      ['createdDate', 'modifiedDate'].map((field) => ({
        path: ['components', 'schemas', schema, 'properties', field],
        replace: { type: 'integer', description: 'epoch milliseconds' },
        why: 'typed date-time; the examples and the docs answer epoch milliseconds',
      })),
    )
    .concat({
      path: ['paths', '/mappingSets/{MAPPING_SET_ID}/mappings', 'get', 'responses', '200', 'content', 'application/json', 'schema'],
      replace: { type: 'array', items: { $ref: '#/components/schemas/MappingOperation' } },
      why: '"Retrieve a list of mappings" is typed one mapping; the docs answer the list as an array of them',
    }),
);

describe("the main AEP objects conform to Adobe's specs", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ database: 'pglite' });
  });
  afterAll(async () => t?.close());

  it('connections, flows, runs, datasets, batches and mapping sets, read after a run', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tributary-aep-spec-'));
    writeFileSync(join(folder, 'people.csv'), PEOPLE_CSV);
    const connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: folder });
    const flow = await createFlow(t, { connectionId, specId: LOCAL, path: '/people.csv', title: 'spec objects' });
    const run = await runNow(t, flow.flowId);
    expect(run.metrics.statusSummary.status).toBe('success');

    const ok = async (checked: OpenApiSpec, url: string) => {
      const res = await checked.call(t, 'GET', url);
      expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
      return res.json();
    };
    // Flow Service.
    await ok(flowService, `${FS}/connections/${connectionId}`);
    await ok(flowService, `${FS}/connections`);
    const flowRead = await ok(flowService, `${FS}/flows/${flow.flowId}`);
    await ok(flowService, `${FS}/sourceConnections/${flowRead.items[0].sourceConnectionIds[0]}`);
    await ok(flowService, `${FS}/targetConnections/${flow.targetId}`);
    await ok(flowService, `${FS}/flows`);
    await ok(flowService, `${FS}/runs/${run.id}`);
    await ok(flowService, `${FS}/runs?property=flowId==${flow.flowId}`);
    // Catalog: the dataset and the batch the run wrote.
    await ok(catalog, `${CATALOG}/dataSets/${flow.dataSetId}`);
    await ok(catalog, `${CATALOG}/dataSets`);
    const batches = await ok(catalog, `${CATALOG}/batches?dataSet=${flow.dataSetId}`);
    const [batchId] = Object.keys(batches);
    expect(batchId).toBeTruthy();
    await ok(catalog, `${CATALOG}/batches/${batchId}`);
    // Data Prep.
    await ok(dataPrep, `${CONVERSION}/mappingSets/${flow.mappingId}`);
    await ok(dataPrep, `${CONVERSION}/mappingSets`);
    await ok(dataPrep, `${CONVERSION}/mappingSets/${flow.mappingId}/mappings`);

    // Each read was checked against a response body the spec models, not passed for want of one.
    expect([...flowService.validated].sort()).toEqual(
      [
        'GET /connections 200',
        'GET /connections/{BASE_CONNECTION_ID} 200',
        'GET /flows 200',
        'GET /flows/{FLOW_ID} 200',
        'GET /runs 200',
        'GET /runs/{RUN_ID} 200',
        'GET /sourceConnections/{SOURCE_CONNECTION_ID} 200',
        'GET /targetConnections/{TARGET_CONNECTION_ID} 200',
      ].sort(),
    );
    expect([...catalog.validated].sort()).toEqual(
      ['GET /batches 200', 'GET /batches/{BATCH_ID} 200', 'GET /dataSets 200', 'GET /dataSets/{DATASET_ID} 200'].sort(),
    );
    expect([...dataPrep.validated].sort()).toEqual(
      ['GET /mappingSets 200', 'GET /mappingSets/{MAPPING_SET_ID} 200', 'GET /mappingSets/{MAPPING_SET_ID}/mappings 200'].sort(),
    );
  });
});
