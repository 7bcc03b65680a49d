/** Identity namespaces at /data/core/idnamespace: the standard ones, custom ones per org and sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { OpenApiSpec } from '../support/openapi-spec.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const URL = '/data/core/idnamespace/identities';

describe.each(['pglite', 'postgres'] as const)('identity namespaces on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ database });
  });
  afterAll(async () => t?.close());

  it('lists the standard namespaces to every org', async () => {
    const res = await t.call('GET', URL);
    expect(res.statusCode).toBe(200);
    const codes = res.json().map((n: any) => n.code);
    expect(codes).toEqual(expect.arrayContaining(['Email', 'Phone', 'ECID', 'CRMID']));
    expect(res.json().find((n: any) => n.code === 'Email')).toMatchObject({ id: 6, idType: 'EMAIL', custom: false, status: 'ACTIVE' });
    expect((await t.call('GET', `${URL}/4`)).json()).toMatchObject({ code: 'ECID', idType: 'COOKIE' });
  });

  it('creates, reads and renames a custom namespace; its code and type stay', async () => {
    const created = await t.call('POST', URL, {
      name: 'Loyalty Member ID',
      code: 'Loyalty',
      idType: 'Cross_device',
      description: 'Loyalty program member',
    });
    expect(created.statusCode, created.body).toBe(200);
    const ns = created.json();
    expect(ns).toMatchObject({
      id: expect.any(Number),
      code: 'Loyalty',
      idType: 'CROSS_DEVICE',
      custom: true,
      status: 'ACTIVE',
      createTime: expect.any(Number),
    });
    expect(ns.id).toBeGreaterThanOrEqual(10_000_000);
    expect((await t.call('GET', `${URL}/${ns.id}`)).json()).toMatchObject({ code: 'Loyalty' });
    const renamed = await t.call('PUT', `${URL}/${ns.id}`, {
      name: 'Loyalty member',
      code: 'Loyalty',
      idType: 'CROSS_DEVICE',
      description: 'renamed',
    });
    expect(renamed.json()).toMatchObject({ id: ns.id, name: 'Loyalty member', description: 'renamed' });
    const recoded = await t.call('PUT', `${URL}/${ns.id}`, { name: 'x', code: 'Other', idType: 'CROSS_DEVICE' });
    expect(recoded.statusCode).toBe(400);
    expect(recoded.json().detail).toMatch(/non editable/);
  });

  it('refuses a taken code (409, standard codes too, any case), a bad idType and a bad code (400)', async () => {
    expect((await t.call('POST', URL, { name: 'Mail', code: 'email', idType: 'Email' })).statusCode).toBe(409);
    await t.call('POST', URL, { name: 'Member', code: 'Member', idType: 'Cookie' });
    const again = await t.call('POST', URL, { name: 'Member again', code: 'MEMBER', idType: 'Cookie' });
    expect(again.statusCode).toBe(409);
    expect(again.json().type).toMatch(/IDN-\d+-409$/);
    expect((await t.call('POST', URL, { name: 'x', code: 'Xcode', idType: 'Spaceship' })).statusCode).toBe(400);
    expect((await t.call('POST', URL, { name: 'x', code: 'has space', idType: 'Cookie' })).statusCode).toBe(400);
    expect((await t.call('PUT', `${URL}/6`, { name: 'x', code: 'Email', idType: 'EMAIL' })).statusCode).toBe(403);
    expect((await t.call('GET', `${URL}/999999999`)).statusCode).toBe(404);
  });

  it('keeps custom namespaces to their sandbox', async () => {
    await t.call('POST', URL, { name: 'Prod only', code: 'ProdOnly', idType: 'Device' });
    await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: `ns-${database}` });
    const there = (await t.call('GET', URL, undefined, { 'x-sandbox-name': `ns-${database}` })).json();
    expect(there.map((n: any) => n.code)).not.toContain('ProdOnly');
    expect(there.map((n: any) => n.code)).toContain('Email');
  });
});

/**
 * The spec's `idType` enum mixes cases (`COOKIE`, `Device`, `Email`, `Non_people`…) and its request text lists
 * `Cookie, Cross_device, …`; the docs' answers and the spec's own error text (`[DEVICE, COOKIE, CROSS_DEVICE, PHONE,
 * EMAIL]`) are upper case. Every spelling is accepted; the answer is upper case.
 */
const ID_TYPE = { type: 'string', enum: ['COOKIE', 'CROSS_DEVICE', 'DEVICE', 'EMAIL', 'MOBILE', 'NON_PEOPLE', 'PHONE'] };
const identitySpec = new OpenApiSpec(fileURLToPath(new globalThis.URL('./spec/identity-service.yaml', import.meta.url)), '/data/core', [
  { path: ['components', 'schemas', 'Namespace', 'properties', 'idType'], replace: ID_TYPE, why: 'docs answer upper case' },
  { path: ['components', 'schemas', 'listNamespaces', 'items', 'properties', 'idType'], replace: ID_TYPE, why: 'docs answer upper case' },
  {
    path: ['paths', '/idnamespace/identities/{ID}', 'put', 'responses', '200', 'content', 'application/json', 'schema'],
    replace: { $ref: '#/components/schemas/Namespace' },
    why: 'typed an array; its description and the docs return "the details of the updated identity namespace", one object',
  },
]);

describe('identity namespaces conform to the Identity Service spec', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ database: 'pglite' });
  });
  afterAll(async () => t?.close());

  it('answers idType in upper case whichever spelling was sent', async () => {
    const list = await identitySpec.call(t, 'GET', URL);
    expect(list.statusCode).toBe(200);
    const spellings: Array<[string, string]> = [
      ['Email', 'EMAIL'],
      ['Non_people', 'NON_PEOPLE'],
      ['cross_device', 'CROSS_DEVICE'],
      ['MOBILE', 'MOBILE'],
      ['Device', 'DEVICE'],
    ];
    for (const [i, [sent, answered]] of spellings.entries()) {
      const created = await identitySpec.call(t, 'POST', URL, { name: `Spelling ${i}`, code: `Spelling${i}`, idType: sent });
      expect(created.statusCode, created.body).toBe(200);
      expect(created.json().idType).toBe(answered);
      const read = await identitySpec.call(t, 'GET', `${URL}/${created.json().id}`);
      expect(read.json().idType).toBe(answered);
      const renamed = await identitySpec.call(t, 'PUT', `${URL}/${created.json().id}`, { name: `Renamed ${i}`, code: `Spelling${i}`, idType: sent });
      expect(renamed.statusCode, renamed.body).toBe(200);
    }
    expect(identitySpec.validated).toEqual(
      new Set([
        'GET /idnamespace/identities 200',
        'POST /idnamespace/identities 200',
        'GET /idnamespace/identities/{ID} 200',
        'PUT /idnamespace/identities/{ID} 200',
      ]),
    );
  });
});
