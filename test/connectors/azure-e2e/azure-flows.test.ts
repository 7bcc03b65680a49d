import { BlobServiceClient } from '@azure/storage-blob';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { startAzurite, type AzuriteHandle } from '../../support/azurite.js';
import { startFakeAzureFiles, type FakeAzureFiles } from '../../support/fake-azure-files/index.js';
import {
  batchesOf,
  createConnection,
  createFlow,
  EVENTS_JSONL_GZ,
  exerciseConnection,
  FS,
  letRetryDelaysPass,
  PEOPLE_CSV,
  runNow,
} from '../../support/flow-journey.js';

const AZURE_BLOB = '4c10e202-c428-4796-9208-5f1f5732b1cf';
const ADLS_GEN2 = '0ed90a81-07f4-4586-8190-b40eccef1c5a';
const AZURE_FILES = 'be5ec48c-5b78-49d5-b8fa-7c89ec4569b8';

/**
 * The three Azure sources through the HTTP API, end to end: Azure Blob and ADLS Gen2 against a real
 * Azurite (ADLS Gen2 through its blob fallback: Azurite has no dfs endpoint), Azure File Storage
 * against the in-repo File service fake (no Azure Files server installs here).
 */
describe('Azure sources through Flow Service', () => {
  let t: TestPlatform;
  let azurite: AzuriteHandle;
  let files: FakeAzureFiles;
  const jsonGz = EVENTS_JSONL_GZ;

  beforeAll(async () => {
    [t, azurite, files] = await Promise.all([startTestPlatform({ env: { TRIBUTARY_SETTLE_SECONDS: '0' } }), startAzurite(), startFakeAzureFiles()]);
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    for (const name of ['acme', 'archive']) await service.getContainerClient(name).create();
    const acme = service.getContainerClient('acme');
    await acme.getBlockBlobClient('in/people.csv').upload(PEOPLE_CSV, Buffer.byteLength(PEOPLE_CSV));
    await acme.getBlockBlobClient('in/people.jsonl.gz').upload(jsonGz, jsonGz.length);

    for (const share of ['acme', 'archive']) mkdirSync(join(files.root, share, 'in'), { recursive: true });
    writeFileSync(join(files.root, 'acme', 'in', 'people.csv'), PEOPLE_CSV);
    writeFileSync(join(files.root, 'acme', 'in', 'people.jsonl.gz'), jsonGz);
  });

  afterAll(async () => {
    await t?.close();
    await azurite?.stop();
    await files?.stop();
  });

  it('Azure Blob (connection string): test, explore, preview and a flow run to a successful batch', async () => {
    const connectionId = await createConnection(t, AZURE_BLOB, 'ConnectionString', { connectionString: azurite.connectionString });
    const read = await t.call('GET', `${FS}/connections/${connectionId}`);
    expect(read.body).not.toContain(azurite.accountKey);
    await exerciseConnection(t, {
      connectionId,
      specId: AZURE_BLOB,
      root: ['acme', 'archive'],
      folder: '/acme/in',
      csv: '/acme/in/people.csv',
      jsonGz: '/acme/in/people.jsonl.gz',
      title: 'blob people',
    });
  });

  it('Azure Blob: a wrong key is reported as bad credentials by the connection test', async () => {
    const wrong = azurite.connectionString.replace(azurite.accountKey, Buffer.alloc(64, 3).toString('base64'));
    const connectionId = await createConnection(t, AZURE_BLOB, 'ConnectionString', { connectionString: wrong, container: 'acme' });
    const tested = await t.call('GET', `${FS}/connections/${connectionId}/test`);
    expect(tested.statusCode).toBe(400);
    expect(tested.body).toContain('FLOW-3001');
    expect(tested.body).not.toContain(Buffer.alloc(64, 3).toString('base64'));
  });

  it('ADLS Gen2 (account key, blob fallback on Azurite): test, explore, preview and a flow run to a successful batch', async () => {
    const connectionId = await createConnection(t, ADLS_GEN2, 'Account Key for adls-gen2', {
      url: `${azurite.blobEndpoint}/acme`,
      accountKey: azurite.accountKey,
    });
    await exerciseConnection(t, {
      connectionId,
      specId: ADLS_GEN2,
      root: ['in'],
      folder: '/in',
      csv: '/in/people.csv',
      jsonGz: '/in/people.jsonl.gz',
      title: 'adls people',
    });
  });

  it('Azure File Storage (against the fake): test, explore, preview and a flow run to a successful batch', async () => {
    const connectionId = await createConnection(t, AZURE_FILES, 'Basic Authentication', {
      host: files.accountUrl,
      userId: `AZURE\\${files.accountName}`,
      password: files.accountKey,
    });
    await exerciseConnection(t, {
      connectionId,
      specId: AZURE_FILES,
      root: ['acme', 'archive'],
      folder: '/acme/in',
      csv: '/acme/in/people.csv',
      jsonGz: '/acme/in/people.jsonl.gz',
      title: 'files people',
    });
    const wrong = await createConnection(t, AZURE_FILES, 'Basic Authentication', {
      host: files.accountUrl,
      userId: files.accountName,
      password: Buffer.alloc(64, 5).toString('base64'),
    });
    const tested = await t.call('GET', `${FS}/connections/${wrong}/test`);
    expect(tested.body).toContain('FLOW-3001');
  });

  it('Azure File Storage: a run survives connections dropped mid-file, and fails cleanly with no batch when they keep dropping', async () => {
    const connectionId = await createConnection(t, AZURE_FILES, 'Basic Authentication', {
      host: `${files.accountUrl}/acme`,
      userId: files.accountName,
      password: files.accountKey,
    });

    // Two dropped transfers: the read resumes where each broke, and the run lands every row once.
    const resumed = await createFlow(t, { connectionId, specId: AZURE_FILES, path: '/in/people.csv', title: 'files resumed' });
    files.requests.length = 0;
    files.injectReadFaults({ dropAfterBytes: 30, drops: 2 });
    const ok = await runNow(t, resumed.flowId);
    expect(ok.metrics.statusSummary.status, JSON.stringify(ok)).toBe('success');
    expect(ok.metrics.recordSummary).toMatchObject({ inputRecordCount: 3, outputRecordCount: 3 });
    const gets = files.requests.filter((r) => r.method === 'GET' && r.url.endsWith('/acme/in/people.csv')).map((r) => r.range ?? 'whole');
    expect(gets).toEqual(['whole', 'bytes=30-', 'bytes=60-']);

    // The first transfer breaks after part of the first row, and every later one at once: the read
    // gives up with a transient failure, and no row of the half-read file lands.
    const broken = await createFlow(t, { connectionId, specId: AZURE_FILES, path: '/in/people.csv', title: 'files broken' });
    files.injectReadFaults({ dropAfterBytes: [30, 0], drops: 1000 });
    const failed = await runNow(t, broken.flowId);
    files.injectReadFaults({});
    expect(failed.metrics.fileSummary, JSON.stringify(failed)).toMatchObject({ inputFileCount: 1, failedFileCount: 1 });
    expect(failed.metrics.recordSummary).toMatchObject({ outputRecordCount: 0 });
    // Nothing could be read: the run fails, and its batch failed without landing anything.
    expect(failed.metrics.statusSummary.status).toBe('failed');
    expect((await batchesOf(t, broken.dataSetId)).map((b) => b.status)).toEqual(['failed']);

    // Once the storage is healthy again, the next run after the file's retry delay takes it.
    await letRetryDelaysPass(t, broken.flowId);
    const retried = await runNow(t, broken.flowId);
    expect(retried.metrics.statusSummary.status, JSON.stringify(retried)).toBe('success');
    expect(retried.metrics.recordSummary).toMatchObject({ outputRecordCount: 3 });
  });
});
