import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import {
  BASE,
  PERSONAL_DETAILS,
  PERSON_DETAILS,
  PROFILE,
  XED,
  XED_FULL,
  XED_ID,
  adhocClassBody,
  createResource,
  enc,
  leafPaths,
  targetSchemaBody,
} from './support.js';

describe.each(['pglite', 'postgres'] as const)('Schema Registry API on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ database });
  });
  afterAll(async () => t?.close());

  describe('the tutorial’s ad-hoc class and schema', () => {
    let cls: Record<string, any>;
    let schema: Record<string, any>;
    beforeAll(async () => {
      cls = await createResource(t, 'classes', adhocClassBody);
      schema = await createResource(t, 'schemas', { title: 'Source data schema', type: 'object', allOf: [{ $ref: cls.$id }] });
    });

    it('renames _adhoc to a generated namespace shared by the class id', () => {
      const hex = /^_([0-9a-f]{32})$/.exec(cls['meta:datasetNamespace'])?.[1];
      expect(hex).toBeTruthy();
      expect(cls.$id).toBe(`https://ns.adobe.com/${t.credentials.tenantId}/classes/${hex}`);
      expect(cls['meta:altId']).toBe(`_${cls['meta:tenantNamespace'].slice(1)}.classes.${hex}`);
      expect(cls).toMatchObject({
        'meta:resourceType': 'classes',
        version: '1.0',
        'meta:extends': ['https://ns.adobe.com/xdm/data/adhoc'],
        'meta:abstract': true,
        'meta:extensible': true,
        'meta:containerId': 'tenant',
      });
      expect(JSON.stringify(cls)).not.toContain('_adhoc');
    });

    it('gives the schema the class’s namespace, and resolves its fields under it in column order', async () => {
      expect(schema).toMatchObject({ 'meta:class': cls.$id, 'meta:datasetNamespace': cls['meta:datasetNamespace'], 'meta:abstract': false });
      expect(schema['meta:extends']).toEqual(expect.arrayContaining([cls.$id, 'https://ns.adobe.com/xdm/data/adhoc']));
      const res = await t.call('GET', `${BASE}/tenant/schemas/${enc(schema.$id)}`, undefined, {
        accept: 'application/vnd.adobe.xed-full-notext+json; version=1',
      });
      expect(res.statusCode).toBe(200);
      const ns = cls['meta:datasetNamespace'];
      expect(leafPaths(res.json())).toEqual([`${ns}.id:string`, `${ns}.first_name:string`, `${ns}.last_name:string`, `${ns}.email:string`]);
    });
  });

  describe('the tutorial’s target schema', () => {
    let schema: Record<string, any>;
    beforeAll(async () => {
      schema = await createResource(t, 'schemas', targetSchemaBody);
    });

    it('answers like the tutorial, with the duplicated field group listed once in refs and meta:extends', () => {
      const tenant = schema['meta:tenantNamespace'].slice(1);
      expect(schema.$id).toMatch(new RegExp(`^https://ns\\.adobe\\.com/${tenant}/schemas/[0-9a-f]{48}$`));
      expect(schema['meta:altId']).toBe(`_${tenant}.schemas.${schema.$id.split('/').pop()}`);
      expect(schema).toMatchObject({
        'meta:resourceType': 'schemas',
        version: '1.0',
        title: targetSchemaBody.title,
        type: 'object',
        imsOrg: t.credentials.imsOrg,
        'meta:extensible': false,
        'meta:abstract': false,
        'meta:xdmType': 'object',
        'meta:class': PROFILE,
        'meta:containerId': 'tenant',
      });
      expect(schema.allOf).toHaveLength(4);
      expect(schema.allOf[0]).toEqual({ $ref: PROFILE, type: 'object', 'meta:xdmType': 'object' });
      expect([...schema.refs].sort()).toEqual([PERSON_DETAILS, PERSONAL_DETAILS, PROFILE].sort());
      expect(schema['meta:extends']).toEqual([
        PERSON_DETAILS,
        PERSONAL_DETAILS,
        'https://ns.adobe.com/xdm/common/auditable',
        'https://ns.adobe.com/xdm/data/record',
        PROFILE,
      ]);
      expect(schema['meta:registryMetadata']).toMatchObject({
        'repo:createdDate': expect.any(Number),
        eTag: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(schema['meta:sandboxId']).toBeTruthy();
    });

    it('serves the raw form by $id and by altId, and the resolved form without allOf', async () => {
      for (const id of [enc(schema.$id), schema['meta:altId']]) {
        const raw = await t.call('GET', `${BASE}/tenant/schemas/${id}`, undefined, { accept: XED });
        expect(raw.statusCode).toBe(200);
        expect(raw.json().allOf).toHaveLength(4);
        expect(raw.json().title).toBe(targetSchemaBody.title);
      }
      const full = await t.call('GET', `${BASE}/tenant/schemas/${enc(schema.$id)}`, undefined, { accept: XED_FULL });
      const body = full.json();
      expect(body.allOf).toBeUndefined();
      expect(body.definitions).toBeUndefined();
      expect(body.properties.person.properties.name.properties.firstName).toMatchObject({
        type: 'string',
        'meta:xdmType': 'string',
        title: 'First name',
      });
      expect(body.properties.person['meta:referencedFrom']).toBe('https://ns.adobe.com/xdm/context/person');
      expect(body.properties.personalEmail.properties.address).toMatchObject({ type: 'string', format: 'email' });
      expect(body['meta:extends']).toEqual(schema['meta:extends']);
    });

    it('honours the Accept variants, with version 1 or 1.0', async () => {
      const url = `${BASE}/tenant/schemas/${enc(schema.$id)}`;
      const get = async (accept: string) => {
        const res = await t.call('GET', url, undefined, { accept });
        expect(res.statusCode, accept).toBe(200);
        return res.json();
      };
      const notext = await get('application/vnd.adobe.xed-notext+json; version=1');
      expect(notext.allOf).toHaveLength(4);
      const fullNotext = await get('application/vnd.adobe.xed-full-notext+json;version=1.0');
      expect(fullNotext.allOf).toBeUndefined();
      expect(fullNotext.properties.person.title).toBeUndefined();
      expect(fullNotext.properties.person.properties.name.properties.firstName.description).toBeUndefined();
      // A field named "description" is data, not text: it stays.
      expect(fullNotext.properties.homeAddress.properties._schema.properties.description).toMatchObject({ type: 'string' });
      const full = await get('application/vnd.adobe.xed-full+json;version=1.0');
      expect(full.properties.person.properties.name.properties.firstName.description).toBeTruthy();
      expect((await get('application/vnd.adobe.xed-full-desc+json; version=1')).properties.person).toBeTruthy();
    });

    it('lists tenant schemas as ids or whole resources, filtered and paged', async () => {
      const ids = await t.call('GET', `${BASE}/tenant/schemas`, undefined, { accept: XED_ID });
      expect(ids.statusCode).toBe(200);
      const page = ids.json();
      expect(page.results).toContainEqual({ $id: schema.$id, 'meta:altId': schema['meta:altId'], version: '1.0', title: targetSchemaBody.title });
      expect(page._page).toMatchObject({ orderby: 'title', count: page.results.length });
      const full = await t.call('GET', `${BASE}/tenant/schemas?property=meta:class==${enc(PROFILE)}`, undefined, {
        accept: 'application/vnd.adobe.xed+json',
      });
      expect(full.json().results.map((r: any) => r.$id)).toEqual([schema.$id]);
      const first = await t.call('GET', `${BASE}/tenant/schemas?orderby=title&limit=1`, undefined, { accept: XED_ID });
      expect(first.json().results).toHaveLength(1);
      expect(first.json()._page.next).toBe(first.json().results[0].title);
      expect(first.json()._links.next).toContain('start=');
    });
  });

  describe('the global container', () => {
    it('serves the standard classes, field groups, data types and behaviors', async () => {
      const classes = await t.call('GET', `${BASE}/global/classes?property=title==XDM Individual Profile`, undefined, { accept: XED_ID });
      expect(classes.json().results).toEqual([
        { $id: PROFILE, 'meta:altId': '_xdm.context.profile', version: '1.0', title: 'XDM Individual Profile' },
      ]);
      const forProfile = await t.call('GET', `${BASE}/global/fieldgroups?property=meta:intendedToExtend==${enc(PROFILE)}`, undefined, {
        accept: XED_ID,
      });
      expect(forProfile.json().results.map((r: any) => r.$id)).toEqual(expect.arrayContaining([PERSON_DETAILS, PERSONAL_DETAILS]));
      const mixins = await t.call('GET', `${BASE}/global/mixins/_xdm.context.profile-person-details`, undefined, { accept: XED });
      expect(mixins.json()).toMatchObject({
        $id: PERSON_DETAILS,
        'meta:resourceType': 'mixins',
        'meta:containerId': 'global',
        title: 'Demographic Details',
      });
      const behaviors = await t.call('GET', `${BASE}/global/behaviors`, undefined, { accept: XED_ID });
      expect(
        behaviors
          .json()
          .results.map((r: any) => r.$id)
          .sort(),
      ).toEqual(['https://ns.adobe.com/xdm/data/adhoc', 'https://ns.adobe.com/xdm/data/record', 'https://ns.adobe.com/xdm/data/time-series']);
      const datatype = await t.call('GET', `${BASE}/global/datatypes/${enc('https://ns.adobe.com/xdm/context/person-name')}`, undefined, {
        accept: XED,
      });
      expect(datatype.json().definitions.personname.properties.firstName).toMatchObject({ type: 'string', 'meta:xdmField': 'xdm:firstName' });
    });

    it('resolves a standard class: ExperienceEvent requires _id and timestamp', async () => {
      const res = await t.call('GET', `${BASE}/global/classes/_xdm.context.experienceevent`, undefined, { accept: XED_FULL });
      expect(res.statusCode).toBe(200);
      expect(res.json().required).toEqual(expect.arrayContaining(['_id', 'timestamp']));
      expect(res.json().properties.identityMap).toMatchObject({ type: 'object', 'meta:xdmType': 'map' });
    });

    it('is read-only', async () => {
      const res = await t.call('POST', `${BASE}/global/schemas`, targetSchemaBody);
      expect(res.statusCode).toBe(404);
    });
  });

  describe('errors', () => {
    const expectRegistryError = (res: { statusCode: number; json(): any }, status: number, code: string) => {
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({
        type: `http://ns.adobe.com/aep/errors/${code}`,
        status,
        title: expect.any(String),
        detail: expect.any(String),
        report: expect.any(Object),
      });
    };

    it('400 XDM-1006 for a missing or malformed Accept header', async () => {
      const url = `${BASE}/global/classes/${enc(PROFILE)}`;
      expectRegistryError(await t.call('GET', url), 400, 'XDM-1006-400');
      expectRegistryError(await t.call('GET', url, undefined, { accept: 'application/json' }), 400, 'XDM-1006-400');
      expectRegistryError(await t.call('GET', url, undefined, { accept: 'application/vnd.adobe.xed+json' }), 400, 'XDM-1006-400');
      expectRegistryError(await t.call('GET', url, undefined, { accept: 'application/vnd.adobe.xed+json; version=one' }), 400, 'XDM-1006-400');
      expectRegistryError(await t.call('GET', `${BASE}/global/classes`, undefined, { accept: 'text/html' }), 400, 'XDM-1006-400');
    });

    it('406 for a version that does not exist', async () => {
      const res = await t.call('GET', `${BASE}/global/classes/${enc(PROFILE)}`, undefined, { accept: 'application/vnd.adobe.xed+json; version=7' });
      expect(res.statusCode).toBe(406);
      expect(res.json().type).toMatch(/XDM-\d{4}-406$/);
    });

    it('404 XDM-1012 for an unknown id or an id of another kind', async () => {
      expectRegistryError(
        await t.call('GET', `${BASE}/tenant/schemas/${enc('https://ns.adobe.com/nobody/schemas/0')}`, undefined, { accept: XED }),
        404,
        'XDM-1012-404',
      );
      expectRegistryError(await t.call('GET', `${BASE}/global/schemas/${enc(PROFILE)}`, undefined, { accept: XED }), 404, 'XDM-1012-404');
      expectRegistryError(await t.call('GET', `${BASE}/tenant/schemas/${enc(PROFILE)}`, undefined, { accept: XED }), 404, 'XDM-1012-404');
    });

    it('400 for composition rules: unknown $ref, no class, two classes, foreign field group, inline fields', async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ title: 'x', allOf: [{ $ref: PROFILE }, { $ref: 'https://ns.adobe.com/xdm/context/does-not-exist' }] }, /does not exist/],
        [{ title: 'x', allOf: [{ $ref: PERSON_DETAILS }] }, /exactly one class; found 0/],
        [{ title: 'x', allOf: [{ $ref: PROFILE }, { $ref: 'https://ns.adobe.com/xdm/context/experienceevent' }] }, /exactly one class; found 2/],
        [
          { title: 'x', allOf: [{ $ref: PROFILE }, { $ref: 'https://ns.adobe.com/xdm/mixins/experienceevent-alert-setup-steps' }] },
          /not intended for class/,
        ],
        [{ title: 'x', allOf: [{ $ref: PROFILE }, { properties: { loose: { type: 'string' } } }] }, /only hold '\$ref'/],
        [{ title: 'x', allOf: [{ $ref: PROFILE }], 'meta:class': 'https://ns.adobe.com/xdm/context/experienceevent' }, /meta:class/],
        [{ allOf: [{ $ref: PROFILE }] }, /title is required/],
      ];
      for (const [body, reason] of cases) {
        const res = await t.call('POST', `${BASE}/tenant/schemas`, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().type).toMatch(/XDM-\d{4}-400$/);
        expect(res.json().detail).toMatch(reason);
      }
    });

    it('400 for a field group whose field clashes in type with the class', async () => {
      const tenant = `_${(await createResource(t, 'schemas', targetSchemaBody))['meta:tenantNamespace'].slice(1)}`;
      const fieldGroup = (type: string) => ({
        title: `Loyalty ${type}`,
        'meta:intendedToExtend': [PROFILE],
        definitions: { loyalty: { properties: { [tenant]: { type: 'object', properties: { level: { type } } } } } },
        allOf: [{ $ref: '#/definitions/loyalty' }],
      });
      const asString = await createResource(t, 'fieldgroups', fieldGroup('string'));
      expect(asString.$id).toContain('/mixins/');
      expect(asString['meta:resourceType']).toBe('mixins');
      const asNumber = await createResource(t, 'mixins', fieldGroup('number'));
      const clash = await t.call('POST', `${BASE}/tenant/schemas`, {
        title: 'clash',
        allOf: [{ $ref: PROFILE }, { $ref: asString.$id }, { $ref: asNumber.$id }],
      });
      expect(clash.statusCode).toBe(400);
      expect(clash.json().detail).toMatch(/level/);
      const ok = await createResource(t, 'schemas', { title: 'loyal', allOf: [{ $ref: PROFILE }, { $ref: asString.$id }] });
      const full = await t.call('GET', `${BASE}/tenant/schemas/${ok['meta:altId']}`, undefined, { accept: XED_FULL });
      expect(full.json().properties[tenant].properties.level).toMatchObject({ type: 'string' });
      // Tenant fields must live under the tenant namespace.
      const loose = await t.call('POST', `${BASE}/tenant/fieldgroups`, {
        title: 'loose',
        'meta:intendedToExtend': [PROFILE],
        properties: { level: { type: 'string' } },
      });
      expect(loose.statusCode).toBe(400);
    });
  });

  describe('isolation', () => {
    it('never shows a tenant resource to another org or another sandbox', async () => {
      const mine = await createResource(t, 'schemas', targetSchemaBody);
      const url = `${BASE}/tenant/schemas/${enc(mine.$id)}`;

      const other = await t.platform.identity.createOrg({ name: `Other ${database}` });
      const client = await t.platform.identity.createClient(other.orgId, 'other');
      const { accessToken } = await t.platform.identity.issueToken(client.clientId, client.clientSecret);
      const otherHeaders = {
        authorization: `Bearer ${accessToken}`,
        'x-api-key': client.clientId,
        'x-gw-ims-org-id': other.orgId,
        'x-sandbox-name': 'prod',
      };
      const foreign = await t.app.inject({ method: 'GET', url, headers: { ...otherHeaders, accept: XED } });
      expect(foreign.statusCode).toBe(404);
      const foreignList = await t.app.inject({ method: 'GET', url: `${BASE}/tenant/schemas`, headers: { ...otherHeaders, accept: XED_ID } });
      expect(foreignList.json().results).toEqual([]);
      // Nor can it be referenced from the other org.
      const borrowed = await t.app.inject({
        method: 'POST',
        url: `${BASE}/tenant/schemas`,
        headers: { ...otherHeaders, 'content-type': 'application/json' },
        payload: JSON.stringify({ title: 'borrow', allOf: [{ $ref: mine.$id }] }),
      });
      expect(borrowed.statusCode).toBe(400);

      await t.platform.db.query(
        `insert into sandboxes (id, org_id, name, title, type, state) values ($1, $2, 'dev', 'Dev', 'development', 'active')`,
        [randomUUID(), t.credentials.imsOrg],
      );
      const inDev = await t.call('GET', url, undefined, { accept: XED, 'x-sandbox-name': 'dev' });
      expect(inDev.statusCode).toBe(404);
      const devList = await t.call('GET', `${BASE}/tenant/schemas`, undefined, { accept: XED_ID, 'x-sandbox-name': 'dev' });
      expect(devList.json().results).toEqual([]);
      expect((await t.call('GET', url, undefined, { accept: XED })).statusCode).toBe(200);
    });
  });

  describe('updates', () => {
    it('adds a field group with the documented JSON Patch, keeping id and creation date', async () => {
      const schema = await createResource(t, 'schemas', targetSchemaBody);
      const work = 'https://ns.adobe.com/xdm/context/profile-work-details';
      const res = await t.call(
        'PATCH',
        `${BASE}/tenant/schemas/${enc(schema.$id)}`,
        [
          { op: 'add', path: '/allOf/-', value: { $ref: work } },
          { op: 'add', path: '/meta:extends/-', value: work },
        ],
        { 'content-type': 'application/json-patch+json' },
      );
      expect(res.statusCode).toBe(200);
      const patched = res.json();
      expect(patched.$id).toBe(schema.$id);
      expect(patched['meta:extends'].filter((e: string) => e === work)).toHaveLength(1);
      expect(patched['meta:registryMetadata']['repo:createdDate']).toBe(schema['meta:registryMetadata']['repo:createdDate']);
      const full = await t.call('GET', `${BASE}/tenant/schemas/${enc(schema.$id)}`, undefined, { accept: XED_FULL });
      expect(full.json().properties.workEmail.properties.address.format).toBe('email');
    });

    it('adds a tenant field group with JSON Patch, resolving the group the new version newly references', async () => {
      const tenant = `_${t.credentials.tenantId}`;
      const schema = await createResource(t, 'schemas', { title: 'grows by a tenant group', allOf: [{ $ref: PROFILE }] });
      const group = await createResource(t, 'fieldgroups', {
        title: 'Loyalty',
        'meta:intendedToExtend': [PROFILE],
        properties: { [tenant]: { type: 'object', properties: { points: { type: 'integer' } } } },
      });
      const res = await t.call('PATCH', `${BASE}/tenant/schemas/${enc(schema.$id)}`, [{ op: 'add', path: '/allOf/-', value: { $ref: group.$id } }], {
        'content-type': 'application/json-patch+json',
      });
      expect(res.statusCode, res.body).toBe(200);
      const full = await t.call('GET', `${BASE}/tenant/schemas/${enc(schema.$id)}`, undefined, { accept: XED_FULL });
      expect(full.json().properties[tenant].properties.points).toMatchObject({ type: 'integer' });
    });

    it('replaces an ad-hoc class with PUT, keeping its namespace', async () => {
      const cls = await createResource(t, 'classes', adhocClassBody);
      const body = structuredClone(adhocClassBody);
      (body.allOf[1] as any).properties._adhoc.properties.age = { type: 'integer' };
      const res = await t.call('PUT', `${BASE}/tenant/classes/${cls['meta:altId']}`, body);
      expect(res.statusCode).toBe(200);
      expect(res.json()['meta:datasetNamespace']).toBe(cls['meta:datasetNamespace']);
      expect(res.json().allOf[1].properties[cls['meta:datasetNamespace']].properties.age).toMatchObject({ type: 'integer', 'meta:xdmType': 'long' });
    });

    it('refuses a change that would break a schema built on it', async () => {
      const tenant = `_${t.credentials.tenantId}`;
      const fieldGroup = (title: string) => ({
        title,
        'meta:intendedToExtend': [PROFILE],
        properties: { [tenant]: { type: 'object', properties: { tier: { type: 'string' } } } },
      });
      const a = await createResource(t, 'fieldgroups', fieldGroup('tier A'));
      const b = await createResource(t, 'fieldgroups', fieldGroup('tier B'));
      await createResource(t, 'schemas', { title: 'tiers', allOf: [{ $ref: PROFILE }, { $ref: a.$id }, { $ref: b.$id }] });
      const res = await t.call('PATCH', `${BASE}/tenant/fieldgroups/${enc(a.$id)}`, [
        { op: 'replace', path: `/properties/${tenant}/properties/tier/type`, value: 'number' },
      ]);
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(/would break/);
    });
  });

  it('deletes a tenant resource unless another one uses it', async () => {
    const cls = await createResource(t, 'classes', adhocClassBody);
    const schema = await createResource(t, 'schemas', { title: 'to delete', allOf: [{ $ref: cls.$id }] });
    expect((await t.call('DELETE', `${BASE}/tenant/classes/${enc(cls.$id)}`)).statusCode).toBe(409);
    expect((await t.call('DELETE', `${BASE}/tenant/schemas/${schema['meta:altId']}`)).statusCode).toBe(204);
    expect((await t.call('DELETE', `${BASE}/tenant/classes/${enc(cls.$id)}`)).statusCode).toBe(204);
    expect((await t.call('GET', `${BASE}/tenant/classes/${enc(cls.$id)}`, undefined, { accept: XED })).statusCode).toBe(404);
  });

  it('reports the tenant id in /stats', async () => {
    const res = await t.call('GET', `${BASE}/stats`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ imsOrg: t.credentials.imsOrg, tenantId: expect.any(String), counts: { schemas: expect.any(Number) } });
  });
});
