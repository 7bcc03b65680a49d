import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordStream } from '../../src/connectors/index.js';
import { InletLog, httpInletSource } from '../../src/services/streaming-inlet/index.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';

const FS = '/data/foundation/flowservice';
const HTTP_API = 'bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb';
const SCHEMA = 'https://ns.adobe.com/tenant/schemas/0123456789abcdef';

const envelope = (entity: Record<string, unknown>) => ({
  header: {
    schemaRef: { id: SCHEMA, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
    datasetId: '5da9452f7de80400007jc52a',
    flowId: 'f',
  },
  body: { xdmMeta: { schemaRef: { id: SCHEMA, contentType: 'application/vnd.adobe.xed-full+json;version=1' } }, xdmEntity: entity },
});

// Records are stored in the database before the answer, and read in sequence order under concurrent posts: both backends.
describe.each(['pglite', 'postgres'] as TestDatabase[])('HTTP API streaming inlet on %s', (database) => {
  let t: TestPlatform;
  const streams: RecordStream[] = [];

  beforeAll(async () => {
    t = await startTestPlatform({ database, env: { TRIBUTARY_INLET_MAX_BACKLOG: '50' } });
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled(streams.map((s) => s.close()));
    await t?.close();
  });

  async function createInlet(params: Record<string, unknown> = {}) {
    const res = await t.call('POST', `${FS}/connections`, {
      name: 'web events',
      connectionSpec: { id: HTTP_API, version: '1.0' },
      auth: { specName: 'Streaming Connection', params: { sourceId: 'web', dataType: 'xdm', name: 'web events', ...params } },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; etag: string; inletId: string; inletUrl: string };
  }

  /** A post as a client outside the platform sends it: no gateway headers unless given. */
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

  function open(inletId: string): RecordStream {
    // As the composition root builds it: the inlet source over the platform's store.
    const stream = httpInletSource(new InletLog(t.platform.db)).open!({ inletId });
    streams.push(stream);
    return stream;
  }

  const storedRows = (inletId: string) =>
    t.platform.db.query<{ sequence: string; payload: string; header: unknown }>(
      'select sequence, payload, header from streaming_inlet_records where inlet_id = $1 order by sequence',
      [inletId],
    );

  it('creates an inlet with its id and URL, shown again on GET', async () => {
    const created = await createInlet();
    expect(created.inletId).toMatch(/^[0-9a-f]{64}$/);
    expect(created.inletUrl).toMatch(new RegExp(`^http://[^/]+/collection/${created.inletId}$`));
    const got = await t.call('GET', `${FS}/connections/${created.id}`);
    const params = got.json().items[0].auth.params;
    expect(params).toMatchObject({ inletId: created.inletId, inletUrl: created.inletUrl, dataType: 'xdm', sourceId: 'web' });
    // The inlet id is the platform's: a patch cannot move it.
    const patched = await t.call(
      'PATCH',
      `${FS}/connections/${created.id}`,
      [{ op: 'replace', path: '/auth/params/inletId', value: 'f'.repeat(64) }],
      { 'if-match': created.etag, 'content-type': 'application/json-patch+json' },
    );
    expect(patched.statusCode, patched.body).toBe(200);
    const again = await t.call('GET', `${FS}/connections/${created.id}`);
    expect(again.json().items[0].auth.params.inletId).toBe(created.inletId);
  });

  it('takes an XDM envelope and raw JSON, stored before the answer, without a token when none is required', async () => {
    const { inletId } = await createInlet();
    const xdm = await post(`/collection/${inletId}`, envelope({ _id: 'e1', person: { name: 'Jane' } }));
    expect(xdm.statusCode, xdm.body).toBe(200);
    const answer = xdm.json();
    expect(answer.inletId).toBe(inletId);
    expect(answer.xactionId).toMatch(/^\d+:/);
    expect(Math.abs(answer.receivedTimeMs - Date.now())).toBeLessThan(600_000);
    const raw = await post(`/collection/${inletId}`, { id: 'r1', amount: 3.5 });
    expect(raw.statusCode, raw.body).toBe(200);

    const rows = await storedRows(inletId);
    expect(rows.map((r) => [Number(r.sequence), JSON.parse(r.payload)])).toEqual([
      [1, { _id: 'e1', person: { name: 'Jane' } }],
      [2, { id: 'r1', amount: 3.5 }],
    ]);
    expect(rows[0]!.header).toMatchObject({ schemaRef: { id: SCHEMA }, datasetId: '5da9452f7de80400007jc52a' });
    expect(rows[1]!.header).toBeNull();
  });

  it('refuses what is not a message, a half envelope, a message over 1 MB, and an unknown inlet', async () => {
    const { inletId } = await createInlet();
    expect((await post(`/collection/${inletId}`, [1, 2])).statusCode).toBe(400);
    const half = await post(`/collection/${inletId}`, { header: { datasetId: 'd' }, body: { xdmEntity: {} } });
    expect(half.statusCode).toBe(400);
    expect(half.json().title ?? half.json().detail ?? half.body).toBeTruthy();
    const big = await post(`/collection/${inletId}`, { blob: 'x'.repeat(1024 * 1024 + 10) });
    expect(big.statusCode, big.body).toBe(413);
    expect((await post(`/collection/${'0'.repeat(64)}`, { a: 1 })).statusCode).toBe(404);
    expect(await storedRows(inletId)).toEqual([]);
  });

  it('answers a batch with 207 and a status per message, storing the good ones in order', async () => {
    const { inletId } = await createInlet();
    const res = await post(`/collection/batch/${inletId}`, {
      messages: [envelope({ n: 1 }), 'not an object', { blob: 'y'.repeat(1024 * 1024 + 1) }, { n: 2 }],
    });
    expect(res.statusCode, res.body).toBe(207);
    const body = res.json();
    expect(body.inletId).toBe(inletId);
    expect(typeof body.batchId).toBe('string');
    expect(body.responses.map((r: { status: number }) => r.status)).toEqual([200, 400, 413, 200]);
    expect(body.responses[0].xactionId).toMatch(/^\d+:/);
    expect(body.responses[1].xactionId).toBeUndefined();
    expect(body.responses[1].message).toMatch(/messages\[1\]/);
    expect((await storedRows(inletId)).map((r) => JSON.parse(r.payload))).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await post(`/collection/batch/${inletId}`, { messages: [] })).statusCode).toBe(400);
  });

  it('requires a token of its org when the connection says so, and follows a patch of that', async () => {
    const created = await createInlet({ authenticationRequired: true });
    const { inletId } = created;
    const anonymous = await post(`/collection/${inletId}`, { a: 1 });
    expect(anonymous.statusCode).toBe(401);
    const bad = await post(`/collection/${inletId}`, { a: 1 }, { authorization: 'Bearer not-a-token', 'x-sandbox-name': t.credentials.sandboxName });
    expect(bad.statusCode).toBe(401);
    const authed = await post(`/collection/${inletId}`, { a: 2 }, t.headers);
    expect(authed.statusCode, authed.body).toBe(200);
    // A good token of another org is not one of this inlet's.
    const other = await t.platform.identity.bootstrap();
    const issued = await t.app.inject({
      method: 'POST',
      url: '/ims/token/v3',
      payload: `grant_type=client_credentials&client_id=${other.clientId}&client_secret=${encodeURIComponent(other.clientSecret)}&scope=openid`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const foreign = await post(
      `/collection/${inletId}`,
      { a: 'foreign' },
      {
        authorization: `Bearer ${issued.json().access_token}`,
        'x-api-key': other.clientId,
        'x-gw-ims-org-id': other.imsOrg,
        'x-sandbox-name': other.sandboxName,
      },
    );
    expect(foreign.statusCode, foreign.body).toBe(403);
    expect((await storedRows(inletId)).map((r) => JSON.parse(r.payload))).toEqual([{ a: 2 }]);

    const patched = await t.call(
      'PATCH',
      `${FS}/connections/${created.id}`,
      [{ op: 'replace', path: '/auth/params/authenticationRequired', value: false }],
      { 'if-match': created.etag, 'content-type': 'application/json-patch+json' },
    );
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await post(`/collection/${inletId}`, { a: 3 })).statusCode).toBe(200);
  });

  it('is a record stream: one partition, read in order from a checkpoint, waiting for what comes', async () => {
    const { inletId } = await createInlet();
    for (let n = 1; n <= 5; n++) expect((await post(`/collection/${inletId}`, { n })).statusCode).toBe(200);
    const stream = open(inletId);
    await stream.check();
    expect(await stream.listStreams()).toEqual([inletId]);
    expect(await stream.partitions(inletId)).toEqual([{ id: '0', parents: [], closed: false }]);

    const first = await stream.read(inletId, '0', { start: 'earliest' }, { maxRecords: 2, waitMs: 0 });
    expect(first.records.map((r) => JSON.parse(r.data.toString()))).toEqual([{ n: 1 }, { n: 2 }]);
    expect(first.checkpoint).toBe('2');
    expect(first.drained).toBe(false);
    const rest = await stream.read(inletId, '0', { checkpoint: first.checkpoint }, { maxRecords: 10, waitMs: 0 });
    expect(rest.records.map((r) => JSON.parse(r.data.toString()))).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    expect(rest.checkpoint).toBe('5');

    const latest = await stream.read(inletId, '0', { start: 'latest' }, { maxRecords: 10, waitMs: 0 });
    expect(latest).toMatchObject({ records: [], checkpoint: '5' });
    // A read waits for the next post (up to its waitMs), and returns as soon as it is stored.
    const waiting = stream.read(inletId, '0', { checkpoint: latest.checkpoint }, { maxRecords: 10, waitMs: 60_000 });
    expect((await post(`/collection/${inletId}`, { n: 6 })).statusCode).toBe(200);
    const arrived = await waiting;
    expect(arrived.records.map((r) => JSON.parse(r.data.toString()))).toEqual([{ n: 6 }]);
    expect(arrived.checkpoint).toBe('6');

    // What a committed checkpoint covers is deleted; reading on from it is unaffected.
    await stream.acknowledge!(inletId, '0', '5');
    expect((await storedRows(inletId)).map((r) => Number(r.sequence))).toEqual([6]);
    const after = await stream.read(inletId, '0', { checkpoint: '5' }, { maxRecords: 10, waitMs: 0 });
    expect(after.records.map((r) => JSON.parse(r.data.toString()))).toEqual([{ n: 6 }]);
    await expect(stream.partitions('another-inlet')).rejects.toMatchObject({ failure: 'not_found' });
  });

  it('pushes back with 429 past its backlog, until the stream has consumed and committed', async () => {
    const { inletId } = await createInlet();
    const batch = (from: number, count: number) => ({ messages: Array.from({ length: count }, (_, i) => ({ n: from + i })) });
    expect((await post(`/collection/batch/${inletId}`, batch(1, 50))).statusCode).toBe(207);
    const full = await post(`/collection/${inletId}`, { n: 51 });
    expect(full.statusCode, full.body).toBe(429);
    expect((await post(`/collection/batch/${inletId}`, batch(51, 1))).statusCode).toBe(429);
    expect((await storedRows(inletId)).length).toBe(50);

    const stream = open(inletId);
    const read = await stream.read(inletId, '0', { start: 'earliest' }, { maxRecords: 20, waitMs: 0 });
    // Read but not committed: still the backlog.
    expect((await post(`/collection/${inletId}`, { n: 51 })).statusCode).toBe(429);
    await stream.acknowledge!(inletId, '0', read.checkpoint);
    expect((await post(`/collection/${inletId}`, { n: 51 })).statusCode).toBe(200);
  });

  it('hands every record of concurrent posts to the stream exactly once, in sequence order', async () => {
    const { inletId } = await createInlet();
    const stream = open(inletId);
    const total = 45; // under the backlog limit of 50
    const seen: number[] = [];
    let checkpoint = '0';
    let reading = true;
    const reader = (async () => {
      // Reads alongside the posts, as a runner would: nothing below a checkpoint may appear later.
      while (reading || seen.length < total) {
        const read = await stream.read(inletId, '0', { checkpoint }, { maxRecords: 7, waitMs: 200 });
        seen.push(...read.records.map((r) => (JSON.parse(r.data.toString()) as { n: number }).n));
        expect(Number(read.checkpoint)).toBeGreaterThanOrEqual(Number(checkpoint));
        checkpoint = read.checkpoint;
        if (!reading && read.records.length === 0 && seen.length < total) break;
      }
    })();
    const posts = await Promise.all(
      Array.from({ length: total }, (_, n) =>
        n % 3 === 0 ? post(`/collection/batch/${inletId}`, { messages: [{ n }] }) : post(`/collection/${inletId}`, { n }),
      ),
    );
    reading = false;
    await reader;
    expect(posts.map((p) => p.statusCode).filter((s) => s !== 200 && s !== 207)).toEqual([]);
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, n) => n));
    expect(new Set(seen).size).toBe(total);
    const sequences = (await storedRows(inletId)).map((r) => Number(r.sequence));
    expect(sequences).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });
});
