/**
 * Logs: JSON lines with the request id on every line of a request, the org and sandbox once known, and
 * never a token, a client secret or a connection password, wherever the client put them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, any>>; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return {
    stream,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe('logs', () => {
  let t: TestPlatform;
  let app: FastifyInstance;
  const logs = capture();
  const PASSWORD = 'sftp-password-that-must-never-be-logged';

  beforeAll(async () => {
    t = await startTestPlatform();
    app = await buildApp(t.platform, { logLevel: 'debug', logStream: logs.stream });
  });
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  it('prints no token, secret or password, and a request id and the org and sandbox on each line', async () => {
    const { clientId, clientSecret, imsOrg } = t.credentials;
    // A token request with the secret in the body and, badly, in the query string too.
    const issued = await app.inject({
      method: 'POST',
      url: `/ims/token/v3?client_id=${clientId}&client_secret=${encodeURIComponent(clientSecret)}&grant_type=client_credentials`,
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const token = issued.json().access_token as string;
    const headers = { authorization: `Bearer ${token}`, 'x-api-key': clientId, 'x-gw-ims-org-id': imsOrg, 'x-sandbox-name': 'prod' };
    // A connection whose auth params hold a password, and a failing call whose error is logged.
    const created = await app.inject({
      method: 'POST',
      url: '/data/foundation/flowservice/connections',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify({
        name: 'c',
        auth: { specName: 'Local Folder', params: { path: '/nowhere', password: PASSWORD } },
        connectionSpec: { id: '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5', version: '1.0' },
      }),
    });
    expect(created.statusCode).toBeLessThan(500);
    await app.inject({ method: 'GET', url: `/data/foundation/catalog/dataSets?access_token=${token}`, headers });
    await app.inject({ method: 'GET', url: '/data/foundation/catalog/dataSets', headers: { ...headers, authorization: 'Bearer not-a-valid-token' } });
    // Something logged by hand with secrets in it is scrubbed as well.
    app.log.warn({ clientSecret, nested: { password: PASSWORD } }, `a careless message with ${token}`);

    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [token, clientSecret, PASSWORD, encodeURIComponent(clientSecret)]) expect(text).not.toContain(secret);
    expect(text).toContain('[REDACTED]');

    const lines = logs.lines();
    const requestLines = lines.filter((l) => l.req || l.res || l.reqId);
    expect(requestLines.length).toBeGreaterThanOrEqual(8);
    for (const line of requestLines) expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
    // Once a call is authorised, its lines name the org and sandbox.
    const completed = lines.filter(
      (l) =>
        l.msg === 'request completed' &&
        l.res?.statusCode === 200 &&
        l.reqId &&
        lines.some((r) => r.reqId === l.reqId && r.req?.url?.startsWith('/data/')),
    );
    expect(completed.length).toBeGreaterThan(0);
    for (const line of completed) expect(line).toMatchObject({ orgId: imsOrg, sandboxName: 'prod', clientId });
    // Every line of an authorised call names them, its "incoming request" line too (written after authorisation).
    const authorised = new Set(completed.map((l) => l.reqId));
    const ofAuthorised = lines.filter((l) => authorised.has(l.reqId));
    expect(ofAuthorised.filter((l) => l.msg === 'incoming request')).toHaveLength(authorised.size);
    for (const line of ofAuthorised) expect(line, JSON.stringify(line)).toMatchObject({ orgId: imsOrg, sandboxName: 'prod', clientId });
    // A call refused at authorisation still has both lines, naming no org.
    const refused = lines.filter((l) => l.msg === 'request completed' && l.res?.statusCode === 401);
    expect(refused.length).toBeGreaterThan(0);
    for (const line of refused) {
      const first = lines.filter((l) => l.reqId === line.reqId && l.msg === 'incoming request');
      expect(first).toHaveLength(1);
      expect(first[0]!.req).toMatchObject({ method: 'GET', url: '/data/foundation/catalog/dataSets' });
      expect(line.orgId).toBeUndefined();
    }
    // One incoming and one completion line per request, for routes of every kind (token, platform, operations).
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/data/foundation/sandbox-management/sandboxes', headers });
    const after = logs.lines();
    for (const url of ['/health', '/data/foundation/sandbox-management/sandboxes']) {
      const ids = after.filter((l) => l.msg === 'incoming request' && l.req?.url === url).map((l) => l.reqId);
      expect(ids, url).toHaveLength(1);
      expect(
        after.filter((l) => l.reqId === ids[0] && l.msg === 'request completed'),
        url,
      ).toHaveLength(1);
    }
    expect(after.find((l) => l.msg === 'incoming request' && l.req?.url === '/data/foundation/sandbox-management/sandboxes')).toMatchObject({
      orgId: imsOrg,
      sandboxName: 'prod',
    });
    expect(lines.every((l) => typeof l.level === 'string' && typeof l.time === 'string')).toBe(true);
  });

  it('follows the log level', async () => {
    const quiet = capture();
    const warnOnly = await buildApp(t.platform, { logLevel: 'warn', logStream: quiet.stream });
    await warnOnly.inject({ method: 'GET', url: '/health' });
    warnOnly.log.warn('shown');
    await warnOnly.close();
    expect(quiet.lines().map((l) => l.msg)).toEqual(['shown']);
  });
});
