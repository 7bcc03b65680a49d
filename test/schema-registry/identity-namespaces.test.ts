/** Identity namespaces at /data/core/idnamespace: the standard ones, custom ones per org and sandbox. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
