/** The static serving of the UI: files as they are, index.html for client routes, API paths untouched. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

describe('web UI serving', () => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let dist: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    dist = mkdtempSync(join(tmpdir(), 'tributary-web-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>UI</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'main-abc123.js'), 'console.log("ui")');
    app = await buildApp(t.platform, { logLevel: false, webRoot: dist });
    bare = await buildApp(t.platform, { logLevel: false, webRoot: false });
  });
  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await t?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for client routes a browser asks for', async () => {
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.headers['content-type']).toMatch(/text\/html/);
    expect(root.body).toContain('<div id="root">');
    expect(root.headers['cache-control']).toBe('no-cache');
    const route = await app.inject({
      method: 'GET',
      url: '/dataflows/0f0e6a3c-1a52-4c4e-9c1e-3b1f2a9d8e7f',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('<div id="root">');
  });

  it('serves hashed assets for good, and a missing asset is a 404, not the page', async () => {
    const asset = await app.inject({ method: 'GET', url: '/assets/main-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("ui")');
    expect(asset.headers['cache-control']).toContain('immutable');
    const missing = await app.inject({ method: 'GET', url: '/assets/gone.js', headers: { accept: '*/*' } });
    expect(missing.statusCode).toBe(404);
    const traversal = await app.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd', headers: { accept: '*/*' } });
    expect(traversal.statusCode).toBe(404);
    expect(traversal.body).not.toContain('root:');
  });

  it('leaves API paths to the API, with their own error shapes, even for a browser', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/data/foundation/catalog/nothing-here', headers: { ...t.headers, accept: 'text/html' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/json/);
    const listed = await app.inject({ method: 'GET', url: '/data/foundation/flowservice/connectionSpecs', headers: t.headers });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items.length).toBeGreaterThan(0);
  });

  it('tells the UI which optional routes exist', async () => {
    const caps = await app.inject({ method: 'GET', url: '/tributary/ui/capabilities' });
    expect(caps.statusCode).toBe(200);
    const body = caps.json();
    expect(Object.keys(body).sort()).toEqual(['datasetPreview', 'functions', 'mappingPreview', 'query', 'sandboxes']);
    // The Query Service is registered by app.ts; a route nobody registered reads false.
    expect(body.query).toBe(true);
    expect(typeof body.mappingPreview).toBe('boolean');
  });

  it('serves no UI when told not to', async () => {
    expect((await bare.inject({ method: 'GET', url: '/' })).statusCode).toBe(404);
  });
});
