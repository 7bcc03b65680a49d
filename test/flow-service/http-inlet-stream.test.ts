/**
 * An HTTP API inlet flow end to end: an inlet connection, a source connection that names no stream (the inlet is
 * its connection's only one) and a streaming flow; records posted to the inlet — XDM envelopes, raw JSON, a batch —
 * land in the dataset, counted by SQL exactly once, and the inlet's stored records are pruned once committed. Records posted before the flow exists are read too
 * (an inlet's flow starts at `earliest`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_INLET_SPEC_ID } from '../../src/connectors/streaming/http-inlet.spec.js';
import { FS } from '../support/flow-journey.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';
import { createStreamFlow, expectLanded, people, type StreamFlow } from '../support/stream-journey.js';
import { waitFor } from '../support/wait-for.js';

// A backlog smaller than all the posts of the test: the later posts are taken only if committed records are pruned.
const ENV = {
  TRIBUTARY_STREAM_BATCH_MS: '300',
  TRIBUTARY_STREAM_SCAN_MS: '200',
  TRIBUTARY_STREAM_LEASE_MS: '3000',
  TRIBUTARY_INLET_MAX_BACKLOG: '60',
};
const XED = 'application/vnd.adobe.xed-full+json;version=1';

describe.each<TestDatabase>(['pglite', 'postgres'])('HTTP inlet streaming flows (%s)', (database) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform({ database, env: ENV });
    t.platform.flowService.streams.start();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** A post as a client outside the platform sends it: no gateway headers (the inlet requires no token). */
  const post = (path: string, body: unknown) =>
    t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });

  const records = (prefix: string, from: number, count: number) =>
    people(prefix, from, count).map((b) => JSON.parse(b.toString('utf8')) as Record<string, unknown>);

  const envelope = (flow: StreamFlow, entity: Record<string, unknown>) => ({
    header: { schemaRef: { id: flow.schemaId, contentType: XED }, datasetId: flow.dataSetId, flowId: flow.flowId },
    body: { xdmMeta: { schemaRef: { id: flow.schemaId, contentType: XED } }, xdmEntity: entity },
  });

  const stored = async (inletId: string) =>
    Number((await t.platform.db.query<{ n: string }>('select count(*) as n from streaming_inlet_records where inlet_id = $1', [inletId]))[0]!.n);

  it('lands envelopes, raw records and a batch posted to the inlet exactly once, and prunes what is committed', async () => {
    const inlet = await t.call('POST', `${FS}/connections`, {
      name: 'web events',
      connectionSpec: { id: HTTP_INLET_SPEC_ID, version: '1.0' },
      auth: { specName: 'Streaming Connection', params: { sourceId: 'web', dataType: 'raw', name: 'web events' } },
    });
    expect(inlet.statusCode, inlet.body).toBe(201);
    const { id: connectionId, inletId } = inlet.json() as { id: string; inletId: string };
    // Posted before any flow reads the inlet: a 200 means the record is kept, so the flow starts at the oldest.
    for (const record of records('raw', 0, 10)) {
      const res = await post(`/collection/${inletId}`, record);
      expect(res.statusCode, res.body).toBe(200);
    }
    const flow = await createStreamFlow(t, { connectionId, connectionSpecId: HTTP_INLET_SPEC_ID, title: 'inlet web', params: { dataType: 'raw' } });
    for (const record of records('env', 0, 10)) {
      const res = await post(`/collection/${inletId}`, envelope(flow, record));
      expect(res.statusCode, res.body).toBe(200);
    }
    const batch = await post(`/collection/batch/${inletId}`, {
      messages: [...records('batch', 0, 15).map((r) => envelope(flow, r)), ...records('batch', 15, 15)],
    });
    expect(batch.statusCode, batch.body).toBe(207);
    expect(batch.json().responses.every((r: { status: number }) => r.status === 200)).toBe(true);
    await expectLanded(t, flow, 50);
    await waitFor(async () => (await stored(inletId)) === 0, { what: "the inlet's committed records to be pruned" });

    // 50 taken and pruned: 30 more fit a backlog of 60, and land once too.
    const more = await post(`/collection/batch/${inletId}`, { messages: records('more', 0, 30) });
    expect(more.statusCode, more.body).toBe(207);
    expect(more.json().responses.every((r: { status: number }) => r.status === 200)).toBe(true);
    await expectLanded(t, flow, 80);
    await waitFor(async () => (await stored(inletId)) === 0, { what: 'the later records to be pruned' });

    const runs = (await t.call('GET', `${FS}/runs?property=flowId==${flow.flowId}`)).json().items as any[];
    expect(runs).toHaveLength(1);
    expect(runs[0].metrics.recordSummary).toMatchObject({ inputRecordCount: 80, outputRecordCount: 80, failedRecordCount: 0 });
  });
});
