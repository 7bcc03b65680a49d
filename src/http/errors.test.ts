import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ServiceError } from '../services/errors.js';
import { handleError, renderError, styleFor } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.useRealTimers();
});

describe('styleFor', () => {
  it('picks the style and the service code of a route prefix, ignoring the query', () => {
    expect(styleFor('/ims/token/v3')).toEqual({ kind: 'ims' });
    expect(styleFor('/data/foundation/schemaregistry/tenant/schemas?x=/ims/')).toEqual({ kind: 'registry' });
    expect(
      [
        '/data/foundation/flowservice/flows',
        '/data/foundation/catalog/dataSets',
        '/data/foundation/conversion/mappingSets',
        '/data/foundation/import/batches',
        '/data/foundation/export/files/1',
        '/data/foundation/sandbox-management/sandboxes',
        '/data/foundation/query/queries',
        '/data/core/idnamespace/identities',
      ].map((url) => styleFor(url)),
    ).toEqual(['FLOW', 'CAT', 'CONV', 'INGEST', 'EXPORT', 'SANDBOX', 'QS', 'IDN'].map((service) => ({ kind: 'platform', service })));
  });

  it('answers unknown paths in the platform style with the TRIB code', () => {
    expect([styleFor('/tributary/ops/health'), styleFor('/data/foundation/nosuch/x'), styleFor('')]).toEqual([
      { kind: 'platform', service: 'TRIB' },
      { kind: 'platform', service: 'TRIB' },
      { kind: 'platform', service: 'TRIB' },
    ]);
  });
});

describe('renderError', () => {
  it('platform: an RFC 7807-like body with the service code in type, details only when given', () => {
    expect(renderError({ kind: 'platform', service: 'FLOW' }, 404, 'No flow x')).toEqual({
      status: 404,
      body: {
        type: 'http://ns.adobe.com/aep/errors/FLOW-404',
        title: 'Not Found',
        status: 404,
        detail: 'No flow x',
        report: { 'detailed-message': 'No flow x' },
      },
    });
    expect(renderError({ kind: 'platform', service: 'CAT' }, 400, 'bad', 'CAT-1001', { field: 'name' }).body).toEqual({
      type: 'http://ns.adobe.com/aep/errors/CAT-1001',
      title: 'Bad Request',
      status: 400,
      detail: 'bad',
      report: { 'detailed-message': 'bad', details: { field: 'name' } },
    });
    expect(renderError({ kind: 'platform', service: 'TRIB' }, 418, 'teapot').body.title).toBe('Error');
  });

  it('registry: errorBasic with an XDM code per status, a request id, a UTC timestamp and sub-errors', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2024-03-05T06:07:08Z'));
    const { status, body } = renderError({ kind: 'registry' }, 404, 'No schema', undefined, [{ path: '/a' }]);
    const report = body.report as Record<string, unknown>;
    expect(status).toBe(404);
    expect(report.registryRequestId).toMatch(UUID);
    expect(body).toEqual({
      type: 'http://ns.adobe.com/aep/errors/XDM-1012-404',
      title: 'Not Found',
      status: 404,
      detail: 'No schema',
      report: {
        registryRequestId: report.registryRequestId,
        timestamp: '03-05-2024 06:07:08',
        'detailed-message': 'No schema',
        'sub-errors': [{ path: '/a' }],
      },
    });
    const codes = [400, 406, 409, 412, 500].map((s) => renderError({ kind: 'registry' }, s, 'm').body.type);
    expect(codes).toEqual([
      'http://ns.adobe.com/aep/errors/XDM-1000-400',
      'http://ns.adobe.com/aep/errors/XDM-1007-406',
      'http://ns.adobe.com/aep/errors/XDM-1009-409',
      'http://ns.adobe.com/aep/errors/XDM-1099-412',
      'http://ns.adobe.com/aep/errors/XDM-1099-500',
    ]);
    expect(
      (renderError({ kind: 'registry' }, 400, 'm', 'XDM-1021-400', { not: 'a list' }).body.report as Record<string, unknown>)['sub-errors'],
    ).toEqual([]);
  });

  it('gateway and ims: the short bodies of the API gateway and the token endpoint', () => {
    expect(renderError({ kind: 'gateway' }, 401, 'Oauth token is not valid')).toEqual({
      status: 401,
      body: { error_code: '401', message: 'Oauth token is not valid' },
    });
    expect(renderError({ kind: 'gateway' }, 403, 'Api Key is invalid', '403003').body).toEqual({
      error_code: '403003',
      message: 'Api Key is invalid',
    });
    expect(renderError({ kind: 'ims' }, 401, 'bad secret').body).toEqual({ error: 'invalid_client', error_description: 'bad secret' });
    expect(renderError({ kind: 'ims' }, 400, 'no grant').body).toEqual({ error: 'invalid_request', error_description: 'no grant' });
    expect(renderError({ kind: 'ims' }, 400, 'x', 'unsupported_grant_type').body.error).toBe('unsupported_grant_type');
  });
});

describe('handleError', () => {
  function respond(error: Error, url: string) {
    const sent: { status?: number; type?: string; body?: Record<string, unknown> } = {};
    const logged: unknown[] = [];
    const reply = {
      status(code: number) {
        sent.status = code;
        return reply;
      },
      type(type: string) {
        sent.type = type;
        return reply;
      },
      send(body: Record<string, unknown>) {
        sent.body = body;
        return reply;
      },
    };
    const request = { url, routeOptions: { url }, log: { error: (...args: unknown[]) => logged.push(args) } };
    handleError(error, request as unknown as FastifyRequest, reply as unknown as FastifyReply);
    return { ...sent, logged };
  }

  it('gives each failure kind its status, in the style of the route', () => {
    const kinds = [
      ['invalid', 400],
      ['not_found', 404],
      ['not_acceptable', 406],
      ['conflict', 409],
      ['precondition_failed', 412],
      ['too_large', 413],
      ['unsupported_media_type', 415],
      ['unavailable', 503],
    ] as const;
    for (const [kind, status] of kinds) {
      const sent = respond(new ServiceError(kind, 'm'), '/data/foundation/catalog/dataSets');
      expect([sent.status, sent.type, sent.body?.type]).toEqual([status, 'application/json', `http://ns.adobe.com/aep/errors/CAT-${status}`]);
    }
  });

  it('answers authentication failures as the gateway does, and as IMS on the token endpoint', () => {
    expect(respond(new ServiceError('unauthenticated', 'no token'), '/data/foundation/flowservice/flows').body).toEqual({
      error_code: '401',
      message: 'no token',
    });
    expect(respond(new ServiceError('forbidden', 'bad key', '403003'), '/data/foundation/catalog/x').body).toEqual({
      error_code: '403003',
      message: 'bad key',
    });
    expect(respond(new ServiceError('unauthenticated', 'bad secret'), '/ims/token/v3').body).toEqual({
      error: 'invalid_client',
      error_description: 'bad secret',
    });
    // A service's own 403 (a code that is not the gateway's six digits) stays in the service's style.
    expect(respond(new ServiceError('forbidden', 'sandbox', 'FLOW-1403'), '/data/foundation/flowservice/flows').body?.type).toBe(
      'http://ns.adobe.com/aep/errors/FLOW-1403',
    );
  });

  it('turns Fastify validation and 4xx errors into 400 and their status, and hides anything else as a logged 500', () => {
    const validation = Object.assign(new Error('body must have required property "name"'), { validation: [{}] });
    expect(respond(validation, '/data/foundation/catalog/dataSets').body?.detail).toBe('Invalid request: body must have required property "name"');
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(respond(tooLarge, '/data/foundation/import/batches').status).toBe(413);
    const crash = respond(new Error('secret internals at /srv/db'), '/data/foundation/query/queries');
    expect(crash.status).toBe(500);
    expect(crash.body).toEqual({
      type: 'http://ns.adobe.com/aep/errors/QS-500',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An internal error occurred; the request id is in the server log',
      report: { 'detailed-message': 'An internal error occurred; the request id is in the server log' },
      code: 'QS-500',
      message: 'An internal error occurred; the request id is in the server log',
      errorType: 'SYSTEM_ERROR',
    });
    expect(crash.logged).toHaveLength(1);
  });
});
