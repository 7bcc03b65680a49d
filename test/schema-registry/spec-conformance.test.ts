/**
 * Every registry response the spec models, validated against the spec's own definitions
 * (test/schema-registry/spec, Adobe's Schema Registry spec). One walk through the API: standard
 * library, tenant CRUD of each kind, descriptors, unions, sample data, export and import, errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { BASE, PERSONAL_DETAILS, PERSON_DETAILS, PROFILE, XED, XED_ID, adhocClassBody, enc, targetSchemaBody } from './support.js';
import { checkAgainstSpec, modelledResponses, specCall, validated } from './spec.js';

const XDM = 'application/vnd.adobe.xdm+json';

/** Responses of the spec this registry does not produce, and why. */
const NOT_PRODUCED: Record<string, string> = {
  'GET /{CONTAINER_ID}/descriptors/{DESCRIPTOR_ID} 400':
    'descriptors are not versioned: a lookup needs no Accept header, so it is never refused for one',
};

describe('responses conform to the Schema Registry spec', () => {
  let t: TestPlatform;
  let tenant: string;
  beforeAll(async () => {
    t = await startTestPlatform({ database: 'pglite' });
    tenant = `_${t.credentials.tenantId}`;
  });
  afterAll(async () => t?.close());

  it('a walk through the whole API validates at every step', async () => {
    const ok = async (res: { statusCode: number; body: string }, status: number) => {
      expect(res.statusCode, res.body.slice(0, 500)).toBe(status);
      return JSON.parse(res.body || 'null');
    };
    await ok(await specCall(t, 'GET', `${BASE}/stats`), 200);

    // The standard library, and Accept errors on each list and lookup.
    for (const kind of ['fieldgroups', 'mixins', 'schemas', 'classes', 'datatypes', 'behaviors']) {
      const container = kind === 'behaviors' || kind === 'schemas' ? 'global' : 'global';
      await ok(await specCall(t, 'GET', `${BASE}/${container}/${kind}`, undefined, { accept: XED_ID }), 200);
      await ok(await specCall(t, 'GET', `${BASE}/${container}/${kind}?limit=3`, undefined, { accept: 'application/vnd.adobe.xed+json' }), 200);
      await ok(await specCall(t, 'GET', `${BASE}/${container}/${kind}`, undefined, { accept: 'text/plain' }), 400);
    }
    await ok(await specCall(t, 'GET', `${BASE}/global/fieldgroups/${enc(PERSON_DETAILS)}`, undefined, { accept: XED }), 200);
    await ok(await specCall(t, 'GET', `${BASE}/global/mixins/_xdm.context.profile-personal-details`, undefined, { accept: XED }), 200);
    await ok(await specCall(t, 'GET', `${BASE}/global/classes/${enc(PROFILE)}`, undefined, { accept: XED }), 200);
    await ok(await specCall(t, 'GET', `${BASE}/global/behaviors/${enc('https://ns.adobe.com/xdm/data/record')}`, undefined, { accept: XED }), 200);
    await ok(
      await specCall(t, 'GET', `${BASE}/global/datatypes/${enc('https://ns.adobe.com/xdm/context/person-name')}`, undefined, { accept: XED }),
      200,
    );
    for (const path of [
      `global/fieldgroups/${enc(PERSON_DETAILS)}`,
      `global/classes/${enc(PROFILE)}`,
      'global/behaviors/_xdm.data.record',
      'global/datatypes/_xdm.context.person-name',
    ]) {
      await ok(await specCall(t, 'GET', `${BASE}/${path}`, undefined, { accept: 'application/vnd.adobe.xed+json' }), 400);
    }

    // Tenant data type, field group (both paths), class, schema: create, replace, patch, list, look up.
    const datatype = await ok(
      await specCall(t, 'POST', `${BASE}/tenant/datatypes`, {
        title: 'Room',
        type: 'object',
        properties: { number: { type: 'string' }, floor: { type: 'integer', minimum: 0, maximum: 200 } },
      }),
      201,
    );
    await ok(
      await specCall(t, 'PUT', `${BASE}/tenant/datatypes/${enc(datatype.$id)}`, {
        title: 'Room',
        type: 'object',
        properties: { number: { type: 'string' }, floor: { type: 'integer', minimum: 0, maximum: 200 }, wing: { type: 'string' } },
      }),
      200,
    );
    await ok(
      await specCall(t, 'PATCH', `${BASE}/tenant/datatypes/${enc(datatype.$id)}`, [{ op: 'add', path: '/description', value: 'A hotel room' }]),
      200,
    );
    await ok(await specCall(t, 'GET', `${BASE}/tenant/datatypes/${datatype['meta:altId']}`, undefined, { accept: XED }), 200);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/datatypes`, undefined, { accept: XED_ID }), 200);

    const loyalty = {
      title: 'Loyalty',
      description: 'Loyalty program',
      'meta:intendedToExtend': [PROFILE],
      definitions: {
        loyalty: { properties: { [tenant]: { type: 'object', properties: { loyaltyId: { type: 'string' }, room: { $ref: datatype.$id } } } } },
      },
      allOf: [{ $ref: '#/definitions/loyalty' }],
    };
    const fieldGroup = await ok(await specCall(t, 'POST', `${BASE}/tenant/fieldgroups`, loyalty), 201);
    await ok(await specCall(t, 'POST', `${BASE}/tenant/mixins`, { ...loyalty, title: 'Loyalty (mixin)' }), 201);
    await ok(await specCall(t, 'PUT', `${BASE}/tenant/fieldgroups/${enc(fieldGroup.$id)}`, { ...loyalty, description: 'Loyalty program v2' }), 200);
    await ok(
      await specCall(t, 'PATCH', `${BASE}/tenant/fieldgroups/${enc(fieldGroup.$id)}`, [
        { op: 'add', path: `/definitions/loyalty/properties/${tenant}/properties/points`, value: { type: 'integer', minimum: 0, maximum: 1000000 } },
      ]),
      200,
    );
    await ok(await specCall(t, 'GET', `${BASE}/tenant/fieldgroups/${enc(fieldGroup.$id)}`, undefined, { accept: XED }), 200);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/mixins/${enc(fieldGroup.$id)}`, undefined, { accept: XED }), 200);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/fieldgroups`, undefined, { accept: XED_ID }), 200);

    const cls = await ok(await specCall(t, 'POST', `${BASE}/tenant/classes`, adhocClassBody), 201);
    await ok(await specCall(t, 'PUT', `${BASE}/tenant/classes/${enc(cls.$id)}`, { ...adhocClassBody, description: 'Columns, again' }), 200);
    await ok(
      await specCall(t, 'PATCH', `${BASE}/tenant/classes/${enc(cls.$id)}`, [{ op: 'replace', path: '/title', value: 'Cloud storage columns' }]),
      200,
    );
    await ok(await specCall(t, 'GET', `${BASE}/tenant/classes/${enc(cls.$id)}`, undefined, { accept: XED }), 200);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/classes`, undefined, { accept: XED_ID }), 200);

    const schema = await ok(
      await specCall(t, 'POST', `${BASE}/tenant/schemas`, { ...targetSchemaBody, allOf: [...targetSchemaBody.allOf, { $ref: fieldGroup.$id }] }),
      201,
    );
    await ok(
      await specCall(t, 'PUT', `${BASE}/tenant/schemas/${enc(schema.$id)}`, {
        ...targetSchemaBody,
        description: 'Profiles',
        allOf: [...targetSchemaBody.allOf, { $ref: fieldGroup.$id }],
      }),
      200,
    );
    await ok(await specCall(t, 'GET', `${BASE}/tenant/schemas/${enc(schema.$id)}`, undefined, { accept: XED }), 200);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/schemas`, undefined, { accept: XED_ID }), 200);
    const hotels = await ok(
      await specCall(t, 'POST', `${BASE}/tenant/schemas`, {
        title: 'Hotel guests',
        type: 'object',
        allOf: [{ $ref: PROFILE }, { $ref: PERSONAL_DETAILS }, { $ref: fieldGroup.$id }],
      }),
      201,
    );

    // Descriptors of every kind the list groups, then the list, a lookup and a replace.
    const identity = await ok(
      await specCall(t, 'POST', `${BASE}/tenant/descriptors`, {
        '@type': 'xdm:descriptorIdentity',
        'xdm:sourceSchema': hotels.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': '/personalEmail/address',
        'xdm:namespace': 'Email',
        'xdm:property': 'xdm:code',
        'xdm:isPrimary': true,
      }),
      201,
    );
    await ok(
      await specCall(t, 'POST', `${BASE}/tenant/descriptors`, {
        '@type': 'xdm:alternateDisplayInfo',
        'xdm:sourceSchema': schema.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': '/homeAddress',
        'xdm:title': { en_us: 'Home' },
        'xdm:description': { en_us: 'The home address' },
      }),
      201,
    );
    const relationship = await ok(
      await specCall(t, 'POST', `${BASE}/tenant/descriptors`, {
        '@type': 'xdm:descriptorOneToOne',
        'xdm:sourceSchema': schema.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': `/${tenant}/loyaltyId`,
        'xdm:destinationSchema': hotels.$id,
        'xdm:destinationVersion': 1,
      }),
      201,
    );
    await ok(
      await specCall(t, 'POST', `${BASE}/tenant/descriptors`, {
        '@type': 'xdm:descriptorReferenceIdentity',
        'xdm:sourceSchema': schema.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': `/${tenant}/loyaltyId`,
        'xdm:identityNamespace': 'Email',
      }),
      201,
    );
    const list = await ok(await specCall(t, 'GET', `${BASE}/tenant/descriptors`, undefined, { accept: XDM }), 200);
    expect(Object.keys(list).sort()).toEqual([
      'xdm:alternateDisplayInfo',
      'xdm:descriptorIdentity',
      'xdm:descriptorOneToOne',
      'xdm:descriptorReferenceIdentity',
    ]);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/descriptors`, undefined, { accept: XED }), 400);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/descriptors/${identity['@id']}`), 200);
    await ok(
      await specCall(t, 'PUT', `${BASE}/tenant/descriptors/${relationship['@id']}`, {
        '@type': 'xdm:descriptorOneToOne',
        'xdm:sourceSchema': schema.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': `/${tenant}/loyaltyId`,
        'xdm:destinationSchema': hotels.$id,
        'xdm:destinationVersion': 1,
        'xdm:destinationProperty': '/personalEmail/address',
      }),
      200,
    );

    // Unions: a schema joins its class's union by a patch of its immutable tags.
    await ok(
      await specCall(t, 'PATCH', `${BASE}/tenant/schemas/${enc(hotels.$id)}`, [{ op: 'add', path: '/meta:immutableTags', value: ['union'] }]),
      200,
    );
    const unions = await ok(await specCall(t, 'GET', `${BASE}/tenant/unions`, undefined, { accept: 'application/vnd.adobe.xed+json' }), 200);
    expect(unions.results.map((u: any) => u.$id)).toEqual([`${PROFILE}__union`]);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/unions`, undefined, { accept: 'text/plain' }), 400);
    await ok(await specCall(t, 'GET', `${BASE}/tenant/unions/_xdm.context.profile__union`, undefined, { accept: XED }), 200);
    await ok(
      await specCall(t, 'GET', `${BASE}/tenant/unions/_xdm.context.profile__union`, undefined, { accept: 'application/vnd.adobe.xed+json' }),
      400,
    );

    // rpc: sample data, export, import into another sandbox (and a second time, refused).
    await ok(await specCall(t, 'GET', `${BASE}/rpc/sampledata/${enc(schema.$id)}`, undefined, { accept: XED }), 200);
    await ok(
      await specCall(t, 'GET', `${BASE}/rpc/sampledata/${enc(`https://ns.adobe.com/${t.credentials.tenantId}/schemas/00`)}`, undefined, {
        accept: XED,
      }),
      404,
    );
    const payload = await ok(await specCall(t, 'GET', `${BASE}/rpc/export/${enc(schema.$id)}`, undefined, { accept: XED_ID }), 200);
    await ok(
      await specCall(t, 'GET', `${BASE}/rpc/export/${enc(`https://ns.adobe.com/${t.credentials.tenantId}/schemas/00`)}`, undefined, {
        accept: XED_ID,
      }),
      404,
    );
    await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'conformance' });
    await ok(await specCall(t, 'POST', `${BASE}/rpc/import`, payload, { 'x-sandbox-name': 'conformance' }), 200);
    await ok(await specCall(t, 'POST', `${BASE}/rpc/import`, payload, { 'x-sandbox-name': 'conformance' }), 400);

    // rpc: the audit log of a resource changed by POST, PUT and PATCH, and of one that uses it.
    const datatypeLog = await ok(await specCall(t, 'GET', `${BASE}/rpc/auditlog/${datatype['meta:altId']}`), 200);
    expect(datatypeLog).toHaveLength(3);
    await ok(await specCall(t, 'GET', `${BASE}/rpc/auditlog/${enc(schema.$id)}`), 200);
    await ok(await specCall(t, 'GET', `${BASE}/rpc/auditlog/${enc(`https://ns.adobe.com/${t.credentials.tenantId}/schemas/00`)}`), 404);

    await ok(await specCall(t, 'GET', `${BASE}/stats`), 200);
  });

  it('covered every response the spec models, except those listed as not produced', () => {
    const missing = modelledResponses().filter((r) => !validated.has(r) && !(r in NOT_PRODUCED));
    expect(missing).toEqual([]);
  });

  it('the validation can fail: a body missing what the spec types is refused', () => {
    expect(checkAgainstSpec('GET', `${BASE}/stats`, 200, { imsOrg: 'x', tenantId: 7 })).not.toEqual([]);
    expect(checkAgainstSpec('GET', `${BASE}/tenant/descriptors/abc`, 200, { '@id': 'abc', 'xdm:isPrimary': 'yes' })).not.toEqual([]);
    expect(checkAgainstSpec('GET', `${BASE}/tenant/schemas`, 200, { results: [{ $id: 1 }], _page: { next: null } })).not.toEqual([]);
  });
});
