/**
 * `npm run bench [-- --rows N | --size 2GB] [--keep]`: the ingestion benchmark.
 *
 * Generates a profile CSV (BENCH_ROWS rows, 1,000,000 ≈ 100 MB by default, 1% broken rows; `--size` asks for
 * a byte size instead) and from it a gzip CSV, nested JSON lines and nested Parquet; puts them in an
 * S3-compatible bucket (s3rver, a child process); starts Tributary (`src/main.ts serve`) as a child process and
 * drives real flows through the API for each case below, BENCH_RUNS times (3 by default) — each run a flow of its
 * own, timed by the run's own duration (durationSummary), so the scheduler's tick does not count — alternating
 * with DuckDB's plain `COPY (SELECT * FROM read_…(file)) TO '….parquet'` of the same file (copy-baseline.ts).
 * Peak RSS is the server process's VmHWM, reset before each run. Then a large JSON-lines file (BENCH_BIG_JSON,
 * 2GB by default; 0 skips it) goes through once, for its peak RSS.
 * Prints one table: medians of the runs, the flow/COPY throughput ratio and its target.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type BenchFile, gzipped, nested, profileCsv } from './bench-files.js';
import { type BenchServer, cpuSeconds, mainThreadCpuSeconds, peakRss, resetPeakRss, startBenchServer } from './tributary-api.js';
import { startS3rver, type S3rverHandle } from '../test/support/s3rver.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizeBytes = (text: string, what: string) => {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(text);
  if (!m) throw new Error(`${what}: expected e.g. 90MB or 2GB, got ${text}`);
  return Math.round(Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase()));
};
/** Bytes per row of the profile CSV and of its nested JSON lines, to turn a size into a row count. */
const CSV_BYTES_PER_ROW = 103;
const JSON_BYTES_PER_ROW = 290;
const size = option('size');
const rows = size ? Math.round(sizeBytes(size, '--size') / CSV_BYTES_PER_ROW) : Number(option('rows') ?? process.env.BENCH_ROWS ?? 1_000_000);
const runs = Number(process.env.BENCH_RUNS ?? 3);
const bigJsonBytes = sizeBytes(process.env.BENCH_BIG_JSON ?? '2GB', 'BENCH_BIG_JSON');
const keep = args.includes('--keep');
/** BENCH_CASES: parts of case labels to run, separated by ";" (e.g. "CSV, S3;Parquet"); unset runs every case. */
const only = process.env.BENCH_CASES?.split(';')
  .map((s) => s.trim().toLowerCase())
  .filter(Boolean);

const work = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
const data = join(work, 'data');
mkdirSync(data);
const BUCKET = 'bench';
const LOCAL_SPEC = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const S3_SPEC = 'ecadc60c-7455-4d87-84dc-2a0e293d997b';
const mb = (bytes: number) => bytes / 1024 / 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One row of the table: a file, where it is read from, how it is mapped, and the ratio it should reach. */
interface BenchCase {
  label: string;
  file: BenchFile;
  storage: 'local' | 's3';
  data: { format: 'delimited' | 'json' | 'parquet'; properties?: Record<string, unknown> };
  mappings: unknown[];
  /** The flow/COPY throughput ratio the issue asks for; null: no COPY twin (RSS only). */
  target: number | null;
  /** Exact counts the run must report, when the file's broken rows are known. */
  expect?: { output: number; failed: number };
  /** Runs of this case (the large file runs once). */
  runs: number;
}

interface Measured {
  ms: number;
  /** CPU seconds (user + system, every thread) the server spent from the flow's creation to the run's end. */
  cpu: number;
  /** Of which the server's main (JavaScript) thread's. */
  mainCpu: number;
  peakRssBytes: number;
  output: number;
  failed: number;
}

interface TableRow {
  label: string;
  file: BenchFile;
  target: number | null;
  flow: Measured;
  copy: Copied | null;
  /** The ratio of COPY CPU time to flow CPU time, each run against the COPY that followed it: the median. */
  cpuRatio: number | null;
}

/** One plain COPY: wall time, CPU seconds of the statement (every thread), peak RSS. */
interface Copied {
  ms: number;
  cpu: number;
  peakRssBytes: number;
}

async function main(): Promise<void> {
  console.log(`generating ${rows.toLocaleString('en')} rows, ${runs} runs per case …`);
  const csv = await profileCsv(join(data, 'profile.csv'), rows);
  const gz = await gzipped(csv, join(data, 'profile.csv.gz'));
  const json = await nested(csv, join(data, 'profile.json'), 'json');
  const parquet = await nested(csv, join(data, 'profile.parquet'), 'parquet');
  const wanted = (label: string) => !only || only.some((part) => label.toLowerCase().includes(part));
  const big = bigJsonBytes > 0 && wanted('large JSON lines') ? await bigJsonLines() : null;
  for (const f of [csv, gz, json, parquet, ...(big ? [big] : [])]) console.log(`  ${f.path}: ${mb(f.bytes).toFixed(1)} MB`);

  const s3 = await startS3rver();
  const server = await startBenchServer(join(work, 'home'));
  try {
    await upload(s3, [csv, gz, json, parquet, ...(big ? [big] : [])]);
    const setup = await setUp(server, s3);
    const { flat, nestedMappings, hashed } = setup.mappings;
    const csvCounts = { output: rows - csv.badRows, failed: csv.badRows };
    const delimited = { format: 'delimited' as const };
    const cases: BenchCase[] = [
      { label: 'CSV, local folder', file: csv, storage: 'local', data: delimited, mappings: flat, target: 0.8, expect: csvCounts, runs },
      { label: 'CSV, S3', file: csv, storage: 's3', data: delimited, mappings: flat, target: 0.8, expect: csvCounts, runs },
      {
        label: 'gzip CSV, S3',
        file: gz,
        storage: 's3',
        data: { format: 'delimited', properties: { compressionType: 'gzip' } },
        mappings: flat,
        target: 0.5,
        expect: csvCounts,
        runs,
      },
      { label: 'nested JSON lines, S3', file: json, storage: 's3', data: { format: 'json' }, mappings: nestedMappings, target: 0.5, runs },
      { label: 'nested Parquet, S3', file: parquet, storage: 's3', data: { format: 'parquet' }, mappings: nestedMappings, target: 0.5, runs },
      {
        label: 'CSV + sha256() (no SQL twin), S3',
        file: csv,
        storage: 's3',
        data: delimited,
        mappings: hashed,
        target: 0.3,
        expect: csvCounts,
        runs,
      },
      ...(big
        ? [
            {
              label: 'large JSON lines, S3 (RSS)',
              file: big,
              storage: 's3',
              data: { format: 'json' },
              mappings: nestedMappings,
              target: null,
              runs: 1,
            } as const,
          ]
        : []),
    ];
    const table: TableRow[] = [];
    for (const benchCase of cases.filter((c) => wanted(c.label))) table.push(await measureCase(server, setup, benchCase));
    printTable(table);
  } finally {
    await server.stop();
    await s3.stop();
  }
}

/** A JSON-lines file of about BENCH_BIG_JSON bytes, made like the small one (its CSV is removed again). */
async function bigJsonLines(): Promise<BenchFile> {
  const bigRows = Math.round(bigJsonBytes / JSON_BYTES_PER_ROW);
  console.log(`generating the large JSON-lines file (${bigRows.toLocaleString('en')} rows) …`);
  const csv = await profileCsv(join(work, 'big.csv'), bigRows);
  const file = await nested(csv, join(data, 'big.json'), 'json');
  rmSync(csv.path);
  return file;
}

async function upload(s3: S3rverHandle, files: BenchFile[]): Promise<void> {
  console.log('uploading to s3rver …');
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // Otherwise a streamed body goes as aws-chunked with a trailing checksum, which s3rver would store framing and all.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const file of files) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: keyOf(file), Body: createReadStream(file.path), ContentLength: file.bytes }));
      const stored = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: keyOf(file) }));
      if (stored.ContentLength !== file.bytes) throw new Error(`s3rver stored ${stored.ContentLength} bytes of ${file.path}, not ${file.bytes}`);
    }
  } finally {
    client.destroy();
  }
}

const keyOf = (file: BenchFile) => file.path.slice(data.length + 1);

interface SetUp {
  schemaId: string;
  flowSpecId: string;
  connections: Record<BenchCase['storage'], string>;
  mappings: { flat: unknown[]; nestedMappings: unknown[]; hashed: unknown[] };
}

/** What every flow shares: a schema with a tenant field group, one connection per storage, the mapping sets' mappings. */
async function setUp(server: BenchServer, s3: S3rverHandle): Promise<SetUp> {
  const { call } = server;
  const SR = '/data/foundation/schemaregistry/tenant';
  const tenant = `_${server.tenantId}`;
  const profile = 'https://ns.adobe.com/xdm/context/profile';
  const fieldGroup = await call('POST', `${SR}/fieldgroups`, {
    title: 'Bench loyalty',
    'meta:intendedToExtend': [profile],
    definitions: {
      loyalty: {
        properties: {
          [tenant]: {
            type: 'object',
            properties: {
              loyaltyPoints: { type: 'integer', 'meta:xdmType': 'int', minimum: 0 },
              createdAt: { type: 'string', format: 'date-time' },
              emailHash: { type: 'string' },
            },
          },
        },
      },
    },
    allOf: [{ $ref: '#/definitions/loyalty' }],
  });
  const schema = await call('POST', `${SR}/schemas`, {
    type: 'object',
    title: 'Bench profile',
    allOf: [
      { $ref: profile },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
      { $ref: fieldGroup.$id },
    ],
  });
  const local = await call('POST', '/data/foundation/flowservice/connections', {
    name: 'bench local',
    auth: { specName: 'Local Folder', params: { path: data } },
    connectionSpec: { id: LOCAL_SPEC, version: '1.0' },
  });
  const bucket = await call('POST', '/data/foundation/flowservice/connections', {
    name: 'bench s3',
    auth: { specName: 'Access Key', params: { s3AccessKey: s3.accessKeyId, s3SecretKey: s3.secretAccessKey, serviceUrl: s3.endpoint } },
    connectionSpec: { id: S3_SPEC, version: '1.0' },
  });
  const spec = await call('GET', '/data/foundation/flowservice/flowSpecs?property=name=="CloudStorageToAEP"');
  const attr = (source: string, destination: string) => ({ sourceType: 'ATTRIBUTE', source, destination });
  const expr = (source: string, destination: string) => ({ sourceType: 'EXPRESSION', source, destination });
  /** The profile mapping, over the CSV's columns or the nested records' paths. */
  const profileMappings = (p: Record<'first' | 'last' | 'email' | 'city' | 'country', string>) => [
    attr('id', '_id'),
    expr(`concat(${p.first}, " ", ${p.last})`, 'person.name.fullName'),
    attr(p.first, 'person.name.firstName'),
    attr(p.last, 'person.name.lastName'),
    expr(`lower(${p.email})`, 'personalEmail.address'),
    attr('birth_date', 'person.birthDate'),
    attr(p.city, 'homeAddress.city'),
    attr(p.country, 'homeAddress.countryCode'),
    attr('loyalty_points', `${tenant}.loyaltyPoints`),
    attr('created_at', `${tenant}.createdAt`),
  ];
  const flat = profileMappings({ first: 'first_name', last: 'last_name', email: 'email', city: 'city', country: 'country_code' });
  const nestedMappings = profileMappings({
    first: 'name.first',
    last: 'name.last',
    email: 'contact.email',
    city: 'contact.city',
    country: 'contact.country',
  });
  const hashed = [...flat, expr('sha256(email)', `${tenant}.emailHash`)];
  if (process.env.BENCH_SCHEMA_OUT) {
    // The resolved schema and the mapping sets, for bench/plan-harness.ts (in-process runs, profiles, EXPLAIN ANALYZE).
    const resolved = await server.call(
      'GET',
      `${SR}/schemas/${encodeURIComponent(schema.$id)}`,
      undefined,
      'application/vnd.adobe.xed-full+json;version=1',
    );
    writeFileSync(process.env.BENCH_SCHEMA_OUT, JSON.stringify({ schema: resolved, mappings: { flat, nestedMappings, hashed } }, null, 2));
  }
  return {
    schemaId: schema.$id,
    flowSpecId: spec.items[0].id,
    connections: { local: local.id, s3: bucket.id },
    // sha256() has no SQL twin in the compiled plan.
    mappings: { flat, nestedMappings, hashed },
  };
}

/** Runs a case's flows, each followed by the plain COPY of the same file; the medians and the highest peaks. */
async function measureCase(server: BenchServer, setup: SetUp, benchCase: BenchCase): Promise<TableRow> {
  const { call } = server;
  const path = benchCase.storage === 's3' ? `/${BUCKET}/${keyOf(benchCase.file)}` : `/${keyOf(benchCase.file)}`;
  const source = await call('POST', '/data/foundation/flowservice/sourceConnections', {
    name: `bench source (${benchCase.label})`,
    baseConnectionId: setup.connections[benchCase.storage],
    data: benchCase.data,
    params: { path },
    connectionSpec: { id: benchCase.storage === 's3' ? S3_SPEC : LOCAL_SPEC, version: '1.0' },
  });
  const flows: Measured[] = [];
  const copies: Copied[] = [];
  const loads: number[] = [];
  for (let i = 0; i < benchCase.runs; i++) {
    console.log(`${benchCase.label}: run ${i + 1} of ${benchCase.runs} (${mb(benchCase.file.bytes).toFixed(0)} MB) …`);
    loads.push(loadavg()[0]!);
    flows.push(await flowRun(server, setup, benchCase, source.id));
    if (benchCase.target !== null) copies.push(copyBaseline(benchCase.file));
    const flow = flows[flows.length - 1]!;
    const copy = copies[copies.length - 1];
    console.log(
      `  flow ${flow.ms.toFixed(0)} ms, ${flow.cpu.toFixed(2)} cpu-s (main thread ${flow.mainCpu.toFixed(2)})${copy ? `; COPY ${copy.ms.toFixed(0)} ms, ${copy.cpu.toFixed(2)} cpu-s; cpu ratio ${(copy.cpu / flow.cpu).toFixed(2)}` : ''}; load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
  console.log(`  load average (1 min) during the case: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads, loadavg()[0]!).toFixed(1)}`);
  return {
    label: benchCase.label,
    file: benchCase.file,
    target: benchCase.target,
    flow: {
      ms: median(flows.map((f) => f.ms)),
      cpu: median(flows.map((f) => f.cpu)),
      mainCpu: median(flows.map((f) => f.mainCpu)),
      peakRssBytes: Math.max(...flows.map((f) => f.peakRssBytes)),
      output: flows[0]!.output,
      failed: flows[0]!.failed,
    },
    copy: copies.length
      ? { ms: median(copies.map((c) => c.ms)), cpu: median(copies.map((c) => c.cpu)), peakRssBytes: Math.max(...copies.map((c) => c.peakRssBytes)) }
      : null,
    cpuRatio: copies.length ? median(copies.map((c, i) => c.cpu / flows[i]!.cpu)) : null,
  };
}

/** One flow over the case's source into a dataset of its own; the run's own duration and the server's peak RSS. */
async function flowRun(server: BenchServer, setup: SetUp, benchCase: BenchCase, sourceId: string): Promise<Measured> {
  const { call } = server;
  const schemaRef = { id: setup.schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' };
  const created = await call('POST', '/data/foundation/catalog/dataSets', { name: `Bench profiles (${benchCase.label}, ${Date.now()})`, schemaRef });
  const dataSetId = String(created[0]).replace('@/dataSets/', '');
  const target = await call('POST', '/data/foundation/flowservice/targetConnections', {
    name: `bench target (${benchCase.label})`,
    data: { schema: { id: setup.schemaId, version: 'application/vnd.adobe.xed-full+json;version=1.0' } },
    params: { dataSetId },
    connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
  });
  const mapping = await call('POST', '/data/foundation/conversion/mappingSets', { outputSchema: { schemaRef }, mappings: benchCase.mappings });
  // Each run's peak is its own: the kernel's high-water mark starts again from the current RSS.
  resetPeakRss(server.pid);
  const cpuAtStart = cpuSeconds(server.pid);
  const mainAtStart = mainThreadCpuSeconds(server.pid);
  const flow = await call('POST', '/data/foundation/flowservice/flows', {
    name: `bench flow (${benchCase.label})`,
    flowSpec: { id: setup.flowSpecId, version: '1.0' },
    sourceConnectionIds: [sourceId],
    targetConnectionIds: [target.id],
    transformations: [{ name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: 0 } }],
    scheduleParams: { startTime: Math.floor(Date.now() / 1000) - 60, frequency: 'once' },
  });
  let run: any;
  let status: string | undefined;
  for (;;) {
    const found = await call('GET', `/data/foundation/flowservice/runs?property=flowId==${flow.id}`);
    run = found.items?.[0];
    status = run?.metrics?.statusSummary?.status ?? run?.status;
    if (status === 'success' || status === 'partialSuccess' || status === 'failed') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const peakRssBytes = peakRss(server.pid);
  const cpu = cpuSeconds(server.pid) - cpuAtStart;
  const mainCpu = mainThreadCpuSeconds(server.pid) - mainAtStart;
  if (status === 'failed') throw new Error(`${benchCase.label}: the run failed: ${JSON.stringify(run)}`);
  const { startedAtUTC, completedAtUTC } = run.metrics.durationSummary;
  const { outputRecordCount, failedRecordCount } = run.metrics.recordSummary;
  if (outputRecordCount + failedRecordCount !== benchCase.file.rows)
    throw new Error(`${benchCase.label}: ${outputRecordCount} rows landed and ${failedRecordCount} failed, of ${benchCase.file.rows}`);
  if (benchCase.expect && (benchCase.expect.output !== outputRecordCount || benchCase.expect.failed !== failedRecordCount))
    throw new Error(
      `${benchCase.label}: expected ${benchCase.expect.output} rows and ${benchCase.expect.failed} failures, got ${outputRecordCount} and ${failedRecordCount}`,
    );
  const batches = await call('GET', `/data/foundation/catalog/batches?dataSet=${dataSetId}`);
  const batch = Object.values(batches)[0] as { status: string };
  if (batch.status !== 'success') throw new Error(`${benchCase.label}: the batch is ${batch.status}`);
  // The run's own account of where its time went (the executor logs it, by run id, maybe after the API answers).
  const ownTimings = () =>
    server.launched
      .output()
      .split('\n')
      .find((line) => line.includes('run timings') && line.includes(String(run.id)));
  let timings = ownTimings();
  for (let wait = 0; !timings && wait < 20; wait++) {
    await new Promise((r) => setTimeout(r, 50));
    timings = ownTimings();
  }
  if (timings) console.log(`  stages (ms): ${JSON.stringify((JSON.parse(timings) as { ms?: unknown }).ms ?? timings)}`);
  return { ms: completedAtUTC - startedAtUTC, cpu, mainCpu, peakRssBytes, output: outputRecordCount, failed: failedRecordCount };
}

function copyBaseline(file: BenchFile): Copied {
  const output = join(work, 'copy.parquet');
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'copy-baseline.ts'), file.reader, file.path, output, join(work, 'duck-tmp')],
    { encoding: 'utf8' },
  );
  rmSync(output, { force: true });
  if (result.status !== 0) throw new Error(`COPY baseline failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Copied;
}

function printTable(table: TableRow[]): void {
  const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000)).toLocaleString('en');
  const header = [
    'case',
    'MB',
    'rows',
    'flow rows/s',
    'flow MB/s',
    'flow RSS MB',
    'COPY rows/s',
    'COPY MB/s',
    'COPY RSS MB',
    'ratio',
    'flow cpu-s',
    'of it main thread',
    'COPY cpu-s',
    'cpu ratio',
    'target',
  ];
  const lines = table.map(({ label, file, flow, copy, target, cpuRatio }) => [
    label,
    mb(file.bytes).toFixed(1),
    file.rows.toLocaleString('en'),
    perSecond(file.rows, flow.ms),
    (mb(file.bytes) / (flow.ms / 1000)).toFixed(1),
    mb(flow.peakRssBytes).toFixed(0),
    copy ? perSecond(file.rows, copy.ms) : '–',
    copy ? (mb(file.bytes) / (copy.ms / 1000)).toFixed(1) : '–',
    copy ? mb(copy.peakRssBytes).toFixed(0) : '–',
    copy ? (copy.ms / flow.ms).toFixed(2) : '–',
    flow.cpu.toFixed(2),
    flow.mainCpu.toFixed(2),
    copy ? copy.cpu.toFixed(2) : '–',
    cpuRatio !== null ? cpuRatio.toFixed(2) : '–',
    target !== null ? `≥ ${target}` : 'RSS < 1024 MB',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log('');
  console.log(
    `Medians of ${runs} runs (${rows.toLocaleString('en')} rows); flow = API run duration, ratio = flow/COPY throughput; cpu ratio = COPY/flow CPU time (median of each run against its COPY), the flow's main (JavaScript) thread's part beside it; RSS = peak of the process.`,
  );
  console.log(format(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const line of lines) console.log(format(line));
}

try {
  await main();
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work} (${mb(statSync(join(data, 'profile.csv')).size).toFixed(0)} MB CSV)`);
}
