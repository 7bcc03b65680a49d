import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { startS3rver, type S3rverHandle } from '../support/s3rver.js';

const FS = '/data/foundation/flowservice';
const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const S3 = 'ecadc60c-7455-4d87-84dc-2a0e293d997b';

describe('Flow Service connections', () => {
  let t: TestPlatform;
  let s3: S3rverHandle;
  let folder: string;

  beforeAll(async () => {
    [t, s3] = await Promise.all([startTestPlatform(), startS3rver()]);
    folder = mkdtempSync(join(tmpdir(), 'tributary-conn-'));
    mkdirSync(join(folder, 'in'));
    writeFileSync(join(folder, 'in', 'people.csv'), 'id,name\n1,Ada\n2,Grace\n');
    writeFileSync(join(folder, 'in', 'events.json.gz'), gzipSync('{"id":1,"kind":"click"}\n{"id":2,"kind":"view"}\n'));
  });
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('lists the connection specs and the flow spec of the tutorial', async () => {
    const specs = await t.call('GET', `${FS}/connectionSpecs`);
    expect(specs.statusCode).toBe(200);
    const ids = specs.json().items.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining([S3, LOCAL, 'c604ff05-7f1a-43c0-8e18-33bf874cb11c']));
    const s3Spec = await t.call('GET', `${FS}/connectionSpecs/${S3}`);
    expect(s3Spec.json().items[0].authSpec[0].name).toBe('Access Key');
    const flowSpecs = await t.call('GET', `${FS}/flowSpecs?property=name=="CloudStorageToAEP"`);
    expect(flowSpecs.json().items.map((s: { id: string }) => s.id)).toEqual(['9753525b-82c7-4dce-8a9b-5ccfce2b9876']);
    expect(flowSpecs.json().items[0].sourceConnectionSpecIds).toEqual(expect.arrayContaining([S3, LOCAL]));
    const none = await t.call('GET', `${FS}/flowSpecs?property=name=="Nothing"`);
    expect(none.json().items).toEqual([]);
  });

  it('keeps S3 secrets encrypted at rest and never returns them', async () => {
    const secret = 'wJalrXUtnFEMI-very-secret-key';
    const created = await t.call('POST', `${FS}/connections`, {
      name: 'S3',
      auth: { specName: 'Access Key', params: { s3AccessKey: 'S3RVER', s3SecretKey: secret, serviceUrl: s3.endpoint } },
      connectionSpec: { id: S3, version: '1.0' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, etag } = created.json();
    expect(etag).toMatch(/^".+"$/);
    const read = await t.call('GET', `${FS}/connections/${id}`);
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain(secret);
    expect(read.json().items[0]).toMatchObject({ id, name: 'S3', connectionSpec: { id: S3 }, auth: { specName: 'Access Key' }, state: 'enabled' });
    const list = await t.call('GET', `${FS}/connections`);
    expect(list.body).not.toContain(secret);
    const stored = await t.platform.db.query<{ doc: unknown; sealed_secrets: string }>(
      'select doc, sealed_secrets from base_connections where id = $1',
      [id],
    );
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored[0]!.sealed_secrets).toMatch(/^v1\./);
  });

  it('tells bad credentials, an unreachable host and a good connection apart', async () => {
    const make = async (params: Record<string, unknown>) =>
      (
        await t.call('POST', `${FS}/connections`, { name: 'x', auth: { specName: 'Access Key', params }, connectionSpec: { id: S3, version: '1.0' } })
      ).json().id;
    const good = await make({ s3AccessKey: s3.accessKeyId, s3SecretKey: s3.secretAccessKey, serviceUrl: s3.endpoint });
    const badKey = await make({ s3AccessKey: 'NOT-A-KEY', s3SecretKey: 'x', serviceUrl: s3.endpoint });
    const unreachable = await make({ s3AccessKey: 'S3RVER', s3SecretKey: 'S3RVER', serviceUrl: 'http://127.0.0.1:9' });
    expect((await t.call('GET', `${FS}/connections/${good}/test`)).json()).toEqual({ result: true });
    const bad = await t.call('GET', `${FS}/connections/${badKey}/test`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toContain('FLOW-3001');
    const down = await t.call('GET', `${FS}/connections/${unreachable}/test`);
    expect(down.statusCode).toBe(400);
    expect(down.json().type).toContain('FLOW-3002');
  });

  it('refuses auth params that do not match the spec, and unknown specs', async () => {
    const missing = await t.call('POST', `${FS}/connections`, {
      name: 'x',
      auth: { specName: 'Access Key', params: {} },
      connectionSpec: { id: S3 },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().detail).toMatch(/s3AccessKey/);
    const unknown = await t.call('POST', `${FS}/connections`, {
      name: 'x',
      auth: { specName: 'x', params: {} },
      connectionSpec: { id: '00000000-0000-0000-0000-000000000000' },
    });
    expect(unknown.statusCode).toBe(400);
    const malformed = await t.call('POST', `${FS}/connections`, '{"name": ', { 'content-type': 'application/json' });
    expect(malformed.statusCode).toBe(400);
  });

  it('rotates credentials with PATCH and If-Match', async () => {
    const created = (
      await t.call('POST', `${FS}/connections`, {
        name: 'rotate me',
        auth: { specName: 'Access Key', params: { s3AccessKey: 'S3RVER', s3SecretKey: 'old-secret', serviceUrl: s3.endpoint } },
        connectionSpec: { id: S3, version: '1.0' },
      })
    ).json();
    const patch = [{ op: 'REPLACE', path: '/auth/params/s3SecretKey', value: 'new-secret' }];
    expect((await t.call('PATCH', `${FS}/connections/${created.id}`, patch)).statusCode).toBe(412);
    expect((await t.call('PATCH', `${FS}/connections/${created.id}`, patch, { 'if-match': '"stale"' })).statusCode).toBe(412);
    const ok = await t.call('PATCH', `${FS}/connections/${created.id}`, patch, { 'if-match': created.etag });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().etag).not.toBe(created.etag);
    const stored = await t.platform.db.query<{ sealed_secrets: string }>('select sealed_secrets from base_connections where id = $1', [created.id]);
    expect(t.platform.secrets.openJson(stored[0]!.sealed_secrets)).toEqual({ s3SecretKey: 'new-secret' });
  });

  it('explores a local folder and previews a CSV', async () => {
    const { id } = (
      await t.call('POST', `${FS}/connections`, {
        name: 'local',
        auth: { specName: 'Local Folder', params: { path: folder } },
        connectionSpec: { id: LOCAL },
      })
    ).json();
    const root = await t.call('GET', `${FS}/connections/${id}/explore?objectType=root`);
    expect(root.json()).toEqual([{ type: 'folder', name: 'in', path: '/in', canPreview: false, canFetchSchema: false }]);
    const sub = await t.call('GET', `${FS}/connections/${id}/explore?objectType=FOLDER&object=/in`);
    expect(sub.json()).toEqual([
      { type: 'file', name: 'events.json.gz', path: '/in/events.json.gz', canPreview: true, canFetchSchema: true },
      { type: 'file', name: 'people.csv', path: '/in/people.csv', canPreview: true, canFetchSchema: true },
    ]);
    const json = await t.call(
      'GET',
      `${FS}/connections/${id}/explore?objectType=file&object=/in/events.json.gz&fileType=json&compressionType=gzip&preview=true`,
    );
    expect(json.statusCode, json.body).toBe(200);
    expect(json.json().schema.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'kind']);
    expect(json.json().data).toEqual([
      { id: 1, kind: 'click' },
      { id: 2, kind: 'view' },
    ]);
    const preview = await t.call('GET', `${FS}/connections/${id}/explore?objectType=file&object=/in/people.csv&fileType=delimited&preview=true`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().schema.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'name']);
    expect(preview.json().data).toHaveLength(2);
    const escaped = await t.call('GET', `${FS}/connections/${id}/explore?objectType=folder&object=/../../etc`);
    expect(escaped.statusCode).toBeGreaterThanOrEqual(400);
    expect(escaped.statusCode).toBeLessThan(500);
    expect(escaped.body).not.toContain('passwd');
  });

  it('pages a folder of 100,000 files instead of answering it whole', async () => {
    const big = join(folder, 'big');
    mkdirSync(big);
    for (let i = 0; i < 100_000; i++) writeFileSync(join(big, `f${String(i).padStart(6, '0')}.csv`), '');
    const { id } = (
      await t.call('POST', `${FS}/connections`, {
        name: 'big',
        auth: { specName: 'Local Folder', params: { path: folder } },
        connectionSpec: { id: LOCAL },
      })
    ).json();
    const seen = new Set<string>();
    let url: string | undefined = `${FS}/connections/${id}/explore?objectType=folder&object=/big`;
    let pages = 0;
    while (url) {
      const res = await t.call('GET', url);
      expect(res.statusCode, res.body).toBe(200);
      const entries = res.json() as Array<{ path: string }>;
      expect(entries.length).toBeLessThanOrEqual(10_000);
      for (const e of entries) seen.add(e.path);
      pages++;
      const token = res.headers['x-continuation-token'] as string | undefined;
      url = token ? `${FS}/connections/${id}/explore?objectType=folder&object=/big&continuationToken=${token}` : undefined;
    }
    expect(pages).toBe(10);
    expect(seen.size).toBe(100_000);
    const small = await t.call('GET', `${FS}/connections/${id}/explore?objectType=folder&object=/big&limit=3`);
    expect(small.json()).toHaveLength(3);
    expect(small.headers.link).toMatch(/continuationToken=/);
    rmSync(big, { recursive: true, force: true });
  }, 120_000);

  it('does not show one sandbox’s connection in another org', async () => {
    const { id } = (
      await t.call('POST', `${FS}/connections`, {
        name: 'mine',
        auth: { specName: 'Local Folder', params: { path: folder } },
        connectionSpec: { id: LOCAL },
      })
    ).json();
    const other = await t.platform.identity.createOrg({ name: 'Intruder' });
    const client = await t.platform.identity.createClient(other.orgId, 'intruder');
    const { accessToken } = await t.platform.identity.issueToken(client.clientId, client.clientSecret);
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'x-api-key': client.clientId,
      'x-gw-ims-org-id': other.orgId,
      'x-sandbox-name': 'prod',
    };
    const res = await t.app.inject({ method: 'GET', url: `${FS}/connections/${id}`, headers });
    expect(res.statusCode).toBe(404);
    const list = await t.app.inject({ method: 'GET', url: `${FS}/connections`, headers });
    expect(list.json().items).toEqual([]);
    const del = await t.app.inject({ method: 'DELETE', url: `${FS}/connections/${id}`, headers });
    expect(del.statusCode).toBe(404);
    expect((await t.call('GET', `${FS}/connections/${id}`)).statusCode).toBe(200);
  });
});
