/**
 * The auth matrix: every route the app registers, called without credentials, with a foreign org's token, with a
 * token stolen from another client and on spellings of its path that the router may decode to it. Only the routes
 * named public here answer without credentials; every other one refuses in the gateway's shape before any service
 * is called — and a valid caller is served as usual on any spelling the router matches.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import type { Platform } from '../../src/platform.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Route {
  method: Method;
  url: string;
}

/**
 * Routes anyone may call: the token endpoint, liveness, readiness, metrics, the API docs and the web UI; and the
 * streaming inlets' collection routes, where each inlet decides whether a post needs a token (test/streaming-inlet).
 */
function isPublic(route: Route): boolean {
  return (
    ['/ims/token/v3', '/ims/token/v2', '/health', '/ready', '/metrics', '/tributary/ui/capabilities', '/*', '/docs'].includes(route.url) ||
    route.url.startsWith('/docs/') ||
    route.url.startsWith('/collection/')
  );
}

const isAdmin = (route: Route) => route.url.startsWith('/tributary/admin/');

/**
 * A concrete path of a route pattern: every parameter and wildcard filled with a harmless id. The Iceberg REST
 * catalog's `{prefix}` is the sandbox, so it is one that exists.
 */
const concrete = (url: string) =>
  url
    .replace(/^\/iceberg\/v1\/:prefix\//, '/iceberg/v1/prod/')
    .replace(/:[A-Za-z]+(\([^)]*\))?/g, 'x0')
    .replace(/\*/g, 'x0');

/** Iceberg clients read refusals in the Iceberg REST catalog's ErrorModel; every other caller in the gateway's shape. */
const isIceberg = (path: string) => /^\/(?:%69|i)ceberg\//i.test(path);

const hex = (c: string) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Spellings of a path with some of its letters percent-encoded: the router decodes them to the path itself. */
function encodedSpellings(path: string): string[] {
  const [first = '', second = '', ...rest] = path.slice(1).split('/');
  const tail = [second, ...rest].join('/');
  const last = path.slice(path.lastIndexOf('/') + 1);
  const head = path.slice(0, path.lastIndexOf('/') + 1);
  return [
    `/${hex(first[0] ?? '')}${first.slice(1)}/${tail}`, // /%64ata/…
    `/${hex(first[0] ?? '').toUpperCase()}${first.slice(1)}/${tail}`,
    `/${[...first].map(hex).join('')}/${tail}`,
    `/${first}/${hex(second[0] ?? '')}${second.slice(1)}${rest.length ? `/${rest.join('/')}` : ''}`,
    `${head}${hex(last[0] ?? '')}${last.slice(1)}`,
  ];
}

/** Other spellings that a lenient router, proxy or decoder might take for the path, or for another route's. */
function otherSpellings(path: string): string[] {
  const [first = '', ...rest] = path.slice(1).split('/');
  const tail = rest.join('/');
  return [
    `/${first}%2F${tail}`,
    `/${first}%2f${tail}`,
    `/${first}%5C${tail}`,
    `/${path}`,
    `/${first}//${tail}`,
    `${path}/`,
    `${path}//`,
    `/${first.toUpperCase()}/${tail}`,
    `/${first[0]?.toUpperCase()}${first.slice(1)}/${tail}`,
    path.toUpperCase(),
    `/${first}./${tail}`,
    `${path}.`,
    `/${first}/./${tail}`,
    `/${first}/x/../${tail}`,
    `/${first}/%2e/${tail}`,
    `${path};a=b`,
    `${path}%00`,
    `${path}?property=name%3D%3D%00&limit=%00`,
  ];
}

const spellings = (path: string) => [...encodedSpellings(path), ...otherSpellings(path)];

/**
 * The platform with every service call recorded, so the matrix can tell that a refused request reached no handler.
 * Calls bind to the real service (private fields keep working); the identity checks of authentication are not counted.
 */
function recording(platform: Platform, calls: string[]): Platform {
  const services = [
    'identity',
    'schemaRegistry',
    'identityNamespaces',
    'catalog',
    'dataPrep',
    'dataAccess',
    'batchIngestion',
    'query',
    'flowService',
    'sandboxes',
    'icebergCatalog',
  ];
  const notHandlerCalls = new Set(['identity.authorize', 'identity.authorizeBearer']);
  const wrap = (target: object, path: string): object =>
    new Proxy(target, {
      get(obj, key, receiver) {
        const value = Reflect.get(obj, key, receiver);
        const name = `${path}.${String(key)}`;
        if (typeof value === 'function')
          return (...args: unknown[]) => {
            if (!notHandlerCalls.has(name)) calls.push(name);
            return (value as (...a: unknown[]) => unknown).apply(obj, args);
          };
        return value && typeof value === 'object' ? wrap(value, name) : value;
      },
    });
  return new Proxy(platform, {
    get: (obj, key, receiver) => {
      const value = Reflect.get(obj, key, receiver);
      return services.includes(String(key)) ? wrap(value as object, String(key)) : value;
    },
  });
}

describe('auth matrix over every registered route', () => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let webRoot: string;
  const calls: string[] = [];
  let routes: Route[];
  let adminToken: string;
  const credentials: Record<'none' | 'keysOnly' | 'foreignOrg' | 'stolen' | 'tenantOnAdmin', Record<string, string>> = {} as never;

  const send = (method: Method, url: string, headers: Record<string, string>) => app.inject({ method, url, headers });

  /** A refusal: 401 or 403 in the gateway's shape (the Iceberg catalog's for its routes), and no service called on its behalf. */
  function expectRefused(method: Method, res: LightMyRequestResponse, what: string, before: number, iceberg = false): void {
    expect([401, 403], `${what} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
    if (method !== 'HEAD' && iceberg) {
      expect(res.json(), what).toEqual({
        error: { message: expect.any(String), type: expect.stringMatching(/^(NotAuthorized|Forbidden)Exception$/), code: res.statusCode },
      });
    } else if (method !== 'HEAD') {
      expect(res.json(), what).toEqual({ error_code: expect.stringMatching(/^40[13]\d*$/), message: expect.any(String) });
    }
    expect(calls.slice(before), what).toEqual([]);
  }

  /** The router's own 404 (nothing matched), told apart from a handler's not-found by its text. */
  const isRouterNotFound = (method: Method, res: LightMyRequestResponse) =>
    res.statusCode === 404 && (method === 'HEAD' || res.body.includes('No route for'));

  /** What identifies an error's shape: its fields and the service code in its type. */
  const shape = (res: LightMyRequestResponse) => {
    const body = res.json() as Record<string, unknown>;
    return { keys: Object.keys(body).sort(), type: String(body.type ?? '').replace(/-\d+$/, '') };
  };

  beforeAll(async () => {
    t = await startTestPlatform();
    webRoot = mkdtempSync(join(tmpdir(), 'tributary-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>ui</title>');
    app = await buildApp(recording(t.platform, calls), { logLevel: false, webRoot });
    const seen = new Set<string>();
    routes = app.registeredRoutes
      .map(({ method, url }) => ({ method: method as Method, url }))
      .filter((r) => !seen.has(`${r.method} ${r.url}`) && Boolean(seen.add(`${r.method} ${r.url}`)));
    adminToken = JSON.parse(readFileSync(join(t.home, 'admin.json'), 'utf8')).adminToken;

    const { authorization: _, ...keys } = t.headers;
    const other = await t.platform.identity.createOrg({ name: 'Other' });
    const foreign = await t.platform.identity.createClient(other.orgId, 'foreign');
    const foreignToken = (await t.platform.identity.issueToken(foreign.clientId, foreign.clientSecret)).accessToken;
    const sibling = await t.platform.identity.createClient(t.credentials.imsOrg, 'sibling');
    const siblingToken = (await t.platform.identity.issueToken(sibling.clientId, sibling.clientSecret)).accessToken;
    Object.assign(credentials, {
      none: {},
      keysOnly: keys,
      // Another org's valid token, sent with this org's headers.
      foreignOrg: { ...t.headers, authorization: `Bearer ${foreignToken}` },
      // A token of another client of this org, presented as this client.
      stolen: { ...t.headers, authorization: `Bearer ${siblingToken}` },
      // A tenant's valid credentials are no operator token.
      tenantOnAdmin: t.headers,
    });
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it('covers the API: every service, the admin routes and the public ones', () => {
    const prefixes = [
      '/data/foundation/flowservice/',
      '/data/foundation/schemaregistry/',
      '/data/foundation/catalog/',
      '/data/foundation/conversion/',
      '/data/foundation/export/',
      '/data/foundation/import/',
      '/data/foundation/query/',
      '/data/foundation/sandbox-management/',
      '/data/core/idnamespace/',
      '/tributary/admin/',
      '/iceberg/',
    ];
    for (const prefix of prefixes)
      expect(
        routes.some((r) => r.url.startsWith(prefix)),
        prefix,
      ).toBe(true);
    expect(routes.filter(isPublic).length).toBeGreaterThan(5);
  });

  it('refuses every non-public route without credentials, with a foreign org’s token and with a stolen token', async () => {
    for (const route of routes.filter((r) => !isPublic(r))) {
      const path = concrete(route.url);
      const cases = isAdmin(route) ? (['none', 'foreignOrg', 'tenantOnAdmin'] as const) : (['none', 'keysOnly', 'foreignOrg', 'stolen'] as const);
      for (const name of cases) {
        const before = calls.length;
        expectRefused(
          route.method,
          await send(route.method, path, credentials[name]),
          `${route.method} ${path} (${name})`,
          before,
          isIceberg(route.url),
        );
      }
    }
  });

  it('refuses every spelling of a non-public path without credentials, or does not route it at all', async () => {
    let refused = 0;
    for (const route of routes.filter((r) => !isPublic(r))) {
      for (const path of spellings(concrete(route.url))) {
        const before = calls.length;
        const res = await send(route.method, path, {});
        const what = `${route.method} ${path}`;
        expect(res.statusCode, `${what} → ${res.body}`).not.toBe(500);
        if (isRouterNotFound(route.method, res)) continue;
        expectRefused(route.method, res, what, before, isIceberg(route.url));
        refused++;
      }
    }
    // The router does decode some spellings (at least /%64ata/… for every route): they were refused, not skipped.
    expect(refused).toBeGreaterThanOrEqual(routes.filter((r) => !isPublic(r)).length);
  });

  it('authenticates a valid caller on any spelling the router matches, and serves it as on the path itself', async () => {
    for (const route of routes.filter((r) => !isPublic(r) && r.method === 'GET')) {
      const headers = isAdmin(route) ? { authorization: `Bearer ${adminToken}` } : t.headers;
      const path = concrete(route.url);
      const plain = await send('GET', path, headers);
      expect(plain.statusCode, `${path} → ${plain.body}`).not.toBe(500);
      expect([401, 403], `${path} → ${plain.body}`).not.toContain(plain.statusCode);
      for (const spelling of encodedSpellings(path)) {
        const res = await send('GET', spelling, headers);
        expect(res.statusCode, `${spelling} → ${res.body}, ${path} → ${plain.statusCode}`).toBe(plain.statusCode);
        // An error answers in the shape of the service the route belongs to, as on the path itself.
        if (plain.statusCode >= 400) expect(shape(res), spelling).toEqual(shape(plain));
      }
      // The router may take one of these for another route (`…/sandboxes//` is a sandbox named ""): still authenticated.
      for (const spelling of otherSpellings(path)) {
        const res = await send('GET', spelling, headers);
        expect(res.statusCode, `${spelling} → ${res.body}`).not.toBe(500);
        expect([401, 403], `${spelling} → ${res.body}`).not.toContain(res.statusCode);
      }
    }
  });
});
