import { expect } from 'vitest';
import { tableName } from '../../src/services/catalog/dataset-input.js';
import { FS, createTarget, type Target } from './flow-journey.js';
import type { TestPlatform } from './platform.js';
import { waitFor } from './wait-for.js';

/** Journeys of every streaming source (Kinesis, Event Hubs, the HTTP inlet): a flow into a people dataset, counted by SQL. */

export const STREAMING_FLOW_SPEC = 'd69717ba-71b4-4313-b654-49f9cf126d7a';

/** People records `{id, first_name, email}` with ids `${prefix}${from}…`, as JSON. */
export function people(prefix: string, from: number, count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return Buffer.from(JSON.stringify({ id: `${prefix}${n}`, first_name: `Name${n}`, email: `${prefix}${n}@example.com` }));
  });
}

export interface StreamFlow extends Target {
  flowId: string;
  sourceId: string;
  title: string;
}

/**
 * A source connection of any streaming spec with `params`, a people dataset and mapping, and a streaming flow between
 * them, as AEP's tutorials have it. `title` names the dataset (and its table, for `countBySql`).
 */
export async function createStreamFlow(
  t: TestPlatform,
  options: { connectionId: string; connectionSpecId: string; title: string; params: Record<string, unknown>; dataSet?: Record<string, unknown> },
): Promise<StreamFlow> {
  const { title } = options;
  const source = await t.call('POST', `${FS}/sourceConnections`, {
    name: `${title} source`,
    baseConnectionId: options.connectionId,
    connectionSpec: { id: options.connectionSpecId, version: '1.0' },
    data: { format: 'json' },
    params: options.params,
  });
  expect(source.statusCode, source.body).toBe(201);
  const target = await createTarget(t, { title, ...(options.dataSet ? { dataSet: options.dataSet } : {}) });
  const flow = await t.call('POST', `${FS}/flows`, {
    name: title,
    flowSpec: { id: STREAMING_FLOW_SPEC, version: '1.0' },
    sourceConnectionIds: [source.json().id],
    targetConnectionIds: [target.targetId],
    transformations: [{ name: 'Mapping', params: { mappingId: target.mappingId, mappingVersion: 0 } }],
  });
  expect(flow.statusCode, flow.body).toBe(201);
  return { ...target, flowId: flow.json().id, sourceId: source.json().id, title };
}

/** Rows and distinct ids of the flow's dataset, counted by Query Service's SQL. */
export async function countBySql(t: TestPlatform, flow: StreamFlow): Promise<{ rows: number; distinct: number }> {
  const scope = await t.platform.identity.authorize({
    bearer: t.token,
    apiKey: t.credentials.clientId,
    orgHeader: t.credentials.imsOrg,
    sandboxHeader: 'prod',
  });
  const result = await t.platform.query.runInteractive(scope, `select count(*) as n, count(distinct _id) as d from ${tableName(flow.title)}`);
  const [n, d] = result.rows[0] as [number | bigint | string, number | bigint | string];
  return { rows: Number(n), distinct: Number(d) };
}

/** Waits until the dataset holds `count` rows by SQL, then checks that none is there twice. */
export async function expectLanded(t: TestPlatform, flow: StreamFlow, count: number): Promise<void> {
  const counted = await waitFor(
    async () => {
      const c = await countBySql(t, flow).catch(() => ({ rows: 0, distinct: 0 }));
      return c.rows >= count && c;
    },
    { timeoutMs: 90_000, intervalMs: 250, what: `${count} rows in ${flow.title}` },
  );
  expect(counted).toEqual({ rows: count, distinct: count });
}
