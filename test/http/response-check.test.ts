/**
 * The suite's response check (src/http/response-check.ts) on a small Fastify app of its own: each kind of mismatch
 * is reported and fails its request, and a reply that matches passes untouched. Without this, a check that never
 * fires would look the same as a suite whose shapes are all right.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerResponseCheck, type ResponseMismatch } from '../../src/http/response-check.js';
import { requestValidatorCompiler } from '../../src/http/validation.js';
import { Open } from '../../src/http/schemas.js';

describe('the response check', () => {
  const found: ResponseMismatch[] = [];
  let app: FastifyInstance;
  beforeAll(async () => {
    app = Fastify();
    app.setValidatorCompiler(requestValidatorCompiler());
    registerResponseCheck(app, (m) => found.push(m));
    const Closed = Type.Object({ id: Type.String() });
    app.get('/fits', { schema: { response: { 200: Open({ id: Type.String() }) } } }, async () => ({ id: 'a', extra: 1 }));
    app.get('/dropped', { schema: { response: { 200: Closed } } }, async () => ({ id: 'a', secretlyNeeded: true }));
    app.get('/coerced', { schema: { response: { 200: Open({ id: Type.String() }) } } }, async () => ({ id: 7 }));
    app.get('/missing', { schema: { response: { 200: Open({ id: Type.String() }) } } }, async () => ({ name: 'no id' }));
    app.post('/undeclared-status', { schema: { response: { 200: Closed } } }, async (_request, reply) => reply.code(201 as 200).send({ id: 'a' }));
    app.get('/no-schema', async () => ({ id: 'a' }));
    app.post('/body', { schema: { body: Type.Object({ n: Type.Integer() }), response: { 200: Open({ n: Type.Unknown() }) } } }, async (request) => ({
      n: (request.body as { n?: unknown } | undefined)?.n ?? null,
    }));
    await app.ready();
  });
  afterAll(async () => app?.close());

  const problemOf = async (method: 'GET' | 'POST', url: string) => {
    found.length = 0;
    const response = await app.inject({ method, url });
    return { status: response.statusCode, problems: found.flatMap((m) => m.problems).join('\n') };
  };

  it('passes a reply that matches, extra fields of an open object included', async () => {
    const response = await app.inject({ method: 'GET', url: '/fits' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: 'a', extra: 1 });
  });

  it('fails a reply whose schema would drop a field, coerce a value or lacks a required one', async () => {
    expect(await problemOf('GET', '/dropped')).toMatchObject({ status: 500, problems: expect.stringContaining('/secretlyNeeded') });
    expect(await problemOf('GET', '/coerced')).toMatchObject({ status: 500, problems: expect.stringContaining('/id must be string') });
    expect(await problemOf('GET', '/missing')).toMatchObject({ status: 500, problems: expect.stringContaining("must have required property 'id'") });
  });

  it('fails a 2xx reply for which the route declares no schema', async () => {
    expect(await problemOf('POST', '/undeclared-status')).toMatchObject({ status: 500, problems: expect.stringContaining('no response schema') });
    expect(await problemOf('GET', '/no-schema')).toMatchObject({ status: 500, problems: expect.stringContaining('no response schema') });
  });

  it('checks request bodies as sent: no coercion, and no body is left to the route', async () => {
    const coerced = await app.inject({ method: 'POST', url: '/body', payload: { n: '5' } });
    expect(coerced.statusCode).toBe(400);
    const exact = await app.inject({ method: 'POST', url: '/body', payload: { n: 5 } });
    expect(exact.json()).toEqual({ n: 5 });
    const none = await app.inject({ method: 'POST', url: '/body' });
    expect(none.statusCode, none.body).toBe(200);
  });
});
