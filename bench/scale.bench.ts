/**
 * `npx tsx bench/scale.bench.ts [--flows 60] [--workers 1,2,4] [--rows 200] [--sim-flows 10000]`: the scale-out run.
 *
 * One `serve` and `worker` processes (`bin/tributary.js`, as an operator runs them) on one PostgreSQL database of
 * their own (on POSTGRES_ADMIN_URL's server) and one S3 lake in a real s3rver, a shared master key. For each worker
 * count (1, 2, 4: workers are added between rounds; `serve` runs jobs too, so a round has workers + 1 job takers),
 * `--flows` new flows over small CSV files of a local folder are created through the API, all due at one instant;
 * the database is sampled every 250 ms until every run has ended. Prints, per round: runs/minute, the scheduler's
 * lag (due → run created) and the start lag (due → run started: the wait for a free job taker), the run time, and
 * the queue's depth over time. Then the scheduler alone with `--sim-flows` flows (bench/scheduler-sim.ts).
 * The machine's load average is printed beside the figures: they mean little without it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import { launch, launchTributary, type Launched } from '../test/support/launch.js';
import { startS3rver, type S3rverHandle } from '../test/support/s3rver.js';
import { simulateScheduler, type SchedulerFigures } from './scheduler-sim.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const FLOWS = Number(option('flows') ?? 60);
const WORKER_COUNTS = (option('workers') ?? '1,2,4').split(',').map(Number);
const ROWS = Number(option('rows') ?? 200);
const SIM_FLOWS = Number(option('sim-flows') ?? 10_000);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A round that has not ended after this long is reported as it stands. */
const ROUND_TIMEOUT_MS = 150_000;
const BIN = join(import.meta.dirname, '..', 'bin', 'tributary.js');
const LOCAL_SPEC = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const LAKE_BUCKET = 'scale-lake';

const work = realpathSync(mkdtempSync(join(tmpdir(), 'tributary-scale-')));
const landing = join(work, 'landing');
mkdirSync(landing);

type Call = (method: string, path: string, body?: unknown) => Promise<any>;

interface Sample {
  t: number;
  /** Flows due whose run the scheduler has not created yet. */
  due: number;
  pending: number;
  inProgress: number;
  ended: number;
}

interface RoundFigures {
  workers: number;
  takers: number;
  flows: number;
  succeeded: number;
  runsPerMinute: number;
  scheduleLagMs: { p50: number; p95: number; max: number };
  startLagMs: { p50: number; p95: number; max: number };
  runMs: { p50: number; p95: number };
  maxDepth: number;
  series: Sample[];
  load: number[];
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};
const spread = (values: number[]) => ({ p50: quantile(values, 0.5), p95: quantile(values, 0.95), max: Math.max(0, ...values) });
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => loadavg().map((v) => Number(v.toFixed(1)));

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tributary_scale_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

async function createLakeBucket(s3: S3rverHandle): Promise<void> {
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: LAKE_BUCKET }));
  client.destroy();
}

/** What every process of the cluster shares: the database, the lake, the master key, the folder flows read. */
function clusterEnv(databaseUrl: string, s3: S3rverHandle, masterKey: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl,
    TRIBUTARY_LAKE: `s3://${LAKE_BUCKET}/lake`,
    TRIBUTARY_LAKE_S3_ENDPOINT: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TRIBUTARY_MASTER_KEY: masterKey,
    TRIBUTARY_LOCAL_ROOTS: landing,
    TRIBUTARY_SQL_PORT: 'off',
  };
}

function startWorker(index: number, env: NodeJS.ProcessEnv): Promise<Launched<true>> {
  const home = join(work, `worker-${index}`);
  return launch(process.execPath, [BIN, 'worker'], {
    what: `worker ${index}`,
    env: { ...process.env, ...env, TRIBUTARY_HOME: home, LOG_LEVEL: 'info' },
    ready: (line) => (line.includes('worker started') ? true : undefined),
    timeoutMs: 120_000,
    graceMs: 30_000,
  });
}

async function signIn(base: string, home: string): Promise<{ call: Call; tenantId: string }> {
  const creds = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as Record<string, string>;
  const token = (await (
    await fetch(`${base}/ims/token/v3`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: creds.clientId!,
        client_secret: creds.clientSecret!,
        scope: 'openid',
      }),
    })
  ).json()) as { access_token: string };
  const headers = {
    Authorization: `Bearer ${token.access_token}`,
    'x-api-key': creds.clientId!,
    'x-gw-ims-org-id': creds.imsOrg!,
    'x-sandbox-name': creds.sandboxName!,
    'Content-Type': 'application/json',
  };
  const call: Call = async (method, path, body) => {
    const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { call, tenantId: creds.tenantId! };
}

interface Shared {
  connectionId: string;
  schemaId: string;
  mappingId: string;
  flowSpecId: string;
}

async function setUpShared(call: Call): Promise<Shared> {
  const SR = '/data/foundation/schemaregistry/tenant';
  const schema = await call('POST', `${SR}/schemas`, {
    type: 'object',
    title: 'Scale profile',
    allOf: [
      { $ref: 'https://ns.adobe.com/xdm/context/profile' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
    ],
  });
  const connection = await call('POST', '/data/foundation/flowservice/connections', {
    name: 'scale landing',
    auth: { specName: 'Local Folder', params: { path: landing } },
    connectionSpec: { id: LOCAL_SPEC, version: '1.0' },
  });
  const schemaRef = { id: schema.$id, contentType: 'application/vnd.adobe.xed-full+json;version=1' };
  const attr = (source: string, destination: string) => ({ sourceType: 'ATTRIBUTE', source, destination });
  const mapping = await call('POST', '/data/foundation/conversion/mappingSets', {
    outputSchema: { schemaRef },
    mappings: [
      attr('id', '_id'),
      attr('first_name', 'person.name.firstName'),
      attr('last_name', 'person.name.lastName'),
      attr('email', 'personalEmail.address'),
    ],
  });
  const spec = await call('GET', '/data/foundation/flowservice/flowSpecs?property=name=="CloudStorageToAEP"');
  return { connectionId: connection.id, schemaId: schema.$id, mappingId: mapping.id, flowSpecId: spec.items[0].id };
}

function writeCsv(path: string, flow: number): void {
  const lines = ['id,first_name,last_name,email'];
  for (let i = 0; i < ROWS; i++) lines.push(`f${flow}-${i},Ada${i},Lovelace${flow},ada.${flow}.${i}@example.com`);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** One round: FLOWS new flows, all due at one instant, sampled until each run has ended. */
async function round(call: Call, db: pg.Client, shared: Shared, workers: number, name: string): Promise<RoundFigures> {
  const schemaRef = { id: shared.schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' };
  const targets: Array<{ sourceId: string; targetId: string }> = [];
  console.log(`round ${name}: creating ${FLOWS} sources, datasets and targets …`);
  for (let i = 0; i < FLOWS; i++) {
    const folder = `${name}-${i}`;
    mkdirSync(join(landing, folder));
    writeCsv(join(landing, folder, 'data.csv'), i);
    const source = await call('POST', '/data/foundation/flowservice/sourceConnections', {
      name: `scale source ${folder}`,
      baseConnectionId: shared.connectionId,
      data: { format: 'delimited' },
      params: { path: `/${folder}/data.csv` },
      connectionSpec: { id: LOCAL_SPEC, version: '1.0' },
    });
    const created = await call('POST', '/data/foundation/catalog/dataSets', { name: `scale ${folder}`, schemaRef });
    const target = await call('POST', '/data/foundation/flowservice/targetConnections', {
      name: `scale target ${folder}`,
      data: { schema: { id: shared.schemaId, version: 'application/vnd.adobe.xed-full+json;version=1.0' } },
      params: { dataSetId: String(created[0]).replace('@/dataSets/', '') },
      connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
    });
    targets.push({ sourceId: source.id, targetId: target.id });
  }
  // Every flow starts at one instant just after the last is created (a flow created later is due at its creation,
  // and its lag is counted from then).
  const perFlowMs = 120;
  const dueAtSeconds = Math.ceil((Date.now() + FLOWS * perFlowMs + 2_000) / 1000);
  const flowIds: string[] = [];
  for (const [i, { sourceId, targetId }] of targets.entries()) {
    const flow = await call('POST', '/data/foundation/flowservice/flows', {
      name: `scale flow ${name}-${i}`,
      flowSpec: { id: shared.flowSpecId, version: '1.0' },
      sourceConnectionIds: [sourceId],
      targetConnectionIds: [targetId],
      transformations: [{ name: 'Mapping', params: { mappingId: shared.mappingId, mappingVersion: 0 } }],
      scheduleParams: { startTime: dueAtSeconds, frequency: 'hour', interval: 1 },
    });
    flowIds.push(flow.id);
  }
  const late = Date.now() - dueAtSeconds * 1000;
  if (late > 0) console.log(`  the last flow was created ${seconds(late)} after the due instant: those flows count from their creation`);

  const series: Sample[] = [];
  const loads: number[] = [];
  const started = Date.now();
  for (;;) {
    const [row] = (
      await db.query(
        `select
           (select count(*) from flows f where f.id = any($1::uuid[]) and f.next_run_at <= now()
              and not exists (select 1 from flow_runs r where r.flow_id = f.id)) as due,
           count(*) filter (where r.status = 'pending') as pending,
           count(*) filter (where r.status = 'inProgress') as in_progress,
           count(*) filter (where r.status in ('success', 'partialSuccess', 'failed', 'cancelled')) as ended
         from flow_runs r where r.flow_id = any($1::uuid[])`,
        [flowIds],
      )
    ).rows as Array<Record<string, string>>;
    const sample = {
      t: Date.now() - dueAtSeconds * 1000,
      due: Number(row!.due),
      pending: Number(row!.pending),
      inProgress: Number(row!.in_progress),
      ended: Number(row!.ended),
    };
    if (sample.t >= 0) series.push(sample);
    if (series.length % 8 === 0) loads.push(loadavg()[0]!);
    if (sample.ended >= FLOWS) break;
    if (Date.now() - started > ROUND_TIMEOUT_MS + FLOWS * perFlowMs) {
      console.log(`  round ${name} timed out with ${sample.ended} of ${FLOWS} runs ended`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const runs = (
    await db.query(
      `select r.status, r.metrics, extract(epoch from r.created_at) * 1000 as created,
              extract(epoch from r.started_at) * 1000 as started, extract(epoch from r.completed_at) * 1000 as completed,
              extract(epoch from f.created_at) * 1000 as flow_created
       from flow_runs r join flows f on f.id = r.flow_id where r.flow_id = any($1::uuid[])`,
      [flowIds],
    )
  ).rows as Array<{ status: string; metrics: any; created: number; started: number | null; completed: number | null; flow_created: number }>;
  const dueOf = (run: (typeof runs)[number]) => Math.max(dueAtSeconds * 1000, Number(run.flow_created));
  const ended = runs.filter((r) => r.completed !== null);
  const succeeded = runs.filter((r) => r.status === 'success' && r.metrics?.recordSummary?.outputRecordCount === ROWS).length;
  if (succeeded < runs.length) {
    const odd = runs.find((r) => r.status !== 'success');
    console.log(`  ${runs.length - succeeded} runs did not land ${ROWS} rows; e.g. ${JSON.stringify(odd ?? runs[0])}`);
  }
  const firstDue = Math.min(...runs.map(dueOf));
  const lastEnd = Math.max(...ended.map((r) => Number(r.completed)));
  return {
    workers,
    takers: workers + 1,
    flows: FLOWS,
    succeeded,
    runsPerMinute: (ended.length / ((lastEnd - firstDue) / 1000)) * 60,
    scheduleLagMs: spread(runs.map((r) => Number(r.created) - dueOf(r))),
    startLagMs: spread(runs.filter((r) => r.started !== null).map((r) => Number(r.started) - dueOf(r))),
    runMs: (() => {
      const durations = ended.filter((r) => r.started !== null).map((r) => Number(r.completed) - Number(r.started));
      return { p50: quantile(durations, 0.5), p95: quantile(durations, 0.95) };
    })(),
    maxDepth: Math.max(...series.map((s) => s.due + s.pending)),
    series,
    load: loads,
  };
}

/** The queue's depth (due + pending) at whole seconds after the due instant, up to 20 values. */
function depthOverTime(series: Sample[]): string {
  const end = series.at(-1)?.t ?? 0;
  const step = Math.max(1000, Math.ceil(end / 20 / 1000) * 1000);
  const points: string[] = [];
  for (let t = 0; t <= end + step; t += step) {
    const sample = series.find((s) => s.t >= t);
    if (!sample) break;
    points.push(`${t / 1000}s:${sample.due + sample.pending}`);
  }
  return points.join(' ');
}

function printRounds(rounds: RoundFigures[]): void {
  console.log('');
  console.log(
    `Scale-out: serve + N workers (serve takes jobs too), one PostgreSQL, S3 lake on s3rver; ${FLOWS} flows of ${ROWS} CSV rows each, all due at once.`,
  );
  console.log(
    '| workers (job takers) | runs landed | runs/minute | scheduler lag p50 / p95 / max | start lag p50 / p95 / max | run time p50 / p95 | max queue depth | load avg (1 min) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rounds) {
    const lag = (s: { p50: number; p95: number; max: number }) => `${seconds(s.p50)} / ${seconds(s.p95)} / ${seconds(s.max)}`;
    const ms = (s: { p50: number; p95: number; max: number }) => `${s.p50.toFixed(0)} / ${s.p95.toFixed(0)} / ${s.max.toFixed(0)} ms`;
    const loads = r.load.length ? `${Math.min(...r.load).toFixed(1)}–${Math.max(...r.load).toFixed(1)}` : load()[0]!.toFixed(1);
    console.log(
      `| ${r.workers} (${r.takers}) | ${r.succeeded}/${r.flows} | ${r.runsPerMinute.toFixed(0)} | ${ms(r.scheduleLagMs)} | ${lag(r.startLagMs)} | ${seconds(r.runMs.p50)} / ${seconds(r.runMs.p95)} | ${r.maxDepth} | ${loads} |`,
    );
  }
  console.log('');
  console.log('Queue depth (flows due or runs pending) after the due instant:');
  for (const r of rounds) console.log(`  ${r.workers} worker(s): ${depthOverTime(r.series)}`);
}

function printSimulation(sim: SchedulerFigures): void {
  console.log('');
  console.log(`Scheduler alone, ${sim.flows.toLocaleString('en')} flows (one PostgreSQL; no runs executed):`);
  console.log(`| measure | figure |`);
  console.log(`|---|---:|`);
  console.log(`| one tick, nothing due (median / max) | ${sim.idleTickMs.median.toFixed(1)} ms / ${sim.idleTickMs.max.toFixed(1)} ms |`);
  console.log(
    `| one tick of 20 due flows → 20 runs + jobs (median / p95 / max) | ${sim.dueTick.medianMs.toFixed(0)} / ${sim.dueTick.p95Ms.toFixed(0)} / ${sim.dueTick.maxMs.toFixed(0)} ms |`,
  );
  console.log(
    `| all ${sim.flows.toLocaleString('en')} due at once → runs (${sim.dueTick.ticks} ticks) | ${seconds(sim.dueTick.totalMs)}, ${sim.dueTick.runsPerSecond.toFixed(0)} runs/s |`,
  );
  console.log(`| queue depth after | ${sim.queue.depth.toLocaleString('en')} jobs (listing them: ${sim.queue.pendingQueryMs.toFixed(0)} ms) |`);
  console.log(
    `| a worker's fetch + complete of one job at that depth (median / p95) | ${sim.queue.takeMedianMs.toFixed(1)} / ${sim.queue.takeP95Ms.toFixed(1)} ms |`,
  );
}

async function main(): Promise<void> {
  const began = Date.now();
  // The SDK's notice that its 2027 releases need Node 22 (see the README) is noise in a table.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  console.log(`load average at start: ${load().join(', ')} (${process.env.HOSTNAME ?? 'this machine'})`);
  const database = await createDatabase();
  const s3 = await startS3rver();
  const processes: Array<Launched<unknown>> = [];
  const db = new pg.Client({ connectionString: database.url });
  try {
    await createLakeBucket(s3);
    const env = clusterEnv(database.url, s3, randomBytes(32).toString('hex'));
    const serveHome = join(work, 'serve');
    console.log('starting serve …');
    const serve = await launchTributary(process.execPath, [BIN, 'serve'], { home: serveHome, tickMs: 5_000, env });
    processes.push(serve);
    await db.connect();
    const { call } = await signIn(serve.ready, serveHome);
    const shared = await setUpShared(call);
    const rounds: RoundFigures[] = [];
    let running = 0;
    for (const count of WORKER_COUNTS) {
      const starting: Array<Promise<Launched<true>>> = [];
      while (running + starting.length < count) starting.push(startWorker(running + starting.length + 1, env));
      console.log(`starting ${starting.length} worker(s) …`);
      processes.push(...(await Promise.all(starting)));
      running = count;
      rounds.push(await round(call, db, shared, count, `w${count}`));
      console.log(`  ${count} worker(s): ${rounds.at(-1)!.runsPerMinute.toFixed(0)} runs/minute`);
    }
    printRounds(rounds);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await db.end().catch(() => undefined);
    await s3.stop();
    await database.drop().catch(() => undefined);
  }
  if (SIM_FLOWS > 0) {
    console.log(`\nscheduler simulation: ${SIM_FLOWS.toLocaleString('en')} flows …`);
    printSimulation(await simulateScheduler(ADMIN_URL, SIM_FLOWS, console.log));
  }
  console.log(`\nload average at the end: ${load().join(', ')}; the whole run took ${seconds(Date.now() - began)}`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
