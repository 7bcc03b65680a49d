/**
 * The registry's rules, one test each with the status and error type a client sees: composition
 * rules, evolution of a schema a dataset uses, descriptors and identity namespaces, each Accept
 * variant, If-Match and versions, unions, sample data, export and import between sandboxes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { compileTarget } from '../../src/services/schema-registry/validator.js';
import { BASE, PERSONAL_DETAILS, PERSON_DETAILS, PROFILE, XED, XED_FULL, XED_ID, createResource, enc, targetSchemaBody } from './support.js';

type Res = { statusCode: number; body: string; json(): any };

const expectError = (res: Res, status: number, code: string, detail?: RegExp) => {
  expect(res.statusCode, res.body.slice(0, 400)).toBe(status);
  const body = res.json();
  expect(body).toMatchObject({
    type: `http://ns.adobe.com/aep/errors/${code}`,
    status,
    title: expect.any(String),
    detail: expect.any(String),
    report: expect.any(Object),
  });
  if (detail) expect(body.detail).toMatch(detail);
};

describe('Schema Registry rules', () => {
  let t: TestPlatform;
  let tenant: string;
  const fieldGroup = (title: string, fields: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    title,
    'meta:intendedToExtend': [PROFILE],
    definitions: { custom: { properties: { [tenant]: { type: 'object', properties: fields, ...extra } } } },
    allOf: [{ $ref: '#/definitions/custom' }],
  });
  const post = (kind: string, body: unknown) => t.call('POST', `${BASE}/tenant/${kind}`, body);

  beforeAll(async () => {
    t = await startTestPlatform({ database: 'pglite' });
    tenant = `_${t.credentials.tenantId}`;
  });
  afterAll(async () => t?.close());

  describe('composition rules', () => {
    it('exactly one class per schema (400 XDM-1000)', async () => {
      expectError(await post('schemas', { title: 'no class', allOf: [{ $ref: PERSON_DETAILS }] }), 400, 'XDM-1000-400', /exactly one class; found 0/);
      expectError(
        await post('schemas', { title: 'two classes', allOf: [{ $ref: PROFILE }, { $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }] }),
        400,
        'XDM-1000-400',
        /found 2/,
      );
    });

    it('a field group only onto a class in its meta:intendedToExtend (400 XDM-1000)', async () => {
      const eventOnly = await createResource(t, 'fieldgroups', {
        ...fieldGroup('event only', { x: { type: 'string' } }),
        'meta:intendedToExtend': ['https://ns.adobe.com/xdm/context/experienceevent'],
      });
      expectError(
        await post('schemas', { title: 'mismatch', allOf: [{ $ref: PROFILE }, { $ref: eventOnly.$id }] }),
        400,
        'XDM-1000-400',
        /not intended for class/,
      );
    });

    it('tenant fields only under _{TENANT_ID} (400 XDM-1000)', async () => {
      expectError(
        await post('fieldgroups', { title: 'loose', 'meta:intendedToExtend': [PROFILE], properties: { loyalty: { type: 'string' } } }),
        400,
        'XDM-1000-400',
        new RegExp(`under '${tenant}'`),
      );
      expectError(
        await post('classes', {
          title: 'loose class',
          allOf: [{ $ref: 'https://ns.adobe.com/xdm/data/record' }, { properties: { code: { type: 'string' } } }],
        }),
        400,
        'XDM-1000-400',
        /under/,
      );
    });

    it('tenant field names may not start with _ (400 XDM-1000), at any depth', async () => {
      expectError(
        await post('fieldgroups', fieldGroup('underscore', { _secret: { type: 'string' } })),
        400,
        'XDM-1000-400',
        /may not start with '_'/,
      );
      expectError(
        await post('fieldgroups', fieldGroup('deep underscore', { loyalty: { type: 'object', properties: { _tier: { type: 'string' } } } })),
        400,
        'XDM-1000-400',
        /loyalty\._tier/,
      );
      expect(
        (await post('fieldgroups', fieldGroup('plain names', { loyalty: { type: 'object', properties: { tier: { type: 'string' } } } }))).statusCode,
      ).toBe(201);
    });

    it('a type or a format clash on one path is refused (400 XDM-1000)', async () => {
      const asString = await createResource(t, 'fieldgroups', fieldGroup('level string', { level: { type: 'string' } }));
      const asNumber = await createResource(t, 'fieldgroups', fieldGroup('level number', { level: { type: 'number' } }));
      expectError(
        await post('schemas', { title: 'type clash', allOf: [{ $ref: PROFILE }, { $ref: asString.$id }, { $ref: asNumber.$id }] }),
        400,
        'XDM-1000-400',
        /level.*type/,
      );
      const asEmail = await createResource(t, 'fieldgroups', fieldGroup('contact email', { contact: { type: 'string', format: 'email' } }));
      const asUri = await createResource(t, 'fieldgroups', fieldGroup('contact uri', { contact: { type: 'string', format: 'uri' } }));
      expectError(
        await post('schemas', { title: 'format clash', allOf: [{ $ref: PROFILE }, { $ref: asEmail.$id }, { $ref: asUri.$id }] }),
        400,
        'XDM-1000-400',
        /contact.*format/,
      );
    });

    it('properties and required are merged deeply', async () => {
      const a = await createResource(
        t,
        'fieldgroups',
        fieldGroup('merge a', { member: { type: 'object', properties: { since: { type: 'string', format: 'date' } }, required: ['since'] } }),
      );
      const b = await createResource(
        t,
        'fieldgroups',
        fieldGroup('merge b', { member: { type: 'object', properties: { level: { type: 'string' } }, required: ['level'] } }),
      );
      const schema = await createResource(t, 'schemas', { title: 'merged', allOf: [{ $ref: PROFILE }, { $ref: a.$id }, { $ref: b.$id }] });
      const member = (await t.call('GET', `${BASE}/tenant/schemas/${enc(schema.$id)}`, undefined, { accept: XED_FULL })).json().properties[tenant]
        .properties.member;
      expect(Object.keys(member.properties).sort()).toEqual(['level', 'since']);
      expect([...member.required].sort()).toEqual(['level', 'since']);
    });

    it('meta:extends is transitive and deduplicated; a field group listed twice is accepted', async () => {
      const schema = await createResource(t, 'schemas', targetSchemaBody);
      expect(schema['meta:extends']).toEqual([
        PERSON_DETAILS,
        PERSONAL_DETAILS,
        'https://ns.adobe.com/xdm/common/auditable',
        'https://ns.adobe.com/xdm/data/record',
        PROFILE,
      ]);
    });

    it('reference cycles are refused (400 XDM-1000)', async () => {
      const a = await createResource(t, 'datatypes', { title: 'Node A', type: 'object', properties: { name: { type: 'string' } } });
      const b = await createResource(t, 'datatypes', { title: 'Node B', type: 'object', properties: { a: { $ref: a.$id } } });
      const res = await t.call('PATCH', `${BASE}/tenant/datatypes/${enc(a.$id)}`, [{ op: 'add', path: '/properties/b', value: { $ref: b.$id } }]);
      expectError(res, 400, 'XDM-1000-400', /Reference cycle/);
    });

    it('deleting a resource another one references is refused (409 XDM-1009); breaking it is refused (400)', async () => {
      const fg = await createResource(t, 'fieldgroups', fieldGroup('used', { tier: { type: 'string' } }));
      await createResource(t, 'schemas', { title: 'user of used', allOf: [{ $ref: PROFILE }, { $ref: fg.$id }] });
      expectError(await t.call('DELETE', `${BASE}/tenant/fieldgroups/${enc(fg.$id)}`), 409, 'XDM-1009-409', /referenced by/);
      const clash = await createResource(t, 'fieldgroups', fieldGroup('tier number', { tier: { type: 'number' } }));
      await createResource(t, 'schemas', { title: 'two tiers', allOf: [{ $ref: PROFILE }, { $ref: clash.$id }] });
      const both = await createResource(t, 'fieldgroups', fieldGroup('tier both', { other: { type: 'string' } }));
      await createResource(t, 'schemas', { title: 'tiers and other', allOf: [{ $ref: PROFILE }, { $ref: fg.$id }, { $ref: both.$id }] });
      const res = await t.call('PATCH', `${BASE}/tenant/fieldgroups/${enc(both.$id)}`, [
        { op: 'add', path: `/definitions/custom/properties/${tenant}/properties/tier`, value: { type: 'integer' } },
      ]);
      expectError(res, 400, 'XDM-1000-400', /would break/);
    });
  });

  describe('a schema used by a dataset evolves additively only', () => {
    let fg: Record<string, any>;
    let schema: Record<string, any>;
    beforeAll(async () => {
      fg = await createResource(t, 'fieldgroups', fieldGroup('evolving', { tier: { type: 'string' }, points: { type: 'integer' } }));
      schema = await createResource(t, 'schemas', { title: 'in use', allOf: [{ $ref: PROFILE }, { $ref: fg.$id }] });
      const dataset = await t.call('POST', '/data/foundation/catalog/dataSets', {
        name: 'evolution',
        schemaRef: { id: schema.$id, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
      });
      expect(dataset.statusCode, dataset.body).toBe(201);
    });
    const fgPath = () => `${BASE}/tenant/fieldgroups/${enc(fg.$id)}`;
    const fields = () => `/definitions/custom/properties/${tenant}/properties`;

    it('adding a field is accepted, and the version goes up', async () => {
      const res = await t.call('PATCH', fgPath(), [{ op: 'add', path: `${fields()}/level`, value: { type: 'string' } }]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().version).toBe('1.1');
    });

    it('removing a field is refused (409 XDM-1009)', async () => {
      expectError(await t.call('PATCH', fgPath(), [{ op: 'remove', path: `${fields()}/tier` }]), 409, 'XDM-1009-409', /tier' would be removed/);
    });

    it('retyping a field is refused (409 XDM-1009)', async () => {
      expectError(
        await t.call('PATCH', fgPath(), [{ op: 'replace', path: `${fields()}/points/type`, value: 'string' }]),
        409,
        'XDM-1009-409',
        /points' would change/,
      );
    });

    it('removing a field group from the schema is refused, and so is deleting the schema (409)', async () => {
      const res = await t.call('PUT', `${BASE}/tenant/schemas/${enc(schema.$id)}`, { title: 'in use', allOf: [{ $ref: PROFILE }] });
      expectError(res, 409, 'XDM-1009-409', /used by a dataset/);
      expectError(await t.call('DELETE', `${BASE}/tenant/schemas/${enc(schema.$id)}`), 409, 'XDM-1009-409', /used by a dataset/);
    });

    it('a schema no dataset uses may still lose fields', async () => {
      const free = await createResource(t, 'fieldgroups', fieldGroup('free', { tier: { type: 'string' } }));
      await createResource(t, 'schemas', { title: 'not in use', allOf: [{ $ref: PROFILE }, { $ref: free.$id }] });
      const res = await t.call('PATCH', `${BASE}/tenant/fieldgroups/${enc(free.$id)}`, [
        { op: 'replace', path: `/definitions/custom/properties/${tenant}/properties/tier/type`, value: 'boolean' },
      ]);
      expect(res.statusCode, res.body).toBe(200);
    });
  });

  describe('If-Match, versions and meta:sandboxType', () => {
    it('PATCH with a stale If-Match is refused (412); with the current eTag it applies', async () => {
      const dt = await createResource(t, 'datatypes', { title: 'Versioned', type: 'object', properties: { a: { type: 'string' } } });
      expect(dt).toMatchObject({ version: '1.0', 'meta:sandboxType': 'production' });
      const url = `${BASE}/tenant/datatypes/${enc(dt.$id)}`;
      const first = await t.call('PATCH', url, [{ op: 'add', path: '/properties/b', value: { type: 'string' } }], {
        'if-match': `"${dt['meta:registryMetadata'].eTag}"`,
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().version).toBe('1.1');
      expectError(
        await t.call('PATCH', url, [{ op: 'add', path: '/properties/c', value: { type: 'string' } }], {
          'if-match': dt['meta:registryMetadata'].eTag,
        }),
        412,
        'XDM-1013-412',
      );
      const listed = (await t.call('GET', `${BASE}/tenant/datatypes?property=title==Versioned`, undefined, { accept: XED_ID })).json().results;
      expect(listed).toEqual([expect.objectContaining({ $id: dt.$id, version: '1.1' })]);
    });

    it('a development sandbox says so', async () => {
      await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'devtype' });
      const res = await t.call(
        'POST',
        `${BASE}/tenant/datatypes`,
        { title: 'Dev', type: 'object', properties: { a: { type: 'string' } } },
        { 'x-sandbox-name': 'devtype' },
      );
      expect(res.json()['meta:sandboxType']).toBe('development');
    });
  });

  describe('Accept variants', () => {
    let schema: Record<string, any>;
    let url: string;
    beforeAll(async () => {
      schema = await createResource(t, 'schemas', { ...targetSchemaBody, title: 'accept variants' });
      await t.call('POST', `${BASE}/tenant/descriptors`, {
        '@type': 'xdm:descriptorIdentity',
        'xdm:sourceSchema': schema.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': '/personalEmail/address',
        'xdm:namespace': 'Email',
        'xdm:isPrimary': true,
      });
      url = `${BASE}/tenant/schemas/${enc(schema.$id)}`;
    });
    const get = async (accept: string) => {
      const res = await t.call('GET', url, undefined, { accept });
      expect(res.statusCode, `${accept}: ${res.body.slice(0, 300)}`).toBe(200);
      return res.json();
    };

    it('xed: raw, with allOf and text', async () => {
      const body = await get('application/vnd.adobe.xed+json; version=1');
      expect(body.allOf).toHaveLength(4);
      expect(body.properties).toBeUndefined();
      expect(body.title).toBe('accept variants');
    });
    it('xed-full: resolved, with text', async () => {
      const body = await get('application/vnd.adobe.xed-full+json; version=1');
      expect(body.allOf).toBeUndefined();
      expect(body.properties.person.properties.name.properties.firstName.title).toBe('First name');
      expect(body['meta:descriptors']).toBeUndefined();
    });
    it('xed-notext: raw, without field text', async () => {
      const dt = await createResource(t, 'datatypes', {
        title: 'Texted',
        type: 'object',
        properties: { a: { type: 'string', title: 'A', description: 'The a' } },
      });
      const res = await t.call('GET', `${BASE}/tenant/datatypes/${enc(dt.$id)}`, undefined, {
        accept: 'application/vnd.adobe.xed-notext+json; version=1',
      });
      expect(res.json().properties.a).toEqual({ type: 'string', 'meta:xdmType': 'string' });
      expect(res.json().title).toBe('Texted');
    });
    it('xed-full-notext: resolved, without field text', async () => {
      const body = await get('application/vnd.adobe.xed-full-notext+json; version=1');
      expect(body.properties.person.properties.name.properties.firstName).toEqual({
        type: 'string',
        'meta:xdmField': 'xdm:firstName',
        'meta:xdmType': 'string',
      });
    });
    it('xed-full-desc: resolved, with the schema’s descriptors', async () => {
      const body = await get('application/vnd.adobe.xed-full-desc+json; version=1');
      expect(body.properties.person).toBeTruthy();
      expect(body['meta:descriptors']).toEqual([
        expect.objectContaining({ '@type': 'xdm:descriptorIdentity', 'xdm:sourceProperty': '/personalEmail/address', 'xdm:namespace': 'Email' }),
      ]);
    });
    it('version=1.0 is version 1; version=2 is 406; no version is 400 XDM-1006', async () => {
      expect((await get('application/vnd.adobe.xed-full+json;version=1.0')).allOf).toBeUndefined();
      const v2 = await t.call('GET', url, undefined, { accept: 'application/vnd.adobe.xed+json; version=2' });
      expectError(v2, 406, 'XDM-1007-406');
      expectError(await t.call('GET', url, undefined, { accept: 'application/vnd.adobe.xed-full+json' }), 400, 'XDM-1006-400');
      expectError(await t.call('GET', url), 400, 'XDM-1006-400');
    });
    it('lists: xed-id summaries and xed whole resources', async () => {
      const ids = (await t.call('GET', `${BASE}/tenant/schemas?property=title==accept variants`, undefined, { accept: XED_ID })).json();
      expect(ids.results).toEqual([{ $id: schema.$id, 'meta:altId': schema['meta:altId'], version: '1.0', title: 'accept variants' }]);
      const full = (
        await t.call('GET', `${BASE}/tenant/schemas?property=title==accept variants`, undefined, { accept: 'application/vnd.adobe.xed+json' })
      ).json();
      expect(full.results[0].allOf).toHaveLength(4);
      expect(full._links.next).toBeNull();
    });
  });

  describe('descriptors', () => {
    let schema: Record<string, any>;
    let other: Record<string, any>;
    const identity = (extra: Record<string, unknown>) => ({
      '@type': 'xdm:descriptorIdentity',
      'xdm:sourceSchema': schema.$id,
      'xdm:sourceVersion': 1,
      'xdm:property': 'xdm:code',
      ...extra,
    });
    beforeAll(async () => {
      const fg = await createResource(t, 'fieldgroups', fieldGroup('ids', { crmId: { type: 'string' }, visits: { type: 'integer' } }));
      schema = await createResource(t, 'schemas', {
        title: 'descriptor source',
        allOf: [{ $ref: PROFILE }, { $ref: PERSONAL_DETAILS }, { $ref: fg.$id }],
      });
      other = await createResource(t, 'schemas', { title: 'descriptor destination', allOf: [{ $ref: PROFILE }, { $ref: PERSONAL_DETAILS }] });
    });

    it('an identity names an existing namespace, by code or by id, on a string field', async () => {
      const byCode = await t.call(
        'POST',
        `${BASE}/tenant/descriptors`,
        identity({ 'xdm:sourceProperty': '/personalEmail/address', 'xdm:namespace': 'Email', 'xdm:isPrimary': true }),
      );
      expect(byCode.statusCode, byCode.body).toBe(201);
      expect(byCode.json()).toMatchObject({
        '@id': expect.stringMatching(/^[0-9a-f]{48}$/),
        version: '1',
        imsOrg: t.credentials.imsOrg,
        'meta:containerId': 'tenant',
        'xdm:isPrimary': true,
      });
      const byId = await t.call(
        'POST',
        `${BASE}/tenant/descriptors`,
        identity({ 'xdm:sourceProperty': '/mobilePhone/number', 'xdm:namespace': '7', 'xdm:property': 'xdm:id' }),
      );
      expect(byId.statusCode, byId.body).toBe(201);
      expectError(
        await t.call(
          'POST',
          `${BASE}/tenant/descriptors`,
          identity({ 'xdm:sourceProperty': `/${tenant}/crmId`, 'xdm:namespace': 'NoSuchNamespace' }),
        ),
        400,
        'XDM-1000-400',
        /NoSuchNamespace' does not exist/,
      );
      expectError(
        await t.call('POST', `${BASE}/tenant/descriptors`, identity({ 'xdm:sourceProperty': `/${tenant}/visits`, 'xdm:namespace': 'CRMID' })),
        400,
        'XDM-1000-400',
        /must be a string/,
      );
      expectError(
        await t.call('POST', `${BASE}/tenant/descriptors`, identity({ 'xdm:sourceProperty': '/nowhere', 'xdm:namespace': 'Email' })),
        400,
        'XDM-1000-400',
        /is not a field/,
      );
    });

    it('one primary identity per schema (400 XDM-1000)', async () => {
      const res = await t.call(
        'POST',
        `${BASE}/tenant/descriptors`,
        identity({ 'xdm:sourceProperty': `/${tenant}/crmId`, 'xdm:namespace': 'CRMID', 'xdm:isPrimary': true }),
      );
      expectError(res, 400, 'XDM-1000-400', /already has a primary identity/);
      const secondary = await t.call(
        'POST',
        `${BASE}/tenant/descriptors`,
        identity({ 'xdm:sourceProperty': `/${tenant}/crmId`, 'xdm:namespace': 'CRMID', 'xdm:isPrimary': false }),
      );
      expect(secondary.statusCode, secondary.body).toBe(201);
    });

    it('a custom namespace of the org can be named once created', async () => {
      const before = await t.call(
        'POST',
        `${BASE}/tenant/descriptors`,
        identity({ 'xdm:sourceSchema': other.$id, 'xdm:sourceProperty': '/homePhone/number', 'xdm:namespace': 'Loyalty' }),
      );
      expectError(before, 400, 'XDM-1000-400', /does not exist/);
      const ns = await t.call('POST', '/data/core/idnamespace/identities', { name: 'Loyalty Member ID', code: 'Loyalty', idType: 'Cross_device' });
      expect(ns.statusCode, ns.body).toBe(200);
      const after = await t.call(
        'POST',
        `${BASE}/tenant/descriptors`,
        identity({ 'xdm:sourceSchema': other.$id, 'xdm:sourceProperty': '/homePhone/number', 'xdm:namespace': 'Loyalty' }),
      );
      expect(after.statusCode, after.body).toBe(201);
    });

    it('relationships need the destination’s primary identity or a destination field', async () => {
      const relationship = {
        '@type': 'xdm:descriptorOneToOne',
        'xdm:sourceSchema': schema.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': `/${tenant}/crmId`,
        'xdm:destinationSchema': other.$id,
        'xdm:destinationVersion': 1,
      };
      expectError(await t.call('POST', `${BASE}/tenant/descriptors`, relationship), 400, 'XDM-1000-400', /has no primary identity/);
      const withField = await t.call('POST', `${BASE}/tenant/descriptors`, { ...relationship, 'xdm:destinationProperty': '/personalEmail/address' });
      expect(withField.statusCode, withField.body).toBe(201);
      // The destination cannot go while the relationship points at it.
      expectError(await t.call('DELETE', `${BASE}/tenant/schemas/${enc(other.$id)}`), 409, 'XDM-1009-409', /destination of descriptor/);
    });

    it('lists grouped by @type (xdm, xdm-id, xdm-link), or paged (xdm-v2); refuses an xed Accept (400 XDM-1008)', async () => {
      const grouped = (
        await t.call('GET', `${BASE}/tenant/descriptors?property=xdm:sourceSchema==${enc(schema.$id)}`, undefined, {
          accept: 'application/vnd.adobe.xdm+json',
        })
      ).json();
      expect(Object.keys(grouped).sort()).toEqual(['xdm:descriptorIdentity', 'xdm:descriptorOneToOne']);
      expect(grouped['xdm:descriptorIdentity']).toHaveLength(3);
      const ids = (await t.call('GET', `${BASE}/tenant/descriptors`, undefined, { accept: 'application/vnd.adobe.xdm-id+json' })).json();
      expect(ids['xdm:descriptorIdentity'].every((id: unknown) => typeof id === 'string')).toBe(true);
      const links = (await t.call('GET', `${BASE}/tenant/descriptors`, undefined, { accept: 'application/vnd.adobe.xdm-link+json' })).json();
      expect(links['xdm:descriptorIdentity'][0]).toMatch(/^\/data\/foundation\/schemaregistry\/tenant\/descriptors\/[0-9a-f]{48}$/);
      const paged = (await t.call('GET', `${BASE}/tenant/descriptors?limit=2`, undefined, { accept: 'application/vnd.adobe.xdm-v2+json' })).json();
      expect(paged.results).toHaveLength(2);
      expect(paged._page).toMatchObject({ count: 2, next: expect.any(String) });
      expectError(await t.call('GET', `${BASE}/tenant/descriptors`, undefined, { accept: XED }), 400, 'XDM-1008-400');
    });

    it('a field a descriptor names cannot be removed from the schema (400); deleting the schema takes its descriptors', async () => {
      const fg = await createResource(t, 'fieldgroups', fieldGroup('named field', { code: { type: 'string' } }));
      const s = await createResource(t, 'schemas', { title: 'descriptor owner', allOf: [{ $ref: PROFILE }, { $ref: fg.$id }] });
      const d = (
        await t.call('POST', `${BASE}/tenant/descriptors`, {
          '@type': 'xdm:alternateDisplayInfo',
          'xdm:sourceSchema': s.$id,
          'xdm:sourceVersion': 1,
          'xdm:sourceProperty': `/${tenant}/code`,
          'xdm:title': { en_us: 'Code' },
        })
      ).json();
      expectError(
        await t.call('PATCH', `${BASE}/tenant/fieldgroups/${enc(fg.$id)}`, [
          { op: 'remove', path: `/definitions/custom/properties/${tenant}/properties/code` },
        ]),
        400,
        'XDM-1000-400',
        /descriptor/,
      );
      expect((await t.call('DELETE', `${BASE}/tenant/schemas/${enc(s.$id)}`)).statusCode).toBe(204);
      expectError(await t.call('GET', `${BASE}/tenant/descriptors/${d['@id']}`), 404, 'XDM-1012-404');
    });
  });

  describe('unions', () => {
    it('a schema joins its class’s union by its immutable tag, which cannot be taken back', async () => {
      const fg = await createResource(t, 'fieldgroups', fieldGroup('union part', { unionField: { type: 'string' } }));
      const s = await createResource(t, 'schemas', {
        title: 'union member',
        allOf: [{ $ref: PROFILE }, { $ref: fg.$id }],
        'meta:immutableTags': ['union'],
      });
      const union = (await t.call('GET', `${BASE}/tenant/unions/${enc(`${PROFILE}__union`)}`, undefined, { accept: XED_FULL })).json();
      expect(union).toMatchObject({ 'meta:resourceType': 'unions', 'meta:class': PROFILE, title: 'XDM Individual Profile' });
      expect(union['meta:extends']).toContain(s.$id);
      expect(union.properties[tenant].properties.unionField).toMatchObject({ type: 'string' });
      expectError(
        await t.call('PATCH', `${BASE}/tenant/schemas/${enc(s.$id)}`, [{ op: 'remove', path: '/meta:immutableTags' }]),
        400,
        'XDM-1000-400',
        /cannot be removed/,
      );
      const clashing = await createResource(t, 'fieldgroups', fieldGroup('union clash', { unionField: { type: 'number' } }));
      expectError(
        await post('schemas', { title: 'clashing member', allOf: [{ $ref: PROFILE }, { $ref: clashing.$id }], 'meta:immutableTags': ['union'] }),
        400,
        'XDM-1000-400',
        /cannot join the union/,
      );
      expect((await t.call('GET', `${BASE}/stats`)).json().counts.unions).toBe(1);
    });
  });

  describe('rpc', () => {
    it('sample data passes the schema’s own compiled validator', async () => {
      const fg = await createResource(
        t,
        'fieldgroups',
        fieldGroup(
          'sampled',
          {
            code: { type: 'string', pattern: '^[A-Z]{3}-[0-9]{4}$' },
            score: { type: 'number', minimum: 10, maximum: 20 },
            since: { type: 'string', format: 'date' },
          },
          { required: ['code'] },
        ),
      );
      const s = await createResource(t, 'schemas', {
        title: 'sampled schema',
        allOf: [{ $ref: PROFILE }, { $ref: PERSON_DETAILS }, { $ref: PERSONAL_DETAILS }, { $ref: fg.$id }],
      });
      const res = await t.call('GET', `${BASE}/rpc/sampledata/${enc(s.$id)}`, undefined, { accept: XED });
      expect(res.statusCode).toBe(200);
      const sample = res.json();
      const full = (await t.call('GET', `${BASE}/tenant/schemas/${enc(s.$id)}`, undefined, { accept: XED_FULL })).json();
      expect(compileTarget(full).validate(sample)).toEqual([]);
      expect(sample[tenant].code).toMatch(/^[A-Z]{3}-[0-9]{4}$/);
      expect(sample[tenant].score).toBeGreaterThanOrEqual(10);
      expect(sample.personalEmail.address).toContain('@');
      expect(sample.person.gender).toBe('not_specified');
    });

    it('export replaces the tenant id; import recreates the schema, its dependencies and descriptors in another sandbox', async () => {
      const dt = await createResource(t, 'datatypes', { title: 'Export room', type: 'object', properties: { number: { type: 'string' } } });
      const fg = await createResource(t, 'fieldgroups', fieldGroup('exported', { memberId: { type: 'string' }, room: { $ref: dt.$id } }));
      const s = await createResource(t, 'schemas', { title: 'exported schema', allOf: [{ $ref: PROFILE }, { $ref: fg.$id }] });
      await t.call('POST', `${BASE}/tenant/descriptors`, {
        '@type': 'xdm:descriptorIdentity',
        'xdm:sourceSchema': s.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': `/${tenant}/memberId`,
        'xdm:namespace': 'CRMID',
        'xdm:isPrimary': true,
      });
      const payload = (await t.call('GET', `${BASE}/rpc/export/${s['meta:altId']}`, undefined, { accept: XED_ID })).json();
      expect(payload.map((p: any) => p.$id ?? p['@type'])).toEqual([
        dt.$id.replace(t.credentials.tenantId, '<XDM_TENANTID_PLACEHOLDER>'),
        fg.$id.replace(t.credentials.tenantId, '<XDM_TENANTID_PLACEHOLDER>'),
        s.$id.replace(t.credentials.tenantId, '<XDM_TENANTID_PLACEHOLDER>'),
        'xdm:descriptorIdentity',
      ]);
      expect(JSON.stringify(payload)).not.toContain(t.credentials.tenantId);

      await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'target' });
      const imported = await t.call('POST', `${BASE}/rpc/import`, payload, { 'x-sandbox-name': 'target' });
      expect(imported.statusCode, imported.body).toBe(200);
      const there = await t.call('GET', `${BASE}/tenant/schemas/${enc(s.$id)}`, undefined, {
        accept: 'application/vnd.adobe.xed-full-desc+json; version=1',
        'x-sandbox-name': 'target',
      });
      expect(there.statusCode).toBe(200);
      expect(there.json().properties[tenant].properties.room.properties.number).toMatchObject({ type: 'string' });
      expect(there.json()['meta:descriptors']).toEqual([expect.objectContaining({ 'xdm:namespace': 'CRMID', 'xdm:isPrimary': true })]);
      expect(there.json()['meta:sandboxId']).not.toBe(s['meta:sandboxId']);
      // A second import finds the ids taken: nothing more is created.
      expectError(await t.call('POST', `${BASE}/rpc/import`, payload, { 'x-sandbox-name': 'target' }), 400, 'XDM-3005-400', /already exists/);
    });
  });
});
