/** What the ingestion pipeline and the other services get from the registry. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import type { Scope } from '../../src/services/scope.js';
import { ServiceError } from '../../src/services/errors.js';
import { adhocClassBody, createResource, targetSchemaBody } from './support.js';

describe.each(['pglite', 'postgres'] as const)('targetSchema on %s', (database) => {
  let t: TestPlatform;
  let scope: Scope;
  let schemaId: string;
  beforeAll(async () => {
    t = await startTestPlatform({ database });
    scope = await t.platform.identity.authorize({
      bearer: t.token,
      apiKey: t.credentials.clientId,
      orgHeader: t.credentials.imsOrg,
      sandboxHeader: t.credentials.sandboxName,
    });
    schemaId = (await createResource(t, 'schemas', targetSchemaBody)).$id;
  });
  afterAll(async () => t?.close());

  it('returns the resolved schema and a validator of XED-shaped rows', async () => {
    const target = await t.platform.schemaRegistry.targetSchema(scope, schemaId);
    expect(target.schema).toMatchObject({ $id: schemaId, 'meta:class': 'https://ns.adobe.com/xdm/context/profile', type: 'object' });
    expect((target.schema.properties as any).person.properties.name.properties.firstName.type).toBe('string');
    expect(
      target.validate({ _id: 'row-1', person: { name: { firstName: 'Ada', lastName: 'Lovelace' } }, personalEmail: { address: 'ada@example.com' } }),
    ).toEqual([]);
    expect(target.validate({ _id: 'row-2', personalEmail: { address: 'nope' }, person: { birthYear: '1815' } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'personalEmail.address' }), expect.objectContaining({ path: 'person.birthYear' })]),
    );
  });

  it('accepts the documentation’s {TENANT_ID} placeholder and the altId', async () => {
    const hex = schemaId.split('/').pop();
    for (const id of [
      `https://ns.adobe.com/{TENANT_ID}/schemas/${hex}`,
      `https://ns.adobe.com/{TENANT}/schemas/${hex}`,
      `_${scope.tenantId}.schemas.${hex}`,
    ]) {
      expect((await t.platform.schemaRegistry.targetSchema(scope, id)).schema.$id).toBe(schemaId);
      expect(await t.platform.schemaRegistry.exists(scope, id)).toBe(true);
    }
  });

  it('keeps the compiled validator until the tenant container changes', async () => {
    const first = await t.platform.schemaRegistry.targetSchema(scope, schemaId);
    expect(await t.platform.schemaRegistry.targetSchema(scope, schemaId)).toBe(first);
    await createResource(t, 'classes', adhocClassBody);
    const after = await t.platform.schemaRegistry.targetSchema(scope, schemaId);
    expect(after).not.toBe(first);
    expect(after.schema).toEqual(first.schema);
  });

  it('validates ad-hoc rows under the dataset namespace', async () => {
    const cls = await createResource(t, 'classes', adhocClassBody);
    const schema = await createResource(t, 'schemas', { title: 'raw', allOf: [{ $ref: cls.$id }] });
    const target = await t.platform.schemaRegistry.targetSchema(scope, schema.$id);
    const ns = cls['meta:datasetNamespace'] as string;
    expect(Object.keys((target.schema.properties as any)[ns].properties)).toEqual(['id', 'first_name', 'last_name', 'email']);
    expect(target.validate({ [ns]: { id: '1', first_name: 'Ada' } })).toEqual([]);
    expect(target.validate({ [ns]: { id: 1 } })).toEqual([{ path: `${ns}.id`, message: 'must be string' }]);
  });

  it('refuses unknown schemas, other kinds and other sandboxes with not_found', async () => {
    const notFound = expect.objectContaining({ kind: 'not_found', code: 'XDM-1012-404' });
    await expect(t.platform.schemaRegistry.targetSchema(scope, 'https://ns.adobe.com/nobody/schemas/1')).rejects.toEqual(notFound);
    await expect(t.platform.schemaRegistry.targetSchema(scope, 'https://ns.adobe.com/xdm/context/profile')).rejects.toBeInstanceOf(ServiceError);
    expect(await t.platform.schemaRegistry.exists(scope, 'https://ns.adobe.com/xdm/context/profile')).toBe(false);
    const other = await t.platform.identity.createOrg({ name: `elsewhere ${database}` });
    const otherScope = await t.platform.identity.systemScope(other.orgId, other.sandboxId);
    await expect(t.platform.schemaRegistry.targetSchema(otherScope, schemaId)).rejects.toEqual(notFound);
    expect(await t.platform.schemaRegistry.exists(otherScope, schemaId)).toBe(false);
  });
});
