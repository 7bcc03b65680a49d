import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';

const FS = '/data/foundation/flowservice';
const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const FLOW_SPEC = '9753525b-82c7-4dce-8a9b-5ccfce2b9876';

// Error outcomes are stored as jsonb: PGlite accepts values PostgreSQL refuses, so both run these.
describe.each(['pglite', 'postgres'] as TestDatabase[])('Flow Service flows and runs on %s', (database) => {
  let t: TestPlatform;
  let folder: string;
  let connectionId: string;
  let targetId: string;
  let mappingId: string;

  async function source(path: string): Promise<string> {
    const res = await t.call('POST', `${FS}/sourceConnections`, {
      name: `source ${path}`,
      baseConnectionId: connectionId,
      data: { format: 'delimited' },
      params: { path },
      connectionSpec: { id: LOCAL, version: '1.0' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function flow(sourceId: string, scheduleParams: Record<string, unknown>) {
    return t.call('POST', `${FS}/flows`, {
      name: 'a flow',
      flowSpec: { id: FLOW_SPEC, version: '1.0' },
      sourceConnectionIds: [sourceId],
      targetConnectionIds: [targetId],
      transformations: [{ name: 'Mapping', params: { mappingId, mappingVersion: 0 } }],
      scheduleParams,
    });
  }

  async function waitForRun(runId: string) {
    await t.platform.flowService.executor.execute(runId);
    return (await t.call('GET', `${FS}/runs/${runId}`)).json().items[0];
  }

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    folder = mkdtempSync(join(tmpdir(), 'tributary-flows-'));
    writeFileSync(join(folder, 'people.csv'), 'id,first_name\n1,Ada\n2,Grace\n');
    utimesSync(join(folder, 'people.csv'), Date.now() / 1000 - 7200, Date.now() / 1000 - 7200);
    connectionId = (
      await t.call('POST', `${FS}/connections`, {
        name: 'local',
        auth: { specName: 'Local Folder', params: { path: folder } },
        connectionSpec: { id: LOCAL },
      })
    ).json().id;
    const schema = (
      await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
        type: 'object',
        title: 'flows test',
        allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/profile' }, { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' }],
      })
    ).json();
    const dataSetId = (await t.call('POST', '/data/foundation/catalog/dataSets', { name: 'flows test', schemaRef: { id: schema.$id } }))
      .json()[0]
      .split('/')
      .pop();
    targetId = (
      await t.call('POST', `${FS}/targetConnections`, {
        name: 'lake',
        data: { schema: { id: schema.$id } },
        params: { dataSetId },
        connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
      })
    ).json().id;
    mappingId = (
      await t.call('POST', '/data/foundation/conversion/mappingSets', {
        xdmSchema: schema.$id,
        mappings: [
          { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
          { sourceType: 'ATTRIBUTE', source: 'first_name', destination: 'person.name.firstName' },
        ],
      })
    ).json().id;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('refuses schedules AEP refuses, with the reason', async () => {
    const id = await source('/people.csv');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ startTime: 1589398646, frequency: 'minute', interval: 5 }, /at least 15/],
      [{ startTime: 1589398646, frequency: 'fortnight', interval: 1 }, /frequency/],
      [{ frequency: 'hour', interval: 1 }, /startTime/],
      [{ startTime: 'soon', frequency: 'hour', interval: 1 }, /startTime/],
      [{ startTime: 1589398646, frequency: 'day' }, /interval/],
    ];
    for (const [scheduleParams, message] of cases) {
      const res = await flow(id, scheduleParams);
      expect(res.statusCode, JSON.stringify(scheduleParams)).toBe(400);
      expect(res.json().detail).toMatch(message);
    }
  });

  it('runs a `once` flow on demand with POST /runs, and only such a flow', async () => {
    const created = await flow(await source('/people.csv'), { frequency: 'once', startTime: Math.floor(Date.now() / 1000) + 86400 });
    expect(created.statusCode, created.body).toBe(201);
    const run = await t.call('POST', `${FS}/runs`, { flowId: created.json().id, params: { windowEndTime: Date.now() } });
    expect(run.statusCode, run.body).toBe(201);
    const done = await waitForRun(run.json().id);
    expect(done.metrics.statusSummary.status).toBe('success');
    expect(done.metrics.recordSummary.outputRecordCount).toBe(2);
    expect(done.activities[0].recordSummary.outputRecordCount).toBe(2);

    // Disabling and enabling a `once` flow that already ran does not run it again.
    expect((await t.call('POST', `${FS}/flows/${created.json().id}/action?op=DISABLE`)).statusCode).toBe(200);
    expect((await t.call('POST', `${FS}/flows/${created.json().id}/action?op=ENABLE`)).statusCode).toBe(200);
    const nextRun = await t.platform.db.query<{ next_run_at: unknown }>('select next_run_at from flows where id = $1', [created.json().id]);
    expect(nextRun[0]!.next_run_at).toBeNull();

    const periodic = await flow(await source('/people.csv'), { frequency: 'hour', interval: 1, startTime: Math.floor(Date.now() / 1000) + 86400 });
    const refused = await t.call('POST', `${FS}/runs`, { flowId: periodic.json().id });
    expect(refused.statusCode).toBe(400);
  });

  it('fails a run whose files are gone, then re-triggers it once they are back', async () => {
    const created = await flow(await source('/later.csv'), { frequency: 'once' });
    expect(await t.platform.scheduler.tick()).toBeGreaterThanOrEqual(1);
    const runId = (await t.call('GET', `${FS}/runs?property=flowId==${created.json().id}`)).json().items[0].id;
    const failed = await waitForRun(runId);
    expect(failed.metrics.statusSummary.status).toBe('failed');
    expect(JSON.stringify(failed.metrics.statusSummary.errors)).toMatch(/later\.csv/);
    expect((await t.call('GET', `${FS}/flows/${created.json().id}`)).json().items[0].lastRunDetails.state).toBe('failed');

    writeFileSync(join(folder, 'later.csv'), 'id,first_name\n3,Alan\n');
    const again = await t.call('POST', `${FS}/runs/${runId}/action?op=RE_TRIGGER`);
    expect(again.statusCode, again.body).toBe(200);
    const retried = await waitForRun(again.json().id);
    expect(retried.metrics.statusSummary.status).toBe('success');
    expect(retried.metrics.recordSummary.outputRecordCount).toBe(1);
    const notFailed = await t.call('POST', `${FS}/runs/${again.json().id}/action?op=RE_TRIGGER`);
    expect(notFailed.statusCode).toBe(409);
  });

  it('fails a run whole when more records fail than the flow’s partial ingestion option allows', async () => {
    writeFileSync(join(folder, 'ragged.csv'), 'id,first_name\n1,Ada\n2,Grace,one column too many\n');
    const sourceId = await source('/ragged.csv');
    const bad = await t.call('POST', `${FS}/flows`, {
      name: 'bad options',
      flowSpec: { id: FLOW_SPEC },
      sourceConnectionIds: [sourceId],
      targetConnectionIds: [targetId],
      scheduleParams: { frequency: 'once' },
      options: { partialIngestionPercent: 'plenty' },
    });
    expect(bad.statusCode).toBe(400);
    const run = async (partialIngestionPercent: string) => {
      const created = await t.call('POST', `${FS}/flows`, {
        name: `partial ${partialIngestionPercent}`,
        flowSpec: { id: FLOW_SPEC },
        sourceConnectionIds: [sourceId],
        targetConnectionIds: [targetId],
        transformations: [{ name: 'Mapping', params: { mappingId, mappingVersion: 0 } }],
        scheduleParams: { frequency: 'once', startTime: Math.floor(Date.now() / 1000) + 86400 },
        options: { partialIngestionPercent },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect((await t.call('GET', `${FS}/flows/${created.json().id}`)).json().items[0].options).toEqual({
        partialIngestionPercent: Number(partialIngestionPercent),
      });
      return waitForRun((await t.call('POST', `${FS}/runs`, { flowId: created.json().id })).json().id);
    };
    // One record of two fails: 50%.
    const over = await run('10');
    expect(over.metrics.statusSummary.status).toBe('failed');
    expect(JSON.stringify(over.metrics.statusSummary.errors)).toMatch(/TRIB-BATCH-1004/);
    const under = await run('60');
    // The batch landed with a failed record: a partial success.
    expect(under.metrics.statusSummary.status).toBe('partialSuccess');
    expect(under.metrics.recordSummary).toMatchObject({ outputRecordCount: 1, failedRecordCount: 1 });
  });

  it('skips a scheduled slot while the flow still has a run open, and starts the next one after it', async () => {
    const created = (
      await flow(await source('/people.csv'), { frequency: 'hour', interval: 1, startTime: Math.floor(Date.now() / 1000) - 60 })
    ).json();
    const due = () => t.platform.db.query("update flows set next_run_at = now() - interval '1 second' where id = $1", [created.id]);
    const runs = async () => (await t.call('GET', `${FS}/runs?property=flowId==${created.id}`)).json().items;
    await due();
    expect(await t.platform.scheduler.tick()).toBe(1);
    const [first] = await runs();
    expect(first.metrics.statusSummary.status).toBe('pending');
    // The next slot comes while the first run is still pending: no second run queues behind it.
    await due();
    expect(await t.platform.scheduler.tick()).toBe(0);
    expect(await runs()).toHaveLength(1);
    const next = await t.platform.db.query<{ next_run_at: Date }>('select next_run_at from flows where id = $1', [created.id]);
    expect(new Date(next[0]!.next_run_at).getTime()).toBeGreaterThan(Date.now());
    expect((await waitForRun(first.id)).metrics.statusSummary.status).toBe('success');
    await due();
    expect(await t.platform.scheduler.tick()).toBe(1);
    const after = await runs();
    expect(after).toHaveLength(2);
    // The new run's window starts where the first one's ended.
    expect(after[0].windowStartTime).toBe(first.windowEndTime);
  });

  it('skips files modified before the start when backfill is off', async () => {
    const created = await flow(await source('/people.csv'), {
      frequency: 'hour',
      interval: 1,
      startTime: Math.floor(Date.now() / 1000) - 60,
      backfill: false,
    });
    const decisions = (await t.call('GET', `${FS}/flows/${created.json().id}/files`)).json().items;
    expect(decisions).toEqual([expect.objectContaining({ path: '/people.csv', decision: 'before_start' })]);
  });

  it('enables, disables, patches with If-Match, and refuses deleting what a flow uses', async () => {
    const sourceId = await source('/people.csv');
    const created = (await flow(sourceId, { frequency: 'day', interval: 1, startTime: 1589398646 })).json();
    const read = (await t.call('GET', `${FS}/flows/${created.id}`)).json().items[0];
    expect(read).toMatchObject({
      state: 'enabled',
      etag: created.etag,
      scheduleParams: { frequency: 'day', interval: '1', startTime: 1589398646, backfill: true },
    });
    expect(read.inheritedAttributes.sourceConnections[0]).toMatchObject({ id: sourceId, baseConnection: { id: connectionId } });

    const stale = await t.call('PATCH', `${FS}/flows/${created.id}`, [{ op: 'replace', path: '/name', value: 'renamed' }], { 'if-match': '"nope"' });
    expect(stale.statusCode).toBe(412);
    const patched = await t.call('PATCH', `${FS}/flows/${created.id}`, [{ op: 'REPLACE', path: '/scheduleParams/interval', value: 2 }], {
      'if-match': created.etag,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const forbidden = await t.call('PATCH', `${FS}/flows/${created.id}`, [{ op: 'replace', path: '/id', value: 'x' }], {
      'if-match': patched.json().etag,
    });
    expect(forbidden.statusCode).toBe(400);

    expect((await t.call('POST', `${FS}/flows/${created.id}/action?op=DISABLE`)).statusCode).toBe(200);
    const disabled = await t.platform.db.query<{ next_run_at: unknown; state: string }>('select state, next_run_at from flows where id = $1', [
      created.id,
    ]);
    expect(disabled[0]).toEqual({ state: 'disabled', next_run_at: null });
    expect((await t.call('POST', `${FS}/flows/${created.id}/action?op=ENABLE`)).statusCode).toBe(200);
    expect((await t.call('POST', `${FS}/flows/${created.id}/action?op=EXPLODE`)).statusCode).toBe(400);

    expect((await t.call('DELETE', `${FS}/sourceConnections/${sourceId}`)).statusCode).toBe(409);
    expect((await t.call('DELETE', `${FS}/connections/${connectionId}`)).statusCode).toBe(409);
    expect((await t.call('DELETE', `${FS}/flows/${created.id}`)).statusCode).toBe(204);
    expect((await t.call('GET', `${FS}/flows/${created.id}`)).statusCode).toBe(404);
    expect((await t.call('DELETE', `${FS}/sourceConnections/${sourceId}`)).statusCode).toBe(204);
  });

  it('pages lists with limit and continuationToken, filters, orders and counts', async () => {
    const all = (await t.call('GET', `${FS}/sourceConnections?count=true`)).json();
    expect(all.count).toBeGreaterThan(3);
    const seen: string[] = [];
    let url: string | undefined = `${FS}/sourceConnections?limit=2`;
    while (url) {
      const page: { items: Array<{ id: string }>; _links?: { next?: { href: string } } } = (await t.call('GET', url)).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i: { id: string }) => i.id));
      url = page._links?.next?.href ? `${FS}${page._links.next.href.replace(/^.*\/flowservice/, '')}` : undefined;
    }
    expect(seen).toEqual(all.items.map((i: { id: string }) => i.id));
    const filtered = (await t.call('GET', `${FS}/sourceConnections?property=params.path==/later.csv`)).json();
    expect(filtered.items.every((i: any) => i.params.path === '/later.csv')).toBe(true);
    expect(filtered.items.length).toBeGreaterThan(0);
    const ordered = (await t.call('GET', `${FS}/connections?orderby=-createdAt`)).json().items.map((i: any) => i.createdAt);
    expect([...ordered].sort((a, b) => b - a)).toEqual(ordered);
    expect((await t.call('GET', `${FS}/flows?property=bogus`)).statusCode).toBe(400);
    expect((await t.call('GET', `${FS}/flows?continuationToken=%%%`)).statusCode).toBe(400);
  });

  it("pages a flow's runs in the database, newest first, the same as the general list path", async () => {
    const created = (await flow(await source('/people.csv'), { frequency: 'once', startTime: Math.floor(Date.now() / 1000) + 86400 })).json();
    // A long history: 25 past runs, one a minute.
    await t.platform.db.query(
      `insert into flow_runs (id, flow_id, org_id, sandbox_id, status, window_end, etag, created_client, created_at)
       select gen_random_uuid(), f.id, f.org_id, f.sandbox_id, 'success', now(), gen_random_uuid(), 'test', now() - make_interval(mins => g)
       from flows f, generate_series(1, 25) g where f.id = $1`,
      [created.id],
    );
    const walk = async (first: string) => {
      const ids: string[] = [];
      let url: string | undefined = first;
      let count: number | undefined;
      while (url) {
        const page: { items: Array<{ id: string; createdAt: number }>; count?: number; _links?: { next?: { href: string } } } = (
          await t.call('GET', url)
        ).json();
        expect(page.items.length).toBeLessThanOrEqual(10);
        count ??= page.count;
        ids.push(...page.items.map((i) => i.id));
        url = page._links?.next?.href ? `${FS}${page._links.next.href.replace(/^.*\/flowservice/, '')}` : undefined;
      }
      return { ids, count };
    };
    const inSql = await walk(`${FS}/runs?property=flowId==${created.id.toUpperCase()}&limit=10&count=true`);
    // A second filter leaves the paging to the general path, which reads every run of the flow.
    const general = await walk(`${FS}/runs?property=flowId==${created.id}&property=status!=nothing&limit=10&count=true`);
    expect(inSql.ids).toHaveLength(25);
    expect(inSql).toEqual(general);
    const times = (await t.call('GET', `${FS}/runs?property=flowId==${created.id}&limit=100`))
      .json()
      .items.map((i: { createdAt: number }) => i.createdAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // A flowId that is no id matches nothing.
    expect((await t.call('GET', `${FS}/runs?property=flowId==not-an-id`)).json().items).toEqual([]);
  });

  it('keeps streaming connections (Kinesis) with their secret sealed, and says when their server is unreachable', async () => {
    const res = await t.call('POST', `${FS}/connections`, {
      name: 'kinesis',
      // Port 9 of the loopback: nothing listens there.
      auth: {
        specName: 'Aws Kinesis authentication credentials',
        params: { accessKeyId: 'AKIA', secretKey: 'kinesis-secret', region: 'us-east-1', endpoint: 'http://127.0.0.1:9' },
      },
      connectionSpec: { id: '86043421-563b-46ec-8e6c-e23184711bf6', version: '1.0' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const read = await t.call('GET', `${FS}/connections/${res.json().id}`);
    expect(read.body).not.toContain('kinesis-secret');
    const explore = await t.call('GET', `${FS}/connections/${res.json().id}/explore?objectType=root`);
    expect(explore.statusCode).toBe(400);
    expect(explore.json().type).toMatch(/FLOW-3002/);
    expect(explore.body).not.toContain('kinesis-secret');
  });
});

describe('a run whose worker died', () => {
  it('is failed by another process once its heartbeat stops, with its batch, and its files stay unclaimed', async () => {
    const t = await startTestPlatform({ database: 'postgres' });
    const folder = mkdtempSync(join(tmpdir(), 'tributary-abandoned-'));
    try {
      writeFileSync(join(folder, 'a.csv'), 'id,first_name\n1,Ada\n');
      const conn = (
        await t.call('POST', `${FS}/connections`, {
          name: 'l',
          auth: { specName: 'Local Folder', params: { path: folder } },
          connectionSpec: { id: LOCAL },
        })
      ).json();
      const source = (
        await t.call('POST', `${FS}/sourceConnections`, {
          name: 's',
          baseConnectionId: conn.id,
          data: { format: 'delimited' },
          params: { path: '/a.csv' },
          connectionSpec: { id: LOCAL },
        })
      ).json();
      const schema = (
        await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
          type: 'object',
          title: 'abandoned',
          allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/profile' }],
        })
      ).json();
      const dataSetId = (await t.call('POST', '/data/foundation/catalog/dataSets', { name: 'abandoned', schemaRef: { id: schema.$id } }))
        .json()[0]
        .split('/')
        .pop();
      const target = (
        await t.call('POST', `${FS}/targetConnections`, {
          name: 't',
          data: { schema: { id: schema.$id } },
          params: { dataSetId },
          connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c' },
        })
      ).json();
      const flow = (
        await t.call('POST', `${FS}/flows`, {
          name: 'f',
          flowSpec: { id: FLOW_SPEC },
          sourceConnectionIds: [source.id],
          targetConnectionIds: [target.id],
          scheduleParams: { frequency: 'once' },
        })
      ).json();
      await t.platform.scheduler.tick();
      const runId = (await t.call('GET', `${FS}/runs?property=flowId==${flow.id}`)).json().items[0].id;
      // A worker took the run and opened its batch, then its process died: the heartbeat stopped long ago.
      const scope = await t.platform.identity.authorize({
        bearer: t.token,
        apiKey: t.credentials.clientId,
        orgHeader: t.credentials.imsOrg,
        sandboxHeader: 'prod',
      });
      const { batchId, staging } = await t.platform.catalog.beginBatch(scope, { datasetId: dataSetId });
      writeFileSync(join(staging.dir, 'part-00000.parquet'), 'half written');
      await t.platform.db.query(
        `update flow_runs set status = 'inProgress', batch_id = $1, started_at = now(), heartbeat_at = now() - interval '1 hour' where id = $2`,
        [batchId, runId],
      );

      // What the dead worker left in its scratch folder, under the home.
      const scratch = join(t.home, 'scratch', 'runs', runId);
      mkdirSync(join(scratch, 'duckdb'), { recursive: true });
      writeFileSync(join(scratch, 'duckdb', 'spill.tmp'), 'left behind');

      expect(await t.platform.flowService.executor.failAbandonedRuns()).toBe(1);
      expect(existsSync(scratch)).toBe(false);
      const run = (await t.call('GET', `${FS}/runs/${runId}`)).json().items[0];
      expect(run.metrics.statusSummary.status).toBe('failed');
      expect(JSON.stringify(run.metrics.statusSummary.errors)).toMatch(/stopped responding/);
      expect((await t.call('GET', `/data/foundation/catalog/batches/${batchId}`)).json()[batchId].status).toBe('failed');
      expect((await t.call('GET', `/data/foundation/export/batches/${batchId}/files`)).json().data).toEqual([]);
      // The file was never claimed: the flow's next look at its source still wants it.
      const decisions = (await t.call('GET', `${FS}/flows/${flow.id}/files`)).json().items;
      expect(decisions).toEqual([expect.objectContaining({ path: '/a.csv', decision: 'new' })]);
      // A live run is left alone.
      expect(await t.platform.flowService.executor.failAbandonedRuns()).toBe(0);
    } finally {
      await t.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
