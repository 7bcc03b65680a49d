/**
 * What a newcomer reads: a batch's related objects name its dataset once, and a source connection naming another
 * spec than its base connection's is refused with the spec it should name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_FOLDER_SPEC_ID } from '../../src/connectors/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { batchesOf, createConnection, createFlow, FS, PEOPLE_CSV, runNow } from '../support/flow-journey.js';
import { CATALOG } from './support.js';

describe('batch summaries', () => {
  let t: TestPlatform;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tributary-summary-'));
    writeFileSync(join(folder, 'people.csv'), PEOPLE_CSV);
    t = await startTestPlatform();
    await t.platform.startBackground({ scheduler: false });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("lists a flow run's dataset once in its batch's relatedObjects", async () => {
    const connectionId = await createConnection(t, LOCAL_FOLDER_SPEC_ID, 'Local Folder', { path: folder });
    const flow = await createFlow(t, { connectionId, specId: LOCAL_FOLDER_SPEC_ID, path: '/people.csv' });
    await runNow(t, flow.flowId);
    const [batch] = await batchesOf(t, flow.dataSetId);
    const related = (await t.call('GET', `${CATALOG}/batches/${batch!.id}`)).json()[batch!.id].relatedObjects as Array<{ type: string; id: string }>;
    expect(related.filter((o) => o.type === 'dataSet')).toEqual([{ type: 'dataSet', id: flow.dataSetId }]);
    expect(related.map((o) => o.type).sort()).toEqual(['dataSet', 'flow', 'flowRun']);
  });

  it("names the base connection's spec, and the fix, when a source connection names another", async () => {
    const connectionId = await createConnection(t, LOCAL_FOLDER_SPEC_ID, 'Local Folder', { path: folder });
    const response = await t.call('POST', `${FS}/sourceConnections`, {
      name: 'pasted from the tutorial',
      baseConnectionId: connectionId,
      data: { format: 'delimited' },
      params: { path: '/people.csv' },
      connectionSpec: { id: 'be5ec48c-5b78-49d5-b8fa-7c89ec4569b8', version: '1.0' },
    });
    expect(response.statusCode).toBe(400);
    const detail = response.json().detail as string;
    expect(detail).toContain('be5ec48c-5b78-49d5-b8fa-7c89ec4569b8 (azure-file-storage)');
    expect(detail).toContain(`${LOCAL_FOLDER_SPEC_ID} (local-folder)`);
    expect(detail).toContain(`"connectionSpec": {"id": "${LOCAL_FOLDER_SPEC_ID}", "version": "1.0"}`);
  });
});
