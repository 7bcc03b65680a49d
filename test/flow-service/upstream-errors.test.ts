/**
 * What a storage (or whatever answers at a tenant's endpoint) says in an error body stays out of
 * API errors: the answer is classified ("the storage answered 403 AccessDenied"), so a tenant
 * cannot read an internal service's pages through a connection test.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMAZON_S3_SPEC_ID, AZURE_BLOB_SPEC_ID, HDFS_SPEC_ID } from '../../src/connectors/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createConnection, testConnection } from '../support/flow-journey.js';

const MARKER = 'internal-page-content-7c1e';
const KEY = Buffer.alloc(64, 7).toString('base64');

describe('upstream error bodies', () => {
  let t: TestPlatform;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // Answers everything with a refusal whose body carries text that must not reach the tenant.
    server = createServer((req, res) => {
      if (req.url?.includes('/webhdfs/v1')) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ RemoteException: { exception: 'AccessControlException', javaClassName: 'x', message: `${MARKER} denied` } }));
        return;
      }
      res.writeHead(403, { 'content-type': 'application/xml', 'x-ms-error-code': 'AuthorizationPermissionMismatch' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${MARKER} secret detail</Message></Error>`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    t = await startTestPlatform();
  });

  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('S3: says which status and code the storage answered, not its message', async () => {
    const id = await createConnection(t, AMAZON_S3_SPEC_ID, 'Access Key', {
      s3AccessKey: 'a',
      s3SecretKey: 'b',
      serviceUrl: base,
      bucketName: 'bucket',
    });
    const tested = await testConnection(t, id);
    expect(tested).toMatchObject({ status: 403, code: 'FLOW-3003' });
    expect(tested.detail).toMatch(/the storage answered 403 AccessDenied/);
    expect(tested.detail).not.toContain(MARKER);
  });

  it('Azure Blob: the same', async () => {
    const id = await createConnection(t, AZURE_BLOB_SPEC_ID, 'ConnectionString', {
      connectionString: `DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=${KEY};BlobEndpoint=${base}/acct;`,
    });
    const tested = await testConnection(t, id);
    expect(tested).toMatchObject({ status: 403, code: 'FLOW-3003' });
    expect(tested.detail).toMatch(/the storage answered 403 AuthorizationPermissionMismatch/);
    expect(tested.detail).not.toContain(MARKER);
  });

  it('HDFS: names the exception, not its message', async () => {
    const id = await createConnection(t, HDFS_SPEC_ID, 'Anonymous Authentication', { url: base });
    const tested = await testConnection(t, id);
    expect(tested).toMatchObject({ status: 403, code: 'FLOW-3003' });
    expect(tested.detail).toMatch(/the name node answered 403 AccessControlException/);
    expect(tested.detail).not.toContain(MARKER);
  });
});
