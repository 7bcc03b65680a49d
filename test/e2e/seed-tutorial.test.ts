/**
 * The seed tutorial, end to end, as a user runs it: `npm start` in a fresh home, the credentials it
 * writes, a token, then the tutorial's calls in order with its own request bodies (ids taken from
 * the responses), against a CSV in an s3rver bucket and in a local folder. The landed Parquet is read
 * back with DuckDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { adhocClassBody, targetSchemaBody, tutorialMappingSetBody } from '../schema-registry/support.js';
import { startServer, type Server } from '../ui/server.js';

const CSV = [
  'id,first_name,last_name,email',
  'p-1,Ada,Lovelace,ada@example.com',
  'p-2,Grace,Hopper,grace@example.com',
  'p-3,Broken,Row,this-is-not-an-email',
  'p-4,Alan,Turing,alan@example.com',
].join('\n');

const E2E_SECRET = 'e2e-s3-secret-that-must-never-be-returned';

/** A small client that speaks like the tutorial's curl commands. */
function client(base: string, headers: Record<string, string>) {
  return async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...extra },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, json: json as any, text };
  };
}

async function readParquet(bytes: Buffer): Promise<Array<Record<string, unknown>>> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-e2e-parquet-'));
  const file = join(dir, 'out.parquet');
  writeFileSync(file, bytes);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(
    `select _id, person.name.firstName as first, person.name.lastName as last, personalEmail.address as email from read_parquet('${file}') order by _id`,
  );
  const rows = reader.getRowObjectsJson() as Array<Record<string, unknown>>;
  connection.closeSync();
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

describe('the seed tutorial against `npm start`', () => {
  let server: Server;
  let s3: S3rverHandle;
  let call: ReturnType<typeof client>;
  let headers: Record<string, string>;
  let credentials: { imsOrg: string; tenantId: string; sandboxName: string; clientId: string; clientSecret: string };
  let folder: string;

  beforeAll(async () => {
    // The default Local Folder root, as `npm start` has it: the README's tutorial copies its file into it.
    [server, s3] = await Promise.all([startServer({ env: { TRIBUTARY_LOCAL_ROOTS: '' } }), startS3rver()]);
    const file = join(server.home, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    credentials = JSON.parse(readFileSync(file, 'utf8'));
    const token = await fetch(`${server.base}/ims/token/v3`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        scope: 'openid,AdobeID',
      }),
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    headers = {
      Authorization: `Bearer ${token.access_token}`,
      'x-api-key': credentials.clientId,
      'x-gw-ims-org-id': credentials.imsOrg,
      'x-sandbox-name': credentials.sandboxName,
    };
    call = client(server.base, headers);

    await s3.createBuckets('acme');
    const s3client = s3.client();
    await s3client.send(new PutObjectCommand({ Bucket: 'acme', Key: 'backfil/data8.csv', Body: CSV }));
    s3client.destroy();

    folder = join(server.home, 'landing');
    mkdirSync(join(folder, 'backfil'));
    writeFileSync(join(folder, 'backfil', 'data8.csv'), CSV);
  }, 120_000);

  afterAll(async () => {
    if (server) await server.launched.stop();
    await s3?.stop();
    if (server) rmSync(server.home, { recursive: true, force: true });
  });

  const sources = [
    {
      label: 'Amazon S3 (s3rver)',
      connection: () => ({
        name: 'S3 connection for the tutorial',
        description: 'Base connection to an s3rver bucket',
        // s3rver checks the access key but not the secret: a distinct secret shows that it never comes back.
        auth: { specName: 'Access Key', params: { s3AccessKey: s3.accessKeyId, s3SecretKey: E2E_SECRET, serviceUrl: s3.endpoint } },
        connectionSpec: { id: 'ecadc60c-7455-4d87-84dc-2a0e293d997b', version: '1.0' },
      }),
      path: '/acme/backfil/data8.csv',
      secret: () => E2E_SECRET,
    },
    {
      label: 'local folder',
      connection: () => ({
        name: 'Local folder connection',
        auth: { specName: 'Local Folder', params: { path: folder } },
        connectionSpec: { id: '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5', version: '1.0' },
      }),
      path: '/backfil/data8.csv',
      secret: () => null,
    },
  ];

  for (const source of sources) {
    it(`lands the CSV from ${source.label} as Parquet rows of the dataset`, async () => {
      const T = credentials.tenantId;

      // A base connection to the storage; its secrets never come back.
      const conn = await call('POST', '/data/foundation/flowservice/connections', source.connection());
      expect(conn.status, conn.text).toBe(201);
      const connSpecId = source.connection().connectionSpec.id;
      const connRead = await call('GET', `/data/foundation/flowservice/connections/${conn.json.id}`);
      expect(connRead.status).toBe(200);
      if (source.secret()) expect(connRead.text).not.toContain(source.secret());

      // Explore the storage and preview the file.
      const root = await call('GET', `/data/foundation/flowservice/connections/${conn.json.id}/explore?objectType=root`);
      expect(root.status, root.text).toBe(200);
      expect(root.json.length).toBeGreaterThan(0);
      const preview = await call(
        'GET',
        `/data/foundation/flowservice/connections/${conn.json.id}/explore?objectType=file&object=${encodeURIComponent(source.path)}&fileType=delimited&preview=true`,
      );
      expect(preview.status, preview.text).toBe(200);
      expect(preview.json.schema.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'first_name', 'last_name', 'email']);

      // The ad hoc class and schema for the raw CSV columns.
      const adhocClass = await call(
        'POST',
        '/data/foundation/schemaregistry/tenant/classes',
        {
          ...adhocClassBody,
          title: `Ad hoc class for ${source.label}`,
          'meta:extends': ['https://ns.adobe.com/xdm/data/adhoc'],
          'meta:datasetNamespace': '_adhoc',
        },
        { Accept: 'application/vnd.adobe.xed+json' },
      );
      expect(adhocClass.status, adhocClass.text).toBe(201);
      const adhocSchema = await call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
        type: 'object',
        title: `Ad hoc schema for ${source.label}`,
        allOf: [{ $ref: adhocClass.json.$id }],
      });
      expect(adhocSchema.status, adhocSchema.text).toBe(201);

      // The tutorial's calls, in order, with its bodies.
      const sourceConnection = await call('POST', '/data/foundation/flowservice/sourceConnections', {
        name: 'Test source connection for a Cloud Storage connector',
        baseConnectionId: conn.json.id,
        description: 'Test source connection for a Cloud Storage connector',
        data: { format: 'delimited', schema: { id: adhocSchema.json.$id, version: 'application/vnd.adobe.xed-full-notext+json; version=1' } },
        params: { path: source.path, recursive: 'true' },
        connectionSpec: { id: connSpecId, version: '1.0' },
      });
      expect(sourceConnection.status, sourceConnection.text).toBe(201);
      expect(sourceConnection.json).toEqual({ id: expect.any(String), etag: expect.stringMatching(/^".+"$/) });

      // The seed's target schema body (its field group listed twice), titled per source.
      const targetSchema = await call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
        ...targetSchemaBody,
        title: `Target schema for a Cloud Storage connector (${source.label})`,
      });
      expect(targetSchema.status, targetSchema.text).toBe(201);
      const schemaId: string = targetSchema.json.$id;
      expect(schemaId).toMatch(new RegExp(`^https://ns.adobe.com/${T}/schemas/[0-9a-f]+$`));

      const dataset = await call('POST', '/data/foundation/catalog/dataSets?requestDataSource=true', {
        name: `Target dataset for a Cloud Storage connector (${source.label})`,
        schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed-full-notext+json; version=1' },
      });
      expect(dataset.status, dataset.text).toBe(201);
      expect(dataset.json[0]).toMatch(/^@\/dataSets\/[0-9a-f]{24}$/);
      const dataSetId = dataset.json[0].slice('@/dataSets/'.length);

      const targetConnection = await call('POST', '/data/foundation/flowservice/targetConnections', {
        name: 'Target Connection for a Cloud Storage connector',
        description: 'Target Connection for a Cloud Storage connector',
        data: { schema: { id: schemaId, version: 'application/vnd.adobe.xed-full+json;version=1.0' } },
        params: { dataSetId },
        connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
      });
      expect(targetConnection.status, targetConnection.text).toBe(201);

      const mappingSet = await call('POST', '/data/foundation/conversion/mappingSets', tutorialMappingSetBody(schemaId));
      expect([200, 201]).toContain(mappingSet.status);
      expect(mappingSet.json).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{32}$/), version: 0 });

      const flowSpecs = await call('GET', '/data/foundation/flowservice/flowSpecs?property=name==%22CloudStorageToAEP%22');
      expect(flowSpecs.status).toBe(200);
      expect(flowSpecs.json.items).toHaveLength(1);
      const flowSpecId = flowSpecs.json.items[0].id;
      expect(flowSpecId).toBe('9753525b-82c7-4dce-8a9b-5ccfce2b9876');

      const flow = await call('POST', '/data/foundation/flowservice/flows', {
        name: 'Cloud Storage flow to AEP',
        description: 'Cloud Storage flow to AEP',
        flowSpec: { id: flowSpecId, version: '1.0' },
        sourceConnectionIds: [sourceConnection.json.id],
        targetConnectionIds: [targetConnection.json.id],
        transformations: [{ name: 'Mapping', params: { mappingId: mappingSet.json.id, mappingVersion: '0' } }],
        scheduleParams: { startTime: '1589398646', frequency: 'minute', interval: '30' },
      });
      expect(flow.status, flow.text).toBe(201);

      // The scheduler starts the first run at once (startTime is in the past); wait for it.
      let run: any;
      for (let i = 0; i < 240; i++) {
        const runs = await call('GET', `/data/foundation/flowservice/runs?property=flowId==${flow.json.id}`);
        expect(runs.status).toBe(200);
        run = runs.json.items[0];
        if (run && ['success', 'partialSuccess', 'failed'].includes(run.metrics.statusSummary.status)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      // One record of four fails: the batch lands with a loss, a partial success.
      expect(run?.metrics.statusSummary.status, JSON.stringify(run)).toBe('partialSuccess');
      expect(run.metrics.recordSummary).toMatchObject({ inputRecordCount: 4, outputRecordCount: 3, failedRecordCount: 1 });
      expect(run.metrics.fileSummary.inputFileCount).toBe(1);
      expect(run.metrics.sizeSummary.inputBytes).toBe(Buffer.byteLength(CSV));

      const flowRead = await call('GET', `/data/foundation/flowservice/flows/${flow.json.id}`);
      expect(flowRead.json.items[0].lastRunDetails).toMatchObject({ id: run.id, state: 'partialSuccess' });

      // Catalog shows the batch, Data Access serves its Parquet.
      const batches = await call('GET', `/data/foundation/catalog/batches?dataSet=${dataSetId}`);
      expect(batches.status).toBe(200);
      const batchIds = Object.keys(batches.json);
      expect(batchIds).toHaveLength(1);
      const batch = batches.json[batchIds[0]!];
      expect(batch).toMatchObject({ status: 'success', recordCount: 3, failedRecordCount: 1 });

      const files = await call('GET', `/data/foundation/export/batches/${batchIds[0]}/files`);
      expect(files.status, files.text).toBe(200);
      const fileId = files.json.data[0].dataSetFileId;
      const listing = await call('GET', `/data/foundation/export/files/${fileId}`);
      expect(listing.status).toBe(200);
      const parquetNames: string[] = listing.json.data.map((d: { name: string }) => d.name);
      const rows: Array<Record<string, unknown>> = [];
      for (const name of parquetNames) {
        const res = await fetch(`${server.base}/data/foundation/export/files/${fileId}?path=${encodeURIComponent(name)}`, { headers });
        expect(res.status).toBe(200);
        rows.push(...(await readParquet(Buffer.from(await res.arrayBuffer()))));
      }
      expect(rows).toEqual([
        { _id: 'p-1', first: 'Ada', last: 'Lovelace', email: 'ada@example.com' },
        { _id: 'p-2', first: 'Grace', last: 'Hopper', email: 'grace@example.com' },
        { _id: 'p-4', first: 'Alan', last: 'Turing', email: 'alan@example.com' },
      ]);

      // The malformed row is kept as a row error, with its reason.
      const rowErrors = await call('GET', `/data/foundation/export/batches/${batchIds[0]}/meta?path=row_errors`);
      expect(rowErrors.status).toBe(200);
      expect(rowErrors.text).toContain('personalEmail');

      // Disabling the flow stops its schedule.
      const disabled = await call('POST', `/data/foundation/flowservice/flows/${flow.json.id}/action?op=DISABLE`);
      expect(disabled.status, disabled.text).toBe(200);
      expect((await call('GET', `/data/foundation/flowservice/flows/${flow.json.id}`)).json.items[0].state).toBe('disabled');
    });
  }
});
