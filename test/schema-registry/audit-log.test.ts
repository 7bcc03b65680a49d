import { assert, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { BASE, PROFILE, createResource, enc } from './support.js';

/** `GET /rpc/auditlog/{id}`: who changed a tenant resource, when, and how (JSON Patch-like operations). */
describe('Schema Registry audit log', () => {
  let t: TestPlatform;
  let tenant: string;
  const log = async (id: string, headers: Record<string, string> = {}) => t.call('GET', `${BASE}/rpc/auditlog/${id}`, undefined, headers);
  beforeAll(async () => {
    t = await startTestPlatform({ database: 'pglite' });
    tenant = `_${t.credentials.tenantId}`;
  });
  afterAll(async () => t?.close());

  it('lists create, PATCH and PUT of a field group, with the removed value, by $id and by meta:altId, and survives the delete', async () => {
    const body = {
      title: 'Loyalty',
      'meta:intendedToExtend': [PROFILE],
      definitions: { loyalty: { properties: { [tenant]: { type: 'object', properties: { tier: { type: 'string', title: 'Tier' } } } } } },
      allOf: [{ $ref: '#/definitions/loyalty' }],
    };
    const group = await createResource(t, 'fieldgroups', body);
    const points = `/definitions/loyalty/properties/${tenant}/properties/points`;
    const tier = `/definitions/loyalty/properties/${tenant}/properties/tier`;
    const patched = await t.call('PATCH', `${BASE}/tenant/fieldgroups/${enc(group.$id)}`, [{ op: 'add', path: points, value: { type: 'integer' } }]);
    expect(patched.statusCode, patched.body).toBe(200);
    // Replaced without the tier: a breaking change is refused only once a dataset uses the group.
    const withoutTier = structuredClone(body);
    const tenantGroup = withoutTier.definitions.loyalty.properties[tenant];
    assert.isDefined(tenantGroup);
    const properties = tenantGroup.properties as Record<string, unknown>;
    delete properties.tier;
    properties.points = { type: 'integer' };
    const replaced = await t.call('PUT', `${BASE}/tenant/fieldgroups/${enc(group.$id)}`, { ...withoutTier, description: 'v2' });
    expect(replaced.statusCode, replaced.body).toBe(200);

    const res = await log(enc(group.$id));
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json();
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        id: group.$id,
        imsOrg: t.credentials.imsOrg,
        clientId: t.credentials.clientId,
        updatedUser: t.credentials.clientId,
      });
      expect(entry.updatedTime).toMatch(/^\d\d-\d\d-\d{4} \d\d:\d\d:\d\d$/);
      expect(entry.requestId).toMatch(/^[A-Za-z0-9]{32}$/);
      for (const u of entry.updates) expect(u).toMatchObject({ id: group.$id, xdmType: 'mixins' });
    }
    const [created, patch, put] = entries;
    expect(created.updates).toContainEqual(expect.objectContaining({ action: 'add', path: '/title', value: 'Loyalty' }));
    expect(patch.updates).toContainEqual(
      expect.objectContaining({ action: 'add', path: points, value: expect.objectContaining({ type: 'integer' }) }),
    );
    expect(patch.updates.map((u: { path: string }) => u.path)).not.toContain(tier);
    expect(put.updates).toContainEqual(
      expect.objectContaining({ action: 'remove', path: tier, value: expect.objectContaining({ type: 'string', title: 'Tier' }) }),
    );
    expect(put.updates).toContainEqual(expect.objectContaining({ action: 'add', path: '/description', value: 'v2' }));
    expect((await log(group['meta:altId'])).json()).toEqual(entries);

    expect((await t.call('DELETE', `${BASE}/tenant/fieldgroups/${enc(group.$id)}`)).statusCode).toBe(204);
    const after = (await log(group['meta:altId'])).json();
    expect(after).toHaveLength(4);
    expect(after[3].updates).toContainEqual(expect.objectContaining({ action: 'remove', path: '/title', value: 'Loyalty' }));
  });

  it("a schema's log shows changes to the tenant resources it uses; unknown ids are 404, standard ones have none, other sandboxes see nothing", async () => {
    const datatype = await createResource(t, 'datatypes', { title: 'Room', type: 'object', properties: { number: { type: 'string' } } });
    const group = await createResource(t, 'fieldgroups', {
      title: 'Stay',
      'meta:intendedToExtend': [PROFILE],
      definitions: { stay: { properties: { [tenant]: { type: 'object', properties: { room: { $ref: datatype.$id } } } } } },
      allOf: [{ $ref: '#/definitions/stay' }],
    });
    const schema = await createResource(t, 'schemas', { title: 'Guests', type: 'object', allOf: [{ $ref: PROFILE }, { $ref: group.$id }] });
    const patched = await t.call('PATCH', `${BASE}/tenant/fieldgroups/${enc(group.$id)}`, [{ op: 'replace', path: '/title', value: 'Stays' }]);
    expect(patched.statusCode, patched.body).toBe(200);
    const entries = (await log(enc(schema.$id))).json();
    expect(entries.map((e: { id: string }) => e.id)).toEqual([group.$id, schema.$id, group.$id]);
    expect(entries[2].updates).toContainEqual(
      expect.objectContaining({ id: group.$id, xdmType: 'mixins', action: 'replace', path: '/title', value: 'Stays' }),
    );

    expect((await log(enc(`https://ns.adobe.com/${t.credentials.tenantId}/schemas/0000`))).statusCode).toBe(404);
    const standard = await log(enc(PROFILE));
    expect(standard.statusCode).toBe(200);
    expect(standard.json()).toEqual([]);
    await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'audit-other' });
    expect((await log(enc(schema.$id), { 'x-sandbox-name': 'audit-other' })).statusCode).toBe(404);
  });
});
