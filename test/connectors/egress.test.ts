import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/connectors/egress/index.js';
import {
  ADLS_GEN2_SPEC_ID,
  AMAZON_S3_SPEC_ID,
  AZURE_BLOB_SPEC_ID,
  AZURE_FILE_STORAGE_SPEC_ID,
  GCS_SPEC_ID,
  HDFS_SPEC_ID,
  SFTP_SPEC_ID,
} from '../../src/connectors/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createConnection, explore, testConnection } from '../support/flow-journey.js';
import { armTripwire, type Tripwire } from '../support/egress-tripwire.js';

/**
 * The egress policy through the Flow Service API, for every connector family. No test here
 * sends traffic to a link-local or metadata address: host names get such addresses from an
 * injected resolver, and a tripwire beneath the connectors stops (and records) any socket that
 * would still be aimed at one. Reachable endpoints are a loopback listener that counts the
 * connections it is offered, so "refused before connecting" is observed, not assumed.
 */

const KEY = Buffer.alloc(64, 7).toString('base64');

/** Auth params of each family, aimed at `host:port`. Host names start with "acct", the account an Azure host name names. */
const FAMILIES: Array<{ family: string; specId: string; specName: string; params: (host: string, port: number) => Record<string, unknown> }> = [
  {
    family: 'Amazon S3',
    specId: AMAZON_S3_SPEC_ID,
    specName: 'Access Key',
    params: (host, port) => ({ s3AccessKey: 'AKIA', s3SecretKey: 'secret', serviceUrl: `http://${host}:${port}`, bucketName: 'bucket' }),
  },
  {
    family: 'Google Cloud Storage',
    specId: GCS_SPEC_ID,
    specName: 'Basic Authentication for google-cloud',
    params: (host, port) => ({ accessKeyId: 'GOOG1', secretAccessKey: 'secret', serviceUrl: `http://${host}:${port}`, bucketName: 'bucket' }),
  },
  {
    family: 'Azure Blob',
    specId: AZURE_BLOB_SPEC_ID,
    specName: 'ConnectionString',
    params: (host, port) => ({
      connectionString: `DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=${KEY};BlobEndpoint=http://${host}:${port}/acct;`,
    }),
  },
  {
    family: 'ADLS Gen2',
    specId: ADLS_GEN2_SPEC_ID,
    specName: 'Account Key for adls-gen2',
    params: (host, port) => ({ url: `http://${host}:${port}/acct/lake`, accountKey: KEY }),
  },
  {
    family: 'Azure File Storage',
    specId: AZURE_FILE_STORAGE_SPEC_ID,
    specName: 'Basic Authentication',
    // A host name names the account in its first label, which userId must repeat.
    params: (host, port) => ({
      host: `http://${host}:${port}/acct/share`,
      userId: `AZURE\\${/^[\d.]+$|^\[/.test(host) ? 'acct' : host.split('.')[0]}`,
      password: KEY,
    }),
  },
  {
    family: 'SFTP',
    specId: SFTP_SPEC_ID,
    specName: 'Basic Authentication for sftp',
    params: (host, port) => ({ host, port, userName: 'user', password: 'password' }),
  },
  { family: 'HDFS', specId: HDFS_SPEC_ID, specName: 'Anonymous Authentication', params: (host, port) => ({ url: `http://${host}:${port}` }) },
];

/** Answers test names with the addresses the tests need; anything else as the system does. */
const resolver: Resolver = (hostname, options, callback) => {
  const answers: Record<string, LookupAddress[]> = {
    'metadata.test': [{ address: '169.254.169.254', family: 4 }],
    'mapped.test': [{ address: '::ffff:169.254.169.254', family: 6 }],
    // A name with one good and one bad address: a later connection could be sent to the bad one.
    'mixed.test': [
      { address: '127.0.0.1', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ],
    'private.test': [{ address: '10.20.30.40', family: 4 }],
    'loopback.test': [{ address: '127.0.0.1', family: 4 }],
  };
  const answer = answers[hostname.replace(/^acct\./, '')];
  if (answer) return process.nextTick(() => callback(null, answer));
  dnsLookup(hostname, options, callback);
};

/** A loopback listener that counts the connections offered to it and drops each at once. */
async function startCounter(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    count++;
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    connections: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function expectRefused(t: TestPlatform, family: (typeof FAMILIES)[number], host: string, port: number, reason: RegExp): Promise<void> {
  const id = await createConnection(t, family.specId, family.specName, family.params(host, port));
  const tested = await testConnection(t, id);
  expect(tested, `${family.family} → ${host}`).toMatchObject({ status: 400, code: 'FLOW-3008' });
  expect(tested.detail).toMatch(/Egress refused/);
  expect(tested.detail).toMatch(reason);
  const explored = await explore(t, id, 'objectType=root');
  expect(explored.status, `${family.family} explore → ${host}`).toBe(400);
  expect(explored.body.type).toContain('FLOW-3008');
  expect(explored.body.detail).toMatch(reason);
}

describe('egress policy through the Flow Service API', () => {
  let tripwire: Tripwire;
  let counter: Awaited<ReturnType<typeof startCounter>>;

  beforeAll(async () => {
    tripwire = armTripwire();
    counter = await startCounter();
  });

  afterAll(async () => {
    tripwire?.disarm();
    await counter?.close();
  });

  describe('open (a single-user install: loopback and private allowed)', () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ resolver });
    });
    afterAll(async () => t?.close());

    for (const family of FAMILIES) {
      it(`${family.family}: refuses metadata and link-local endpoints, named or literal, before connecting`, async () => {
        await expectRefused(t, family, 'acct.metadata.test', 80, /acct\.metadata\.test resolves to a cloud metadata address/);
        await expectRefused(t, family, 'acct.mapped.test', 80, /resolves to a cloud metadata address/);
        await expectRefused(t, family, 'acct.mixed.test', counter.port, /resolves to a cloud metadata address/);
        await expectRefused(t, family, '169.254.169.254', 80, /169\.254\.169\.254 is a cloud metadata address/);
        await expectRefused(t, family, '169.254.10.10', 80, /is a link-local address/);
        await expectRefused(t, family, 'metadata.google.internal', 80, /metadata\.google\.internal is a cloud metadata service/);
        expect(tripwire.attempts).toEqual([]);
        expect(counter.connections()).toBe(0);
      });
    }

    it('connects to the address it checked, not to a second resolution (loopback allowed here)', async () => {
      const before = counter.connections();
      const hdfs = FAMILIES.find((f) => f.family === 'HDFS')!;
      // Only the injected resolver knows acct.loopback.test: reaching the listener proves its answer was used.
      const id = await createConnection(t, hdfs.specId, hdfs.specName, hdfs.params('acct.loopback.test', counter.port));
      const tested = await testConnection(t, id);
      expect(tested.code).not.toBe('FLOW-3008');
      expect(counter.connections()).toBeGreaterThan(before);
    });
  });

  describe('public-only (a multi-tenant install)', () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ resolver, env: { TRIBUTARY_EGRESS: 'public-only' } });
    });
    afterAll(async () => t?.close());

    for (const family of FAMILIES) {
      it(`${family.family}: refuses loopback and private endpoints before connecting`, async () => {
        const before = counter.connections();
        await expectRefused(t, family, '127.0.0.1', counter.port, /127\.0\.0\.1 is a loopback address .*\(public-only\) does not allow/);
        await expectRefused(t, family, 'acct.loopback.test', counter.port, /resolves to a loopback address/);
        await expectRefused(t, family, 'acct.private.test', 80, /resolves to a private-network address/);
        await expectRefused(t, family, '[::ffff:127.0.0.1]', counter.port, /is a loopback address/);
        await expectRefused(t, family, 'acct.metadata.test', 80, /resolves to a cloud metadata address/);
        expect(counter.connections()).toBe(before);
        expect(tripwire.attempts).toEqual([]);
      });
    }
  });
});
