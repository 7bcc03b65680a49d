import { mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createConnection, explore, FS, PEOPLE_CSV } from '../support/flow-journey.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';

/** What a tenant asks for when it creates a Local Folder connection: its answer, and the connection id when made. */
async function connect(t: TestPlatform, path: string): Promise<{ status: number; id?: string; detail?: string }> {
  const response = await t.call('POST', `${FS}/connections`, {
    name: 'probe',
    auth: { specName: 'Local Folder', params: { path } },
    connectionSpec: { id: LOCAL, version: '1.0' },
  });
  const body = response.json();
  return { status: response.statusCode, id: body.id, detail: body.detail ?? body.title };
}

function previewQuery(path: string): string {
  return `objectType=file&object=${encodeURIComponent(path)}&fileType=delimited&preview=true`;
}

/** Every answer a tenant gets must be free of the secrets kept in the home. */
function expectNoSecrets(t: TestPlatform, body: unknown): void {
  const text = JSON.stringify(body);
  const masterKey = readFileSync(join(t.home, 'master.key'), 'utf8').trim();
  expect(text).not.toContain(masterKey);
  expect(text).not.toContain(t.credentials.clientSecret);
  expect(text).not.toContain(JSON.parse(readFileSync(join(t.home, 'admin.json'), 'utf8')).adminToken);
}

describe('Local Folder connections on the default configuration: only the landing folder under the home', () => {
  let t: TestPlatform;
  let outside: string;

  beforeAll(async () => {
    // No TRIBUTARY_LOCAL_ROOTS: what `npm start` runs with.
    t = await startTestPlatform({ env: { TRIBUTARY_LOCAL_ROOTS: '' } });
    const landing = join(t.home, 'landing');
    mkdirSync(join(landing, 'backfil'), { recursive: true });
    writeFileSync(join(landing, 'backfil', 'people.csv'), PEOPLE_CSV);
    outside = mkdtempSync(join(tmpdir(), 'tributary-outside-'));
    writeFileSync(join(outside, 'other.csv'), 'id\nsecret-row\n');
    // A tenant who can write into the landing folder plants links out of it.
    symlinkSync(t.home, join(landing, 'home-link'));
    symlinkSync(join(t.home, 'master.key'), join(landing, 'key.csv'));
    symlinkSync(outside, join(landing, 'outside-link'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(outside, { recursive: true, force: true });
  });

  it('reads the landing folder the tutorial uses', async () => {
    const made = await connect(t, join(t.home, 'landing'));
    expect(made.status).toBe(201);
    const preview = await explore(t, made.id!, previewQuery('/backfil/people.csv'));
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(JSON.stringify(preview.body)).toContain('ada@example.com');
  });

  it('refuses at creation any folder outside the roots: the file system root, the home, its parent, another folder', async () => {
    for (const path of ['/', t.home, join(t.home, 'db'), join(t.home, '..'), join(t.home, 'landing', '..'), '/etc', outside]) {
      const made = await connect(t, path);
      expect(made.status, path).toBe(400);
      expect(made.detail, path).toMatch(/TRIBUTARY_LOCAL_ROOTS/);
    }
  });

  it('never follows a link out of the landing folder, into the home or elsewhere', async () => {
    const made = await connect(t, join(t.home, 'landing'));
    const root = await explore(t, made.id!, 'objectType=root');
    expect(root.status).toBe(200);
    expect((root.body as Array<{ name: string }>).map((entry) => entry.name)).toEqual(['backfil']);
    for (const path of ['/key.csv', '/home-link/master.key', '/home-link/credentials.json', '/home-link/admin.json', '/outside-link/other.csv']) {
      const preview = await explore(t, made.id!, previewQuery(path));
      expect(preview.status, path).toBe(400);
      expectNoSecrets(t, preview.body);
      expect(JSON.stringify(preview.body)).not.toContain('secret-row');
    }
    const linked = await explore(t, made.id!, 'objectType=folder&object=%2Fhome-link');
    expect(linked.status).toBe(400);
  });

  it('refuses a connection whose folder is later swapped for a link out of the roots, on the next access', async () => {
    const folder = join(t.home, 'landing', 'swapped');
    mkdirSync(folder);
    writeFileSync(join(folder, 'people.csv'), PEOPLE_CSV);
    const made = await connect(t, folder);
    expect((await explore(t, made.id!, previewQuery('/people.csv'))).status).toBe(200);
    renameSync(folder, `${folder}-old`);
    symlinkSync(t.home, folder);
    const after = await explore(t, made.id!, previewQuery('/master.key'));
    expect(after.status).toBe(400);
    expectNoSecrets(t, after.body);
    const test = await t.call('GET', `${FS}/connections/${made.id}/test`);
    expect(test.statusCode).toBe(400);
  });
});

describe('Local Folder connections under a root that contains the home', () => {
  let t: TestPlatform;
  let base: string;

  beforeAll(async () => {
    // The operator's root is a parent of everything: the platform's own folders stay out of reach.
    base = realpathSync(mkdtempSync(join(tmpdir(), 'tributary-wide-root-')));
    const home = join(base, 'home');
    mkdirSync(join(base, 'data'));
    writeFileSync(join(base, 'data', 'people.csv'), PEOPLE_CSV);
    t = await startTestPlatform({ home, env: { TRIBUTARY_LOCAL_ROOTS: base } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('lists and reads the root but leaves the home out of it', async () => {
    const made = await connect(t, base);
    expect(made.status).toBe(201);
    const root = await explore(t, made.id!, 'objectType=root');
    expect((root.body as Array<{ name: string }>).map((entry) => entry.name)).toEqual(['data']);
    expect((await explore(t, made.id!, previewQuery('/data/people.csv'))).status).toBe(200);
    for (const path of ['/home/master.key', '/home/credentials.json', '/home/admin.json', '/home/lake']) {
      const preview = await explore(t, made.id!, previewQuery(path));
      expect(preview.status, path).toBe(400);
      expectNoSecrets(t, preview.body);
    }
  });

  it('refuses a connection made on the home itself when it is used', async () => {
    // Lexically under the root, so creation cannot tell; every access can.
    const made = await connect(t, t.home);
    expect(made.status).toBe(201);
    const listing = await explore(t, made.id!, 'objectType=root');
    expect(listing.status).toBe(400);
    expectNoSecrets(t, listing.body);
    expect((await explore(t, made.id!, previewQuery('/master.key'))).status).toBe(400);
  });
});

describe('TRIBUTARY_LOCAL_ROOTS', () => {
  it('takes absolute folders separated by colons, and never the home or a folder inside it but landing/', () => {
    const home = '/srv/tributary';
    expect(loadConfig({ TRIBUTARY_HOME: home }).localRoots).toEqual(['/srv/tributary/landing']);
    expect(loadConfig({ TRIBUTARY_HOME: home, TRIBUTARY_LOCAL_ROOTS: '/mnt/a:/mnt/b/' }).localRoots).toEqual(['/mnt/a', '/mnt/b']);
    expect(loadConfig({ TRIBUTARY_HOME: home, TRIBUTARY_LOCAL_ROOTS: '/srv/tributary/landing/acme' }).localRoots).toEqual([
      '/srv/tributary/landing/acme',
    ]);
    expect(() => loadConfig({ TRIBUTARY_HOME: home, TRIBUTARY_LOCAL_ROOTS: 'relative' })).toThrow(/absolute/);
    expect(() => loadConfig({ TRIBUTARY_HOME: home, TRIBUTARY_LOCAL_ROOTS: '/srv/tributary' })).toThrow(/home/);
    expect(() => loadConfig({ TRIBUTARY_HOME: home, TRIBUTARY_LOCAL_ROOTS: '/srv/tributary/lake' })).toThrow(/landing/);
    expect(() => loadConfig({ TRIBUTARY_HOME: home, TRIBUTARY_LOCAL_ROOTS: '/srv/tributary/landing/../db' })).toThrow(/landing/);
  });
});
