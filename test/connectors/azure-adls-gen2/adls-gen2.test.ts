import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/sdk.js';
import { adlsGen2, AdlsGen2Storage, parseAdlsSettings } from '../../../src/connectors/adls-gen2/index.js';
import { selectFiles } from '../../../src/connectors/files/index.js';
import { startAzurite, type AzuriteHandle } from '../../support/azurite.js';
import { collect, failure } from '../../support/storage-contract.js';

/**
 * Azurite has only the blob endpoint (no dfs, no Entra ID), so these tests exercise the connector's
 * fallback to the blob API, with the account-key and SAS forms of the credentials.
 */
const BLOBS: Record<string, string> = {
  'raw/2024/a.csv': 'id\n1\n',
  'raw/2024/b.csv': 'id\n2\n',
  'raw/2025/c.json': '{"id":3}\n',
  'readme.txt': 'hi',
};

describe('adls-gen2 connector (against Azurite, through the blob fallback)', () => {
  let azurite: AzuriteHandle;

  beforeAll(async () => {
    azurite = await startAzurite();
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const fs = service.getContainerClient('lake');
    await fs.create();
    await service.getContainerClient('other').create();
    for (const [name, body] of Object.entries(BLOBS)) await fs.getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
  });

  afterAll(async () => {
    await azurite?.stop();
  });

  it('declares AEP’s service-principal auth spec, and key and SAS forms of its own', () => {
    expect(adlsGen2.spec.id).toBe('0ed90a81-07f4-4586-8190-b40eccef1c5a');
    const [principal, key, sas] = adlsGen2.spec.authSpec;
    type Properties = Record<string, { format?: string }> | undefined;
    expect(principal?.name).toBe('Basic Authentication for adls-gen2');
    expect(principal?.spec.required).toEqual(['url', 'servicePrincipalId', 'servicePrincipalKey', 'tenant']);
    expect((key?.spec.properties as Properties)?.accountKey?.format).toBe('password');
    expect((sas?.spec.properties as Properties)?.sasToken?.format).toBe('password');
    expect(adlsGen2.secretParams).toEqual(['servicePrincipalKey', 'accountKey', 'sasToken']);
  });

  it('falls back to the blob endpoint, and explores a file system named in the url', async () => {
    const storage = new AdlsGen2Storage(parseAdlsSettings({ url: `${azurite.blobEndpoint}/lake`, accountKey: azurite.accountKey }));
    await storage.check();
    expect(await storage.endpointInUse()).toBe('blob');
    expect((await storage.list('/')).map((e) => `${e.type}:${e.path}`)).toEqual(['folder:/raw', 'file:/readme.txt']);
    expect((await storage.list('/raw/2024')).map((e) => e.name)).toEqual(['a.csv', 'b.csv']);
    expect(await collect(storage.walk('/raw', { recursive: true }))).toEqual(['/raw/2024/a.csv', '/raw/2024/b.csv', '/raw/2025/c.json']);
    expect(await collect(selectFiles(storage, '/raw/*/*.csv', { recursive: false }))).toEqual(['/raw/2024/a.csv', '/raw/2024/b.csv']);
    expect(await storage.stat('/raw/2025/c.json')).toMatchObject({ type: 'file', size: 9 });
    expect((await buffer(await storage.read('/raw/2025/c.json'))).toString()).toBe(BLOBS['raw/2025/c.json']);
    expect(await failure(storage.list('/nope'))).toBe('not_found');
  });

  it('lists file systems at the root without one in the url, and confines to a folder with one', async () => {
    const all = adlsGen2.open({ url: azurite.blobEndpoint, accountKey: azurite.accountKey });
    expect((await all.list('/')).map((e) => e.name)).toEqual(['lake', 'other']);
    expect((await all.list('/lake/raw')).map((e) => e.name)).toEqual(['2024', '2025']);
    const folder = adlsGen2.open({ url: `${azurite.blobEndpoint}/lake/raw/2024`, accountKey: azurite.accountKey });
    await folder.check();
    expect((await folder.list('/')).map((e) => e.path)).toEqual(['/a.csv', '/b.csv']);
  });

  it('connects with a SAS token', async () => {
    const sasToken = generateAccountSASQueryParameters(
      {
        expiresOn: new Date(Date.now() + 3600_000),
        permissions: AccountSASPermissions.parse('rl'),
        resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
        services: AccountSASServices.parse('b').toString(),
      },
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
    ).toString();
    const storage = adlsGen2.open({ url: `${azurite.blobEndpoint}/lake`, sasToken });
    await storage.check();
    expect((await buffer(await storage.read('/readme.txt'))).toString()).toBe('hi');
  });

  it('reports a wrong key as bad_credentials, through the fallback too', async () => {
    const wrong = Buffer.alloc(64, 9).toString('base64');
    expect(await failure(adlsGen2.open({ url: `${azurite.blobEndpoint}/lake`, accountKey: wrong }).check())).toBe('bad_credentials');
    expect(await failure(adlsGen2.open({ url: azurite.blobEndpoint, accountKey: wrong }).check())).toBe('bad_credentials');
  });

  it('rejects incoherent params', () => {
    expect(() => adlsGen2.open({ url: azurite.blobEndpoint })).toThrow(/exactly one/);
    expect(() => adlsGen2.open({ url: 'ftp://x', accountKey: 'k' })).toThrow(ConnectorError);
    expect(() => adlsGen2.open({ url: `${azurite.blobEndpoint}?sv=1`, accountKey: 'k' })).toThrow(/sasToken/);
    expect(() => adlsGen2.open({ url: 'https://acct.dfs.core.windows.net', servicePrincipalKey: 's' })).toThrow(/tenant|servicePrincipalId/);
    const settings = parseAdlsSettings({
      url: 'https://acct.dfs.core.windows.net/fs/a/b',
      servicePrincipalKey: 's',
      servicePrincipalId: 'id',
      tenant: 't',
    });
    expect(settings).toMatchObject({ fileSystem: 'fs', folderPrefix: 'a/b/', blobOnly: false });
    expect(settings.dfs.url).toBe('https://acct.dfs.core.windows.net/');
    expect(settings.blob.url).toBe('https://acct.blob.core.windows.net/');
  });
});
