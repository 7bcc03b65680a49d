/**
 * Fills a sandbox through the public API the way the seed tutorial does: a local-folder connection, an
 * ad-hoc-free target schema, a dataset, a mapping set and a flow whose first run lands a CSV as a batch.
 * `call` is any function that sends one request with the sandbox's gateway headers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Call = (method: string, url: string, body?: unknown) => Promise<{ status: number; json: any }>;

export const CSV = [
  'id,first_name,last_name,email',
  'p-1,Ada,Lovelace,ada@example.com',
  'p-2,Grace,Hopper,grace@example.com',
  'p-3,Broken,Row,not-an-email',
  'p-4,Alan,Turing,alan@example.com',
].join('\n');

const LOCAL_FOLDER_SPEC = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const DATA_LAKE_SPEC = 'c604ff05-7f1a-43c0-8e18-33bf874cb11c';

export interface Filled {
  connectionId: string;
  schemaId: string;
  datasetId: string;
  mappingId: string;
  flowId: string;
  runId: string;
}

function ok<T extends { status: number; json: any }>(response: T, what: string): T {
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.json)}`);
  return response;
}

/** Writes the CSV under `folder/backfil/data8.csv` and builds everything up to a running flow. */
export async function fillSandbox(
  call: Call,
  folder: string,
  options: { rows?: string; mappings?: Array<Record<string, unknown>> } = {},
): Promise<Omit<Filled, 'runId'>> {
  mkdirSync(join(folder, 'backfil'), { recursive: true });
  writeFileSync(join(folder, 'backfil', 'data8.csv'), options.rows ?? CSV);
  const connectionId = ok(
    await call('POST', '/data/foundation/flowservice/connections', {
      name: 'Local folder',
      auth: { specName: 'Local Folder', params: { path: folder } },
      connectionSpec: { id: LOCAL_FOLDER_SPEC, version: '1.0' },
    }),
    'connection',
  ).json.id as string;
  const sourceId = ok(
    await call('POST', '/data/foundation/flowservice/sourceConnections', {
      name: 'source',
      baseConnectionId: connectionId,
      data: { format: 'delimited' },
      params: { path: '/backfil/data8.csv' },
      connectionSpec: { id: LOCAL_FOLDER_SPEC, version: '1.0' },
    }),
    'source connection',
  ).json.id as string;
  const schemaId = ok(
    await call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
      type: 'object',
      title: 'Target schema',
      allOf: [
        { $ref: 'https://ns.adobe.com/xdm/context/profile' },
        { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
        { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
      ],
    }),
    'schema',
  ).json.$id as string;
  const created = ok(
    await call('POST', '/data/foundation/catalog/dataSets', {
      name: 'Target dataset',
      schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
    }),
    'dataset',
  ).json as string[];
  const datasetId = created[0]!.replace('@/dataSets/', '');
  const targetId = ok(
    await call('POST', '/data/foundation/flowservice/targetConnections', {
      name: 'target',
      data: { schema: { id: schemaId, version: 'application/vnd.adobe.xed-full+json;version=1.0' } },
      params: { dataSetId: datasetId },
      connectionSpec: { id: DATA_LAKE_SPEC, version: '1.0' },
    }),
    'target connection',
  ).json.id as string;
  const mappingId = ok(
    await call('POST', '/data/foundation/conversion/mappingSets', {
      version: 0,
      xdmSchema: schemaId,
      xdmVersion: '1.0',
      mappings: options.mappings ?? [
        { destinationXdmPath: '_id', sourceAttribute: 'id' },
        { destinationXdmPath: 'person.name.firstName', sourceAttribute: 'first_name' },
        { destinationXdmPath: 'person.name.lastName', sourceAttribute: 'last_name' },
        { destinationXdmPath: 'personalEmail.address', sourceAttribute: 'email' },
      ],
    }),
    'mapping set',
  ).json.id as string;
  const flowSpecId = ok(await call('GET', '/data/foundation/flowservice/flowSpecs?property=name=="CloudStorageToAEP"'), 'flow spec').json.items[0]
    .id as string;
  const flowId = ok(
    await call('POST', '/data/foundation/flowservice/flows', {
      name: 'flow',
      flowSpec: { id: flowSpecId, version: '1.0' },
      sourceConnectionIds: [sourceId],
      targetConnectionIds: [targetId],
      transformations: [{ name: 'Mapping', params: { mappingId, mappingVersion: 0 } }],
      scheduleParams: { startTime: '1589398646', frequency: 'minute', interval: '30' },
    }),
    'flow',
  ).json.id as string;
  return { connectionId, schemaId, datasetId, mappingId, flowId };
}

/** Waits for the flow's first run to end and returns it. */
export async function waitForRun(call: Call, flowId: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const runs = (await call('GET', `/data/foundation/flowservice/runs?property=flowId==${flowId}`)).json?.items ?? [];
    const run = runs[0];
    if (run && ['success', 'failed', 'partialSuccess'].includes(run.metrics.statusSummary.status)) return run;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no run of flow ${flowId} ended within ${timeoutMs} ms`);
}
