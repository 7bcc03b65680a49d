import {
  BlobServiceClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateAccountSASQueryParameters,
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { request as httpRequest, createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { assert, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type FileStorage } from '../../../src/connectors/sdk.js';
import { azureBlob, AzureBlobStorage, parseBlobSettings } from '../../../src/connectors/azure-blob/index.js';
import { startAzurite, type AzuriteHandle } from '../../support/azurite.js';
import { closedPort, collect, CONTAINER_TREE, containerTreeContract, failure } from '../../support/storage-contract.js';

const CONTAINER = 'acme-data';
const BLOBS = CONTAINER_TREE;

describe('azure-blob connector (against Azurite)', () => {
  let azurite: AzuriteHandle;
  let params: Record<string, unknown>;
  let credential: StorageSharedKeyCredential;
  const opened: FileStorage[] = [];
  const open = (extra: Record<string, unknown> = {}) => {
    const storage = azureBlob.open({ ...params, ...extra });
    opened.push(storage);
    return storage;
  };

  beforeAll(async () => {
    azurite = await startAzurite();
    params = { connectionString: azurite.connectionString };
    credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient(CONTAINER);
    await container.create();
    await service.getContainerClient('other-container').create();
    for (const [name, body] of Object.entries(BLOBS)) await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
  });

  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    await azurite?.stop();
  });

  it('declares its secrets and the AEP spec id', () => {
    expect(azureBlob.spec.id).toBe('4c10e202-c428-4796-9208-5f1f5732b1cf');
    expect(azureBlob.spec.authSpec.map((a) => a.name)).toEqual(['ConnectionString', 'SasURIAuthentication']);
    expect(azureBlob.secretParams).toEqual(['connectionString', 'sasUri']);
    for (const auth of azureBlob.spec.authSpec) {
      const props = (auth.spec as { properties: Record<string, { format?: string }> }).properties;
      const secrets = Object.entries(props)
        .filter(([, p]) => p.format === 'password')
        .map(([n]) => n);
      expect(secrets.every((n) => azureBlob.secretParams.includes(n))).toBe(true);
      expect(Object.keys(props)).toEqual(expect.arrayContaining(['container', 'folderPath']));
    }
  });

  describe('without container: the first segment is the container', () => {
    it('checks, and lists containers at the root', async () => {
      const storage = open();
      await storage.check();
      expect(await storage.list('/')).toEqual([
        { type: 'folder', name: 'acme-data', path: '/acme-data' },
        { type: 'folder', name: 'other-container', path: '/other-container' },
      ]);
    });

    containerTreeContract(() => open(), { etag: /^0x[0-9A-F]+$/, missing: 'no-such-container' });
  });

  describe('through a proxy that cuts blob downloads mid-body', () => {
    let proxy: Server;
    let proxyEndpoint: string;
    const cut = { afterBytes: 0, times: 0 };
    const seen: Array<{ range: string | undefined; ifMatch: string | undefined }> = [];

    beforeAll(async () => {
      const target = new URL(azurite.blobEndpoint);
      proxy = createHttpServer((req, res) => {
        const isDownload = req.method === 'GET' && !/[?&](comp|restype)=/.test(req.url ?? '');
        if (isDownload) seen.push({ range: req.headers['x-ms-range'] as string | undefined, ifMatch: req.headers['if-match'] as string | undefined });
        const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          if (!isDownload || cut.times <= 0) return void up.pipe(res);
          cut.times--;
          let sent = 0;
          up.on('data', (chunk: Buffer) => {
            const room = cut.afterBytes - sent;
            if (room > 0) res.write(chunk.subarray(0, room));
            sent += chunk.length;
            if (sent >= cut.afterBytes) {
              up.destroy();
              res.socket?.destroy(); // the connection drops, as a failing network does
            }
          });
        });
        req.pipe(upstream);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyEndpoint = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/${azurite.accountName}`;
      const big = Buffer.alloc(2 * 1024 * 1024, 'abcdefghij');
      await BlobServiceClient.fromConnectionString(azurite.connectionString)
        .getContainerClient(CONTAINER)
        .getBlockBlobClient('big.bin')
        .upload(big, big.length);
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => proxy?.close(() => resolve()));
      await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER).deleteBlob('big.bin');
    });

    const viaProxy = () => open({ connectionString: azurite.connectionString.replace(azurite.blobEndpoint, proxyEndpoint) });

    it('resumes a dropped download with a ranged, If-Match request', async () => {
      seen.length = 0;
      Object.assign(cut, { afterBytes: 700_000, times: 2 });
      const bytes = await buffer(await viaProxy().read('/acme-data/big.bin'));
      expect(bytes.equals(Buffer.alloc(2 * 1024 * 1024, 'abcdefghij'))).toBe(true);
      // Each resume starts where the bytes that reached the client stopped (a little short of the cut).
      const ranges = seen.map((s) => s.range ?? 'whole');
      expect(ranges).toHaveLength(3);
      expect(ranges[0]).toBe('whole');
      const [first, second] = ranges.slice(1).map((r) => Number(/^bytes=(\d+)-$/.exec(r)![1]));
      assert.isDefined(first);
      assert.isDefined(second);
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first);
      expect(seen[0]?.ifMatch).toBeUndefined();
      expect(seen[1]?.ifMatch).toMatch(/^"?0x[0-9A-F]+"?$/);
    });

    it('fails the stream as transient when the transfer keeps breaking', async () => {
      Object.assign(cut, { afterBytes: 0, times: 1000 });
      const outcome = await viaProxy()
        .read('/acme-data/big.bin')
        .then((stream) => buffer(stream))
        .then(
          () => null,
          (error: unknown) => error,
        );
      Object.assign(cut, { afterBytes: 0, times: 0 });
      expect(outcome).toBeInstanceOf(ConnectorError);
      expect((outcome as ConnectorError).failure).toBe('transient');
    });
  });

  it('confines paths to container and folderPath', async () => {
    const storage = open({ container: CONTAINER, folderPath: '/campaigns/summer/' });
    await storage.check();
    expect((await storage.list('/')).map((e) => e.path)).toEqual(['/deep', '/a.csv', '/b-premium.csv', '/notes.txt']);
    expect(await collect(storage.walk('/deep', { recursive: true }))).toEqual([
      '/deep/c.csv',
      '/deep/deeper/d-premium.csv',
      '/deep/deeper/e.csv',
      '/deep/deeper/f.csv',
    ]);
    expect((await buffer(await storage.read('/a.csv'))).toString()).toBe(BLOBS['campaigns/summer/a.csv']);
    expect(await failure(open({ container: 'no-such-container' }).check())).toBe('not_found');
  });

  it('pages through listings', async () => {
    const { service } = parseBlobSettings(params);
    const storage = new AzureBlobStorage(service, { container: CONTAINER, pageSize: 2 });
    expect((await storage.list('/campaigns/summer')).map((e) => e.name)).toEqual(['deep', 'a.csv', 'b-premium.csv', 'notes.txt']);
    expect(await collect(storage.walk('/campaigns', { recursive: true }))).toHaveLength(9);
    const all = new AzureBlobStorage(service, { pageSize: 1 });
    expect((await all.list('/')).map((e) => e.name)).toEqual(['acme-data', 'other-container']);
  });

  it('connects with an account SAS URI and with a container SAS URI', async () => {
    const expiresOn = new Date(Date.now() + 3600_000);
    const accountSas = generateAccountSASQueryParameters(
      {
        expiresOn,
        permissions: AccountSASPermissions.parse('rl'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
      },
      credential,
    ).toString();
    const byAccount = open({ connectionString: undefined, sasUri: `${azurite.blobEndpoint}?${accountSas}` });
    await byAccount.check();
    expect((await byAccount.list('/')).map((e) => e.name)).toEqual(['acme-data', 'other-container']);

    const containerSas = generateBlobSASQueryParameters(
      { containerName: CONTAINER, expiresOn, permissions: ContainerSASPermissions.parse('rl') },
      credential,
    ).toString();
    const byContainer = open({ connectionString: undefined, sasUri: `${azurite.blobEndpoint}/${CONTAINER}?${containerSas}` });
    await byContainer.check();
    expect((await byContainer.list('/')).map((e) => e.name)).toEqual(['campaigns', 'empty-folder', 'top.csv']);
    expect((await buffer(await byContainer.read('/top.csv'))).toString()).toBe(BLOBS['top.csv']);

    // A read-only SAS without list permission: the signature is fine, the permission is not.
    const readOnly = generateBlobSASQueryParameters(
      { containerName: CONTAINER, expiresOn, permissions: ContainerSASPermissions.parse('r') },
      credential,
    ).toString();
    expect(await failure(open({ connectionString: undefined, sasUri: `${azurite.blobEndpoint}/${CONTAINER}?${readOnly}` }).check())).toBe(
      'permission_denied',
    );
  });

  it('reports a wrong key or a forged SAS as bad_credentials', async () => {
    const wrongKey = azurite.connectionString.replace(azurite.accountKey, Buffer.alloc(64, 7).toString('base64'));
    expect(await failure(open({ connectionString: wrongKey }).check())).toBe('bad_credentials');
    expect(await failure(open({ connectionString: wrongKey, container: CONTAINER }).check())).toBe('bad_credentials');
    const forged = `${azurite.blobEndpoint}?sv=2021-08-06&ss=b&srt=sco&sp=rl&se=2099-01-01T00:00:00Z&sig=${encodeURIComponent(Buffer.alloc(32).toString('base64'))}`;
    expect(await failure(open({ connectionString: undefined, sasUri: forged }).check())).toBe('bad_credentials');
  });

  it('reports a closed port as unreachable', async () => {
    const port = await closedPort();
    const connectionString = azurite.connectionString.replace(/BlobEndpoint=[^;]+/, `BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1`);
    expect(await failure(open({ connectionString }).check())).toBe('unreachable');
  });

  it('rejects incoherent params', () => {
    expect(() => azureBlob.open({})).toThrow(ConnectorError);
    expect(() => azureBlob.open({ connectionString: 'nonsense' })).toThrow(/not a valid/);
    expect(() => azureBlob.open({ ...params, folderPath: '/x' })).toThrow(/container/);
    expect(() => azureBlob.open({ sasUri: 'https://acct.blob.core.windows.net/?sv=1' })).toThrow(/signature/);
    expect(() => azureBlob.open({ sasUri: 'https://acct.blob.core.windows.net/c/folder?sig=x' })).toThrow(/folderPath/);
  });
});
