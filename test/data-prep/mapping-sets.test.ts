import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createResource, targetSchemaBody, tutorialMappingSetBody } from '../schema-registry/support.js';

/** The target schema, created through Schema Registry before the tests (destinations are checked against it). */
let SCHEMA = '';
const BASE = '/data/foundation/conversion/mappingSets';

/** The tutorial's body, with the e-mail an identity of the Email namespace. */
const tutorialBody = () => {
  const body = tutorialMappingSetBody(SCHEMA);
  body.mappings[3] = { ...body.mappings[3]!, identity: true, namespaceCode: 'Email' };
  return body;
};

/** The current form, with the target given only as outputSchema. */
const currentBody = () => ({
  outputSchema: { schemaRef: { id: SCHEMA, contentType: 'application/vnd.adobe.xed-full+json;version=1' } },
  mappings: [
    { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id', name: 'id', description: 'Identifier field' },
    { sourceType: 'EXPRESSION', source: '${First Name}', destination: 'person.name.firstName' },
    { sourceType: 'STATIC', source: 42, destination: 'person.birthYear' },
  ],
});

describe('Data Prep mapping sets', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
    SCHEMA = (await createResource(t, 'schemas', targetSchemaBody)).$id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an identity mapping whose namespace does not exist', async () => {
    const body = tutorialBody();
    body.mappings[3]!.namespaceCode = 'NoSuchNamespace';
    const res = await t.call('POST', BASE, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/NoSuchNamespace/);
  });

  it('creates a mapping set from the tutorial body and reads it back in both field forms', async () => {
    const before = Date.now();
    const created = await t.call('POST', BASE, tutorialBody());
    expect(created.statusCode).toBe(200);
    const body = created.json();
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      version: 0,
      createdDate: expect.any(Number),
      modifiedDate: expect.any(Number),
      createdBy: expect.any(String),
      modifiedBy: expect.any(String),
    });
    expect(body.createdDate).toBeGreaterThanOrEqual(before);

    const read = await t.call('GET', `${BASE}/${body.id}`);
    expect(read.statusCode).toBe(200);
    const set = read.json();
    expect(set).toMatchObject({
      id: body.id,
      version: 0,
      status: 'PUBLISHED',
      xdmSchema: SCHEMA,
      xdmVersion: '1.0',
      outputSchema: { schemaRef: { id: SCHEMA, contentType: 'application/vnd.adobe.xed-full+json;version=1' } },
      createdDate: body.createdDate,
    });
    expect(set.mappings).toHaveLength(4);
    expect(set.mappings[0]).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      sourceType: 'ATTRIBUTE',
      source: 'first_name',
      destination: 'person.name.firstName',
      sourceAttribute: 'first_name',
      destinationXdmPath: 'person.name.firstName',
      identity: false,
    });
    expect(set.mappings[3]).toMatchObject({ identity: true, namespaceCode: 'Email' });

    const mappings = await t.platform.dataPrep.getMappings(await scopeOf(t), body.id);
    expect(mappings).toEqual({
      id: body.id,
      version: 0,
      xdmSchema: SCHEMA,
      mappings: [
        { sourceType: 'ATTRIBUTE', source: 'first_name', destination: 'person.name.firstName' },
        { sourceType: 'ATTRIBUTE', source: 'last_name', destination: 'person.name.lastName' },
        { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
        { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address', identity: { namespaceCode: 'Email', primary: false } },
      ],
    });

    const one = await t.call('GET', `${BASE}/${body.id}/mappings/${set.mappings[2].id}`);
    expect(one.json()).toMatchObject({ destination: '_id' });
    expect((await t.call('GET', `${BASE}/${body.id}/mappings`)).json()).toHaveLength(4);
  });

  it('accepts the current form and versions on PUT', async () => {
    const created = (await t.call('POST', BASE, currentBody())).json();
    const first = (await t.call('GET', `${BASE}/${created.id}`)).json();
    expect(first).toMatchObject({ xdmSchema: SCHEMA, version: 0 });
    expect(first.mappings.map((m: { sourceType: string; source: string }) => [m.sourceType, m.source])).toEqual([
      ['ATTRIBUTE', 'id'],
      ['EXPRESSION', '${First Name}'],
      ['STATIC', '42'],
    ]);
    expect(first.mappings[0]).toMatchObject({ name: 'id', description: 'Identifier field' });

    const updated = await t.call('PUT', `${BASE}/${created.id}`, { ...currentBody(), mappings: currentBody().mappings.slice(0, 1) });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ id: created.id, version: 1, createdDate: created.createdDate });
    expect(updated.json().mappings).toHaveLength(1);

    expect((await t.call('GET', `${BASE}/${created.id}`)).json().version).toBe(1);
    expect((await t.call('GET', `${BASE}/${created.id}?version=0`)).json().mappings).toHaveLength(3);
    expect((await t.platform.dataPrep.getMappings(await scopeOf(t), created.id, 0)).mappings).toHaveLength(3);
    expect((await t.call('GET', `${BASE}/${created.id}?version=7`)).statusCode).toBe(404);
  });

  it('lists the newest version of each mapping set, a page at a time', async () => {
    const list = await t.call('GET', `${BASE}?limit=1&start=0`);
    expect(list.statusCode).toBe(200);
    const page = list.json();
    expect(page.data).toHaveLength(1);
    expect(page._page).toEqual({ limit: 1, count: 1 });
    expect(page._links.next.href).toBe(`${BASE}?start=1&limit=1`);
    // The newest change first: the set updated in the previous test.
    expect(page.data[0].version).toBe(1);

    const all = (await t.call('GET', `${BASE}?orderBy=%2BcreatedDate`)).json();
    expect(all.data.map((s: { version: number }) => s.version)).toEqual([0, 1]);
    expect(all._links.next).toBeUndefined();
  });

  it('refuses invalid bodies with clear messages, and unknown ids with 404', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ mappings: [{ source: 'a', destination: 'b' }] }, /xdmSchema/],
      [{ xdmSchema: SCHEMA, mappings: [] }, /mappings/],
      [{ xdmSchema: SCHEMA, mappings: [{ source: 'a' }] }, /destination/],
      [{ xdmSchema: SCHEMA, mappings: [{ sourceType: 'MAGIC', source: 'a', destination: 'b' }] }, /sourceType/],
      [{ xdmSchema: SCHEMA, mappings: [{ source: 'a', destination: 'b', identity: true }] }, /namespaceCode/],
      [
        {
          xdmSchema: SCHEMA,
          mappings: [
            { source: 'a', destination: 'b' },
            { source: 'c', destination: 'b' },
          ],
        },
        /more than once/,
      ],
    ];
    for (const [body, message] of cases) {
      const response = await t.call('POST', BASE, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().detail).toMatch(message);
    }
    expect((await t.call('GET', `${BASE}/0123456789abcdef0123456789abcdef`)).statusCode).toBe(404);
    expect((await t.call('PUT', `${BASE}/0123456789abcdef0123456789abcdef`, currentBody())).statusCode).toBe(404);
    await expect(t.platform.dataPrep.getMappings(await scopeOf(t), 'nope')).rejects.toMatchObject({ kind: 'not_found' });
  });
});

/** The scope the bootstrap client's calls run in, as the gateway builds it. */
function scopeOf(t: TestPlatform) {
  return t.platform.identity.authorize({
    bearer: t.token,
    apiKey: t.credentials.clientId,
    orgHeader: t.credentials.imsOrg,
    sandboxHeader: t.credentials.sandboxName,
  });
}
