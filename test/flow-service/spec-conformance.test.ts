/**
 * Flow Service responses validated against Adobe's Flow Service spec (test/flow-service/spec), and the
 * places where the spec and the docs disagree answered as the docs do (issue 16).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTarget, FLOW_SPEC, FS } from '../support/flow-journey.js';
import { OpenApiSpec } from '../support/openapi-spec.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const S3 = 'ecadc60c-7455-4d87-84dc-2a0e293d997b';

const spec = new OpenApiSpec(fileURLToPath(new URL('./spec/flow-service.yaml', import.meta.url)), FS, [
  {
    path: ['components', 'schemas', 'FlowSpecItemDTO', 'properties', 'transformationSpecs'],
    replace: { type: 'array', items: { type: 'object' } },
    why: "typed one object; the tutorial's flow spec (and the spec's own example) has an array of them",
  },
]);

describe('Flow Service responses conform to the spec', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ database: 'pglite' });
  });
  afterAll(async () => t?.close());

  it('connection specs carry permissionsInfo.view and .manage as arrays, as PermissionDTO and the tutorial do', async () => {
    const list = await spec.call(t, 'GET', `${FS}/connectionSpecs`);
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Array<{ id: string; permissionsInfo?: Record<string, unknown> }>;
    const s3 = items.find((i) => i.id === S3);
    expect(s3?.permissionsInfo).toEqual({
      view: [{ '@type': 'lowLevel', name: 'EnterpriseSource', permissions: ['read'] }],
      manage: [{ '@type': 'lowLevel', name: 'EnterpriseSource', permissions: ['write'] }],
    });
    for (const item of items) {
      if (!item.permissionsInfo) continue;
      expect(Array.isArray(item.permissionsInfo.view), item.id).toBe(true);
      expect(Array.isArray(item.permissionsInfo.manage), item.id).toBe(true);
    }
    const one = await spec.call(t, 'GET', `${FS}/connectionSpecs/${S3}`);
    expect(one.statusCode).toBe(200);
    expect(Array.isArray(one.json().items[0].permissionsInfo.view)).toBe(true);
    const flowSpecs = await spec.call(t, 'GET', `${FS}/flowSpecs?property=name=="CloudStorageToAEP"`);
    expect(flowSpecs.json().items[0].permissionsInfo.view).toHaveLength(1);
  });

  it('a flow answers scheduleParams.interval as a string, as ScheduleSpecDTO and the tutorial do, whichever was sent', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tributary-spec-'));
    writeFileSync(join(folder, 'people.csv'), 'id,first_name,email\np1,Ada,ada@example.com\n');
    const connection = await spec.call(t, 'POST', `${FS}/connections`, {
      name: 'local',
      auth: { specName: 'Local Folder', params: { path: folder } },
      connectionSpec: { id: LOCAL, version: '1.0' },
    });
    expect(connection.statusCode, connection.body).toBe(201);
    const connectionId = connection.json().id;
    expect((await spec.call(t, 'GET', `${FS}/connections/${connectionId}`)).statusCode).toBe(200);
    expect((await spec.call(t, 'GET', `${FS}/connections`)).statusCode).toBe(200);
    const source = await spec.call(t, 'POST', `${FS}/sourceConnections`, {
      name: 'people',
      baseConnectionId: connectionId,
      data: { format: 'delimited' },
      params: { path: '/people.csv' },
      connectionSpec: { id: LOCAL, version: '1.0' },
    });
    expect(source.statusCode, source.body).toBe(201);
    expect((await spec.call(t, 'GET', `${FS}/sourceConnections/${source.json().id}`)).statusCode).toBe(200);
    const target = await createTarget(t, { title: 'spec people' });
    expect((await spec.call(t, 'GET', `${FS}/targetConnections/${target.targetId}`)).statusCode).toBe(200);

    const flowIds: string[] = [];
    for (const interval of ['30', 30]) {
      const created = await spec.call(t, 'POST', `${FS}/flows`, {
        name: `flow ${typeof interval}`,
        flowSpec: { id: FLOW_SPEC, version: '1.0' },
        sourceConnectionIds: [source.json().id],
        targetConnectionIds: [target.targetId],
        // The tutorial's spelling: TransformationSpecDTO types mappingVersion as a string, a number is answered as that string.
        transformations: [{ name: 'Mapping', params: { mappingId: target.mappingId, mappingVersion: '0' } }],
        scheduleParams: { startTime: '1589398646', frequency: 'minute', interval },
      });
      expect(created.statusCode, created.body).toBe(201);
      flowIds.push(created.json().id);
    }
    for (const id of flowIds) {
      const flow = (await spec.call(t, 'GET', `${FS}/flows/${id}`)).json().items[0];
      expect(flow.scheduleParams).toEqual({ startTime: 1589398646, frequency: 'minute', interval: '30', backfill: true });
    }
    const first = flowIds[0]!;
    const etag = (await t.call('GET', `${FS}/flows/${first}`)).json().items[0].etag;
    const patched = await spec.call(t, 'PATCH', `${FS}/flows/${first}`, [{ op: 'replace', path: '/scheduleParams/interval', value: 45 }], {
      'if-match': etag,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await spec.call(t, 'GET', `${FS}/flows/${first}`)).json().items[0].scheduleParams.interval).toBe('45');
    const list = await spec.call(t, 'GET', `${FS}/flows`);
    expect(
      list
        .json()
        .items.map((f: { scheduleParams: { interval: unknown } }) => f.scheduleParams.interval)
        .sort(),
    ).toEqual(['30', '45']);
  });
});
