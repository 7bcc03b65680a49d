/** Health, readiness and Prometheus metrics, scraped after a real run. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/wait-for.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CSV, fillSandbox, waitForRun, type Call } from '../ops/fill-sandbox.js';

/** The value of one sample of the Prometheus text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w))) return Number(match[3]);
  }
  return undefined;
}

describe('health, readiness and metrics', () => {
  let t: TestPlatform;
  let folder: string;
  const call: Call = async (method, url, body) => {
    const response = await t.call(method as never, url, body);
    return { status: response.statusCode, json: response.body ? response.json() : undefined };
  };

  beforeAll(async () => {
    t = await startTestPlatform();
    await t.platform.startBackground();
    folder = mkdtempSync(join(tmpdir(), 'tributary-metrics-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('answers /health and /ready with the state of the database, lake and queue', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: { ok: true }, lake: { ok: true }, queue: { ok: true } } });
  });

  it('shows a run’s records and bytes, runs by status, HTTP requests and queue depth after a run', async () => {
    const filled = await fillSandbox(call, folder);
    const run = await waitForRun(call, filled.flowId);
    // One of the four records fails: the batch lands with a loss, a partial success.
    expect(run.metrics.statusSummary.status).toBe('partialSuccess');
    const batchId = run.batchId as string;
    const batch = (await call('GET', `/data/foundation/catalog/batches/${batchId}`)).json[batchId];

    // The run is recorded a moment before the queue marks its job done: scrape once the job has left `active`.
    const scrape = await waitFor(
      async () => {
        const response = await t.app.inject({ method: 'GET', url: '/metrics' });
        return (sample(response.body, 'tributary_queue_jobs', { queue: 'flow-runs', state: 'active' }) ?? 0) === 0 && response;
      },
      { what: "the run's job to complete" },
    );
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = scrape.body;
    expect(sample(text, 'tributary_flow_runs', { status: 'partialSuccess' })).toBe(1);
    expect(sample(text, 'tributary_flow_runs', { status: 'success' })).toBe(0);
    expect(sample(text, 'tributary_flow_runs', { status: 'failed' })).toBe(0);
    expect(sample(text, 'tributary_flow_run_records', { outcome: 'input' })).toBe(4);
    expect(sample(text, 'tributary_flow_run_records', { outcome: 'output' })).toBe(3);
    expect(sample(text, 'tributary_flow_run_records', { outcome: 'failed' })).toBe(1);
    expect(sample(text, 'tributary_flow_run_bytes', { direction: 'input' })).toBe(Buffer.byteLength(CSV));
    expect(sample(text, 'tributary_flow_run_bytes', { direction: 'output' })).toBe(run.metrics.sizeSummary.outputBytes);
    expect(run.metrics.sizeSummary.outputBytes).toBeGreaterThan(0);
    expect(sample(text, 'tributary_ingested_records')).toBe(3);
    expect(sample(text, 'tributary_ingested_bytes')).toBe(batch.size ?? run.metrics.sizeSummary.outputBytes);
    expect(sample(text, 'tributary_batches', { status: 'success' })).toBe(1);

    // HTTP requests by route pattern (never the raw URL) and status, with a latency histogram.
    const route = '/data/foundation/flowservice/runs';
    expect(sample(text, 'tributary_http_requests_total', { method: 'GET', route, status_code: '200' })).toBeGreaterThan(0);
    expect(sample(text, 'tributary_http_request_duration_seconds_count', { method: 'GET', route, status_code: '200' })).toBeGreaterThan(0);
    expect(sample(text, 'tributary_http_request_duration_seconds_bucket', { method: 'GET', route, status_code: '200', le: '+Inf' })).toBeGreaterThan(
      0,
    );
    expect(text).not.toContain(filled.flowId);
    expect(sample(text, 'tributary_http_requests_total', { method: 'POST', route: '/data/foundation/flowservice/flows', status_code: '201' })).toBe(
      1,
    );

    // The flow is scheduled again in 30 minutes: nothing is overdue, and nothing waits in the queue.
    expect(sample(text, 'tributary_scheduler_lag_seconds')).toBe(0);
    expect(text).toMatch(/^# TYPE tributary_queue_jobs gauge$/m);
    expect(sample(text, 'tributary_queue_jobs', { queue: 'flow-runs', state: 'active' }) ?? 0).toBe(0);
    expect(sample(text, 'tributary_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('reports scheduler lag and waiting jobs when work is overdue', async () => {
    await t.platform.scheduler.stop();
    await t.platform.db.query(`update flows set next_run_at = now() - interval '90 seconds'`);
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(text, 'tributary_scheduler_lag_seconds')).toBeGreaterThanOrEqual(90);
  });
});
