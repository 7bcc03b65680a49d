/**
 * Credentials written into a connection's URL (an HDFS `url` with a user, a password and a
 * delegation token; an S3 `serviceUrl` with user:password) are secrets: sealed at rest, shown
 * redacted — and still used to reach the storage.
 */
import { assert, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMAZON_S3_SPEC_ID, HDFS_SPEC_ID } from '../../src/connectors/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { startFakeWebHdfs, type FakeWebHdfs } from '../support/fake-webhdfs/fake-webhdfs.js';
import { startS3rver, type S3rverHandle } from '../support/s3rver.js';
import { HOUR_AGO_MS, PEOPLE_CSV } from '../support/flow-journey.js';

const FS = '/data/foundation/flowservice';
const PASSWORD = 'pw-in-url-5f1c9a';
const TOKEN = 'delegation-token-8d2e7b';
const S3_PASSWORD = 's3-url-password-3a9c41';

describe('credentials inside connection URLs', () => {
  let t: TestPlatform;
  let hdfs: FakeWebHdfs;
  let s3: S3rverHandle;

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.call(method, url, body, headers);

  beforeAll(async () => {
    hdfs = await startFakeWebHdfs({
      requireCredentials: {
        query: { 'user.name': 'alice', delegation: TOKEN },
        authorization: `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`,
      },
    });
    hdfs.fs.put('/landing/people.csv', PEOPLE_CSV, HOUR_AGO_MS);
    [t, s3] = await Promise.all([startTestPlatform(), startS3rver()]);
  });

  afterAll(async () => {
    await t?.close();
    await hdfs?.stop();
    await s3?.stop();
  });

  async function create(specId: string, specName: string, params: Record<string, unknown>): Promise<string> {
    const created = await call('POST', `${FS}/connections`, {
      name: specName,
      auth: { specName, params },
      connectionSpec: { id: specId, version: '1.0' },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().id;
  }

  async function expectNowhere(id: string, secrets: string[]): Promise<Record<string, unknown>> {
    const read = await call('GET', `${FS}/connections/${id}`);
    const list = await call('GET', `${FS}/connections`);
    const [row] = await t.platform.db.query<{ doc: unknown; sealed_secrets: string | null }>(
      'select doc, sealed_secrets from base_connections where id = $1',
      [id],
    );
    assert.isDefined(row);
    for (const secret of secrets) {
      expect(read.body).not.toContain(secret);
      expect(list.body).not.toContain(secret);
      expect(JSON.stringify(row.doc)).not.toContain(secret);
      expect(row.sealed_secrets ?? '').not.toContain(secret);
    }
    return read.json().items[0].auth.params;
  }

  it('HDFS: a user, password and delegation token in `url` are sealed, redacted, and still sent to the name node', async () => {
    const base = new URL(hdfs.url);
    const url = `http://alice:${PASSWORD}@${base.host}/webhdfs/v1?user.name=alice&delegation=${TOKEN}`;
    const id = await create(HDFS_SPEC_ID, 'Anonymous Authentication', { url });

    const params = await expectNowhere(id, [PASSWORD, TOKEN]);
    expect(params.url).toBe(`http://REDACTED@${base.host}/webhdfs/v1?user.name=REDACTED&delegation=REDACTED`);

    expect((await call('GET', `${FS}/connections/${id}/test`)).statusCode).toBe(200);
    const explored = await call('GET', `${FS}/connections/${id}/explore?objectType=folder&object=/landing`);
    expect(explored.statusCode, explored.body).toBe(200);
    expect(explored.json().map((e: { name: string }) => e.name)).toEqual(['people.csv']);

    // A patch that leaves the URL alone keeps the sealed one; the connection goes on working.
    const etag = (await call('GET', `${FS}/connections/${id}`)).json().items[0].etag;
    const patched = await call('PATCH', `${FS}/connections/${id}`, [{ op: 'replace', path: '/name', value: 'renamed' }], { 'if-match': etag });
    expect(patched.statusCode, patched.body).toBe(200);
    await expectNowhere(id, [PASSWORD, TOKEN]);
    expect((await call('GET', `${FS}/connections/${id}/test`)).statusCode).toBe(200);

    // Without the credentials the fake name node refuses: the test above did use them.
    const bare = await create(HDFS_SPEC_ID, 'Anonymous Authentication', { url: hdfs.url });
    expect((await call('GET', `${FS}/connections/${bare}/test`)).statusCode).toBe(400);
  });

  it('S3: user:password in `serviceUrl` is sealed and redacted, and the connection works', async () => {
    const endpoint = new URL(s3.endpoint);
    const serviceUrl = `http://tenant:${S3_PASSWORD}@${endpoint.host}`;
    const id = await create(AMAZON_S3_SPEC_ID, 'Access Key', { s3AccessKey: s3.accessKeyId, s3SecretKey: s3.secretAccessKey, serviceUrl });
    const params = await expectNowhere(id, [S3_PASSWORD]);
    expect(params.serviceUrl).toBe(`http://REDACTED@${endpoint.host}/`);
    const tested = await call('GET', `${FS}/connections/${id}/test`);
    expect(tested.statusCode, tested.body).toBe(200);
  });
});
