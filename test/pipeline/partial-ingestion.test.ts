import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgePartialIngestion, partialIngestionPercent } from '../../src/pipeline/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const FS = '/data/foundation/flowservice';
const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const HOUR_AGO = (Date.now() - 3600_000) / 1000;

describe('partial ingestion threshold', () => {
  it('reads the Catalog tag and judges the failed share', () => {
    expect(partialIngestionPercent({ acp_partialIngestionPercent: ['10'] })).toBe(10);
    expect(partialIngestionPercent({ acp_partialIngestionPercent: ['lots'] })).toBeUndefined();
    expect(partialIngestionPercent(undefined)).toBeUndefined();
    expect(judgePartialIngestion(10, 100, 10)).toMatchObject({ exceeded: false, failedPercent: 10 });
    expect(judgePartialIngestion(10, 100, 11)).toMatchObject({ exceeded: true });
  });
});

/** A dataset tagged acp_partialIngestionPercent = 30: a run under the threshold lands, one over it fails whole. */
describe('partial ingestion through a flow run', () => {
  let t: TestPlatform;
  let folder: string;
  let flowId: string;
  let dataSetId: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    folder = mkdtempSync(join(tmpdir(), 'tributary-partial-'));
    const conn = (await t.call('POST', `${FS}/connections`, { name: 'local', auth: { specName: 'Local Folder', params: { path: folder } }, connectionSpec: { id: LOCAL } })).json();
    const source = (await t.call('POST', `${FS}/sourceConnections`, { name: 'csv', baseConnectionId: conn.id, data: { format: 'delimited' }, params: { path: '/*.csv' }, connectionSpec: { id: LOCAL, version: '1.0' } })).json();
    const schema = (
      await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
        type: 'object',
        title: 'people',
        allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/profile' }, { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' }],
      })
    ).json();
    const dataset = await t.call('POST', '/data/foundation/catalog/dataSets', {
      name: 'people',
      schemaRef: { id: schema.$id, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
      tags: { acp_partialIngestionPercent: ['30'] },
    });
    expect(dataset.statusCode, dataset.body).toBe(201);
    dataSetId = dataset.json()[0].split('/').pop();
    const target = (
      await t.call('POST', `${FS}/targetConnections`, {
        name: 'lake',
        data: { schema: { id: schema.$id, version: 'application/vnd.adobe.xed-full+json;version=1' } },
        params: { dataSetId },
        connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
      })
    ).json();
    const mapping = (
      await t.call('POST', '/data/foundation/conversion/mappingSets', {
        xdmSchema: schema.$id,
        mappings: [
          { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
          { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address' },
        ],
      })
    ).json();
    const flow = await t.call('POST', `${FS}/flows`, {
      name: 'partial',
      flowSpec: { id: '9753525b-82c7-4dce-8a9b-5ccfce2b9876', version: '1.0' },
      sourceConnectionIds: [source.id],
      targetConnectionIds: [target.id],
      transformations: [{ name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: 0 } }],
      scheduleParams: { startTime: Math.floor(HOUR_AGO), frequency: 'minute', interval: 15 },
    });
    expect(flow.statusCode, flow.body).toBe(201);
    flowId = flow.json().id;
  });

  afterAll(async () => {
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  function writeCsv(name: string, good: number, bad: number): void {
    const rows = [...Array.from({ length: good }, (_, i) => `${name}-${i},p${i}@example.com`), ...Array.from({ length: bad }, (_, i) => `${name}-bad-${i},not an email`)];
    const file = join(folder, `${name}.csv`);
    writeFileSync(file, ['id,email', ...rows].join('\n'));
    utimesSync(file, HOUR_AGO, HOUR_AGO);
  }

  async function nextRun(): Promise<Record<string, any>> {
    await t.platform.db.query("update flows set next_run_at = now() - interval '1 second' where id = $1", [flowId]);
    expect(await t.platform.scheduler.tick(Date.now())).toBe(1);
    const runs = (await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items;
    const pending = runs.find((r: any) => r.metrics.statusSummary.status === 'pending');
    await t.platform.flowService.executor.execute(pending.id);
    return (await t.call('GET', `${FS}/runs/${pending.id}`)).json().items[0];
  }

  it('lands a batch whose failed share is under the threshold, and fails whole one above it', async () => {
    writeCsv('under', 8, 2);
    const under = await nextRun();
    expect(under.metrics.statusSummary.status, JSON.stringify(under)).toBe('success');
    expect(under.metrics.recordSummary).toMatchObject({ inputRecordCount: 10, outputRecordCount: 8, failedRecordCount: 2 });
    const landed = (await t.call('GET', `/data/foundation/catalog/batches/${under.batchId}`)).json()[under.batchId];
    expect(landed.status).toBe('success');

    writeCsv('over', 5, 5);
    const over = await nextRun();
    expect(over.metrics.statusSummary.status).toBe('failed');
    expect(over.metrics.statusSummary.errors).toContainEqual(expect.objectContaining({ code: 'FLOW-RUN-3002' }));
    expect(over.metrics.recordSummary).toMatchObject({ inputRecordCount: 10, outputRecordCount: 0, failedRecordCount: 10 });
    const failed = (await t.call('GET', `/data/foundation/catalog/batches/${over.batchId}`)).json()[over.batchId];
    expect(failed.status).toBe('failed');
    const errors = await t.call('GET', `/data/foundation/export/batches/${over.batchId}/meta?path=row_errors`);
    expect(errors.statusCode).toBe(200);
  });
});
