import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FileStorage } from '../../../src/connectors/sdk.js';
import { parseSftpSettings, sftp, SftpStorage } from '../../../src/connectors/sftp/index.js';
import { selectFiles } from '../../../src/connectors/files/index.js';
import { startSshd, type SshdHandle } from '../../support/sshd.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { startCuttingProxy, type CuttingProxy } from '../gcs/cutting-proxy.js';
import {
  bigCsv,
  createConnection,
  EVENTS_JSONL_GZ,
  expectPeopleLand,
  expectPreviews,
  explore,
  FS,
  PEOPLE_CSV,
  testConnection,
} from '../../support/flow-journey.js';
import { closedPort, collect, connectorError as failure } from '../../support/storage-contract.js';

const SFTP = 'b7bf2577-4520-42c9-bae9-cad01560f7bc';
const BASIC = 'Basic Authentication for sftp';
const KEY = 'SSH PublicKey Authentication for sftp';
const PASSPHRASE = 'correct horse battery staple';
const FAST_RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 };
const BIG = bigCsv(30_000);

function put(root: string, path: string, content: string | Buffer, mtimeMs = Date.now() - 3_600_000): void {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o755 });
  writeFileSync(file, content, { mode: 0o644 });
  utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
}

describe('sftp connector (against a private OpenSSH sshd)', () => {
  let sshd: SshdHandle;
  let keyDir: string;
  let privateKeyContent: string;
  let basic: Record<string, unknown>;
  let keyed: Record<string, unknown>;
  const opened: FileStorage[] = [];
  const open = (params: Record<string, unknown>) => {
    const storage = new SftpStorage(parseSftpSettings(params), { retry: FAST_RETRY });
    opened.push(storage);
    return storage;
  };

  beforeAll(async () => {
    sshd = await startSshd();
    put(sshd.root, 'data/people/people.csv', PEOPLE_CSV);
    put(sshd.root, 'data/people/events.jsonl.gz', EVENTS_JSONL_GZ);
    put(sshd.root, 'data/people/archive/old.csv', PEOPLE_CSV);
    put(sshd.root, 'data/big/big.csv', BIG);
    // More names than one READDIR answer holds, so listings take several batches.
    for (let i = 0; i < 300; i++) put(sshd.root, `data/many/f${String(i).padStart(3, '0')}.csv`, 'id\n1\n');
    put(sshd.root, 'data/secret/hidden.csv', 'id\n1\n');
    chmodSync(join(sshd.root, 'data/secret'), 0o700); // owned by root: the SFTP user may not enter
    put(sshd.root, 'data/unreadable.csv', 'id\n1\n');
    chmodSync(join(sshd.root, 'data/unreadable.csv'), 0o600);

    keyDir = mkdtempSync(join(tmpdir(), 'tributary-sftp-key-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-C', 'tributary-test', '-f', join(keyDir, 'id')]);
    sshd.authorize(readFileSync(join(keyDir, 'id.pub'), 'utf8'));
    privateKeyContent = readFileSync(join(keyDir, 'id')).toString('base64');
    basic = { host: sshd.host, port: sshd.port, userName: sshd.user, password: sshd.password };
    keyed = { host: sshd.host, port: sshd.port, userName: sshd.user, privateKeyContent, passPhrase: PASSPHRASE };
  });

  afterAll(async () => {
    await Promise.all(opened.map((storage) => storage.close()));
    await sshd?.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('declares the AEP spec with both auth methods and their secrets', () => {
    expect(sftp.spec.id).toBe(SFTP);
    expect(sftp.spec.authSpec.map((a) => a.name)).toEqual([BASIC, KEY]);
    expect([...sftp.secretParams].sort()).toEqual(['passPhrase', 'password', 'privateKeyContent']);
  });

  it('logs in with a password: checks, lists in batches, stats, reads', async () => {
    const storage = open(basic);
    await storage.check();
    expect((await storage.list('/')).map((e) => `${e.type}:${e.path}`)).toEqual(['folder:/data']);
    expect((await storage.list('/data/people')).map((e) => `${e.type}:${e.name}`)).toEqual([
      'folder:archive',
      'file:events.jsonl.gz',
      'file:people.csv',
    ]);
    const many = await storage.list('/data/many');
    expect(many).toHaveLength(300);
    expect(many[0]).toMatchObject({ type: 'file', name: 'f000.csv', size: 5 });
    expect(await storage.stat('/data/people/people.csv')).toMatchObject({ type: 'file', size: PEOPLE_CSV.length });
    expect((await storage.stat('/data/people/people.csv'))!.modifiedAt).toBeLessThan(Date.now() - 3_000_000);
    expect(await storage.stat('/data/people/archive')).toEqual({ type: 'folder', name: 'archive', path: '/data/people/archive' });
    expect(await storage.stat('/data/none.csv')).toBeNull();
    expect((await buffer(await storage.read('/data/big/big.csv'))).equals(BIG)).toBe(true);
    expect(await collect(selectFiles(storage, '/data/people/*.csv', { recursive: true }))).toEqual([
      '/data/people/archive/old.csv',
      '/data/people/people.csv',
    ]);
  });

  it('logs in with an encrypted OpenSSH private key and its pass phrase; accepts `username`', async () => {
    const { userName, ...rest } = keyed;
    const storage = open({ ...rest, username: userName });
    await storage.check();
    expect((await buffer(await storage.read('/data/people/people.csv'))).toString()).toBe(PEOPLE_CSV);
    expect(sshd.log()).toMatch(/Accepted publickey for tributary-sftp/);
  });

  it('confines paths to folderPath', async () => {
    const storage = open({ ...basic, folderPath: '/data/people/' });
    expect((await storage.list('/')).map((e) => e.path)).toEqual(['/archive', '/events.jsonl.gz', '/people.csv']);
    expect((await buffer(await storage.read('/people.csv'))).toString()).toBe(PEOPLE_CSV);
    expect((await failure(storage.read('/../big/big.csv'))).failure).toBe('path_escape');
  });

  it('tells bad credentials, an unreachable server, missing things and refused access apart', async () => {
    expect((await failure(open({ ...basic, password: 'wrong' }).check())).failure).toBe('bad_credentials');
    expect((await failure(open({ ...keyed, passPhrase: 'wrong pass phrase' }).check())).failure).toBe('bad_credentials');
    expect((await failure(open({ ...basic, port: await closedPort() }).check())).failure).toBe('unreachable');
    expect((await failure(open({ ...basic, folderPath: '/nope' }).check())).failure).toBe('not_found');
    const storage = open(basic);
    expect((await failure(storage.list('/data/nope'))).failure).toBe('not_found');
    expect((await failure(storage.read('/data/none.csv'))).failure).toBe('not_found');
    expect((await failure(storage.list('/data/secret'))).failure).toBe('permission_denied');
    expect((await failure(storage.read('/data/unreadable.csv'))).failure).toBe('permission_denied');
    expect(() => sftp.open({ host: 'h', userName: 'u', privateKeyContent: 'bm90IGEga2V5' })).toThrow(/privateKeyContent/);
    expect(() => sftp.open({ host: 'h', password: 'p' })).toThrow(/userName/);
  });

  it('opens at most maxConcurrentConnections connections, however many reads run at once', async () => {
    const before = (sshd.log().match(/Accepted password for/g) ?? []).length;
    const storage = open({ ...basic, maxConcurrentConnections: 2 });
    const reads = await Promise.all([1, 2, 3, 4, 5].map(() => storage.read('/data/big/big.csv')));
    const bodies = await Promise.all(reads.map((stream) => buffer(stream)));
    for (const body of bodies) expect(body.equals(BIG)).toBe(true);
    const after = (sshd.log().match(/Accepted password for/g) ?? []).length;
    expect(after - before).toBe(2);
  });

  describe('when the connection drops mid-file', () => {
    let proxy: CuttingProxy;
    beforeAll(async () => {
      proxy = await startCuttingProxy({ host: sshd.host, port: sshd.port });
    });
    afterAll(async () => proxy?.stop());

    it('resumes the read on a new connection, from the byte it reached', async () => {
      const storage = open({ ...basic, port: proxy.port });
      // Armed before the read (the handshake's few kB count too): the read may run ahead of the consumer.
      proxy.cutAfter(200_000);
      const stream = await storage.read('/data/big/big.csv');
      expect((await buffer(stream)).equals(BIG)).toBe(true);
      expect(proxy.cuts).toBe(1);
      proxy.disarm();
    });

    it('fails the read with a transient error when the connection keeps dropping', async () => {
      const storage = open({ ...basic, port: proxy.port });
      const stream = await storage.read('/data/big/big.csv');
      // Each new connection dies during its SSH handshake: no progress is possible.
      proxy.cutAfter(1_500, 1_000);
      expect((await failure(buffer(stream))).failure).toBe('transient');
      proxy.disarm();
    });
  });

  describe('through the Flow Service API', () => {
    let t: TestPlatform;
    let connectionId: string;

    beforeAll(async () => {
      t = await startTestPlatform({ database: 'pglite' });
      connectionId = await createConnection(t, SFTP, BASIC, { ...basic, maxConcurrentConnections: 2 });
    });
    afterAll(async () => t?.close());

    it('tests password and key connections, and tells a wrong password and a closed port apart', async () => {
      expect(await testConnection(t, connectionId)).toEqual({ status: 200 });
      expect(await testConnection(t, await createConnection(t, SFTP, KEY, keyed))).toEqual({ status: 200 });
      const wrong = await createConnection(t, SFTP, BASIC, { ...basic, password: 'wrong' });
      expect(await testConnection(t, wrong)).toMatchObject({ status: 400, code: 'FLOW-3001' });
      const closed = await createConnection(t, SFTP, BASIC, { ...basic, port: await closedPort() });
      expect(await testConnection(t, closed)).toMatchObject({ status: 400, code: 'FLOW-3002' });
      const shown = (await t.call('GET', `${FS}/connections/${connectionId}`)).body;
      expect(shown).not.toContain(sshd.password);
    });

    it('explores the root and a folder, and previews a CSV and a gzip JSON-lines file', async () => {
      expect((await explore(t, connectionId, 'objectType=root')).body).toEqual([
        { type: 'folder', name: 'data', path: '/data', canPreview: false, canFetchSchema: false },
      ]);
      // Explore pages through the server's own order, which SFTP does not define: compare as sets.
      const folder = (await explore(t, connectionId, 'objectType=folder&object=/data/people')).body as Array<{ name: string }>;
      expect(folder.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { type: 'folder', name: 'archive', path: '/data/people/archive', canPreview: false, canFetchSchema: false },
        { type: 'file', name: 'events.jsonl.gz', path: '/data/people/events.jsonl.gz', canPreview: true, canFetchSchema: true },
        { type: 'file', name: 'people.csv', path: '/data/people/people.csv', canPreview: true, canFetchSchema: true },
      ]);
      await expectPreviews(t, connectionId, '/data/people/people.csv', '/data/people/events.jsonl.gz');
    });

    it('runs a flow to a successful batch', async () => {
      await expectPeopleLand(t, { connectionId, specId: SFTP, path: '/data/people/*.csv' });
    });
  });
});
