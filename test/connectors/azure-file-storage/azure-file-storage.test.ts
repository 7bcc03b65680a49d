import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/sdk.js';
import { azureFileStorage, AzureFileShareStorage, parseFileShareSettings } from '../../../src/connectors/azure-file-storage/index.js';
import { selectFiles } from '../../../src/connectors/files/index.js';
import { startFakeAzureFiles, type FakeAzureFiles } from '../../support/fake-azure-files/index.js';
import { collect, failure } from '../../support/storage-contract.js';

/**
 * No Azure Files server installs here: these tests run against test/support/fake-azure-files, an
 * in-repo fake of the File service REST protocol (Shared Key checked, XML listings with markers,
 * ranged Get File, the service's error codes).
 */
const FILES: Record<string, string> = {
  'acme/top.csv': 'id\n0\n',
  'acme/campaigns/summer/a.csv': 'id,name\n1,a\n',
  'acme/campaigns/summer/b-premium.csv': 'id\n2\n',
  'acme/campaigns/summer/deep/c.csv': 'id\n3\n',
  'acme/campaigns/winter/g.csv': 'id\n7\n',
  'acme/campaigns/zeta.json': '{"z":1}',
  'other/x.csv': 'id\n9\n',
};

describe('azure-file-storage connector (against the in-repo File service fake)', () => {
  let fake: FakeAzureFiles;
  let params: Record<string, unknown>;

  beforeAll(async () => {
    fake = await startFakeAzureFiles();
    for (const [path, body] of Object.entries(FILES)) {
      mkdirSync(dirname(join(fake.root, path)), { recursive: true });
      writeFileSync(join(fake.root, path), body);
    }
    mkdirSync(join(fake.root, 'acme', 'empty'), { recursive: true });
    params = { host: fake.accountUrl, userId: `AZURE\\${fake.accountName}`, password: fake.accountKey };
  });

  afterAll(async () => {
    await fake?.stop();
  });

  it('declares AEP’s auth spec', () => {
    expect(azureFileStorage.spec.id).toBe('be5ec48c-5b78-49d5-b8fa-7c89ec4569b8');
    const [auth] = azureFileStorage.spec.authSpec;
    expect(auth?.name).toBe('Basic Authentication');
    expect(auth?.spec.required).toEqual(['host', 'userId', 'password']);
    expect(azureFileStorage.secretParams).toEqual(['password']);
  });

  it('lists shares at the root, and folders and files inside', async () => {
    const storage = azureFileStorage.open(params);
    await storage.check();
    expect((await storage.list('/')).map((e) => e.path)).toEqual(['/acme', '/other']);
    expect((await storage.list('/acme')).map((e) => `${e.type}:${e.name}`)).toEqual(['folder:campaigns', 'folder:empty', 'file:top.csv']);
    expect(await storage.list('/acme/empty')).toEqual([]);
    const file = (await storage.list('/acme/campaigns/summer')).find((e) => e.name === 'a.csv')!;
    expect(file).toMatchObject({ type: 'file', size: 12, path: '/acme/campaigns/summer/a.csv' });
    expect(file.modifiedAt).toBeGreaterThan(0);
    expect(file.etag).toMatch(/^0x[0-9A-F]+$/);
  });

  it('walks, stats and reads', async () => {
    const storage = azureFileStorage.open(params);
    expect(await collect(storage.walk('/acme/campaigns', { recursive: true }))).toEqual([
      '/acme/campaigns/summer/a.csv',
      '/acme/campaigns/summer/b-premium.csv',
      '/acme/campaigns/summer/deep/c.csv',
      '/acme/campaigns/winter/g.csv',
      '/acme/campaigns/zeta.json',
    ]);
    expect(await collect(storage.walk('/acme/campaigns', { recursive: false }))).toEqual(['/acme/campaigns/zeta.json']);
    expect(await storage.stat('/acme/campaigns/summer/a.csv')).toMatchObject({ type: 'file', size: 12 });
    expect(await storage.stat('/acme/campaigns/summer')).toEqual({ type: 'folder', name: 'summer', path: '/acme/campaigns/summer' });
    expect(await storage.stat('/acme')).toEqual({ type: 'folder', name: 'acme', path: '/acme' });
    expect(await storage.stat('/acme/nope.csv')).toBeNull();
    expect(await storage.stat('/acme/nope/deeper.csv')).toBeNull();
    expect(await storage.stat('/no-share')).toBeNull();
    expect((await buffer(await storage.read('/acme/campaigns/summer/deep/c.csv'))).toString()).toBe('id\n3\n');
    expect(await failure(storage.read('/acme/nope.csv'))).toBe('not_found');
    expect(await failure(storage.list('/acme/nope'))).toBe('not_found');
    expect(await failure(storage.list('/acme/top.csv'))).toBe('not_found');
    expect(await failure(storage.list('/no-share'))).toBe('not_found');
    expect(await collect(selectFiles(storage, '/acme/campaigns/*premium*.csv', { recursive: true }))).toEqual([
      '/acme/campaigns/summer/b-premium.csv',
    ]);
  });

  it('takes the share and a folder from an SMB-style host', async () => {
    const settings = parseFileShareSettings({
      host: '\\\\acct.file.core.windows.net\\acme\\campaigns',
      userId: 'AZURE\\acct',
      password: fake.accountKey,
    });
    expect(settings).toMatchObject({ share: 'acme', folder: ['campaigns'] });
    expect(settings.service.url).toBe('https://acct.file.core.windows.net/');
    const storage = azureFileStorage.open({ ...params, host: `${fake.accountUrl}/acme/campaigns` });
    await storage.check();
    expect((await storage.list('/')).map((e) => e.path)).toEqual(['/summer', '/winter', '/zeta.json']);
    expect((await buffer(await storage.read('/summer/a.csv'))).toString()).toBe(FILES['acme/campaigns/summer/a.csv']);
    expect(await storage.stat('/')).toMatchObject({ type: 'folder', path: '/' });
  });

  it('pages listings with markers', async () => {
    const { service } = parseFileShareSettings(params);
    const storage = new AzureFileShareStorage(service, { pageSize: 1 });
    fake.requests.length = 0;
    expect((await storage.list('/acme')).map((e) => e.name)).toEqual(['campaigns', 'empty', 'top.csv']);
    expect((await storage.list('/')).map((e) => e.name)).toEqual(['acme', 'other']);
    expect(fake.requests.filter((r) => r.url.includes('marker=')).length).toBeGreaterThanOrEqual(3);
  });

  it('reads large files in one ranged stream and resumes after a dropped connection', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    writeFileSync(join(fake.root, 'other', 'big.bin'), big);
    const storage = azureFileStorage.open(params);
    fake.requests.length = 0;
    fake.injectReadFaults({ dropAfterBytes: 1_000_000, drops: 2 });
    const bytes = await buffer(await storage.read('/other/big.bin'));
    expect(bytes.equals(big)).toBe(true);
    const ranges = fake.requests.filter((r) => r.method === 'GET' && r.url.endsWith('/other/big.bin')).map((r) => r.range ?? 'whole');
    expect(ranges).toEqual(['whole', 'bytes=1000000-', 'bytes=2000000-']);
  });

  it('fails the stream as transient when the connection keeps dropping', async () => {
    const storage = azureFileStorage.open(params);
    fake.injectReadFaults({ dropAfterBytes: 0, drops: 100 });
    const stream = await storage.read('/acme/top.csv');
    const error = await buffer(stream).then(
      () => null,
      (e: unknown) => e,
    );
    fake.injectReadFaults({});
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failure).toBe('transient');
  });

  it('retries 500s before the body', async () => {
    const storage = azureFileStorage.open(params);
    fake.injectReadFaults({ serverErrors: 2 });
    expect((await buffer(await storage.read('/acme/top.csv'))).toString()).toBe(FILES['acme/top.csv']);
  });

  it('reports a wrong key as bad_credentials and a wrong account as invalid', async () => {
    const wrong = azureFileStorage.open({ ...params, password: Buffer.alloc(64, 1).toString('base64') });
    expect(await failure(wrong.check())).toBe('bad_credentials');
    expect(
      await failure(azureFileStorage.open({ ...params, host: `${fake.accountUrl}/acme`, password: Buffer.alloc(64, 1).toString('base64') }).check()),
    ).toBe('bad_credentials');
    expect(() => azureFileStorage.open({ ...params, userId: 'AZURE\\someoneelse' })).toThrow(/userId/);
    expect(await failure(azureFileStorage.open({ ...params, host: `${fake.accountUrl}/no-share` }).check())).toBe('not_found');
  });
});
