/**
 * `npm run bench [-- --rows N | --size 2GB] [--keep]`: the ingestion benchmark.
 *
 * 1. Generates a profile CSV (1,000,000 rows ≈ 100 MB by default; `--size` asks for a byte size
 *    instead) with 1% broken rows.
 * 2. Starts Tributary (`src/main.ts serve`, embedded database, its own home) as a child process and
 *    drives a real flow through the API: local-folder connection, schema with a tenant field group,
 *    dataset, mapping set, flow — then waits for the run and checks the batch is `success` with the
 *    expected counts. Throughput is the run's own duration (durationSummary), so the scheduler's tick
 *    does not count; peak RSS is the server process's VmHWM.
 * 3. Runs a second flow over the same file whose mapping adds one function with no SQL twin
 *    (replacestr), which runs in the plan as a vectorized scalar function of the row mapper's own
 *    code (plan/scalar-functions.ts), measured too (`--no-js` skips it).
 * 4. Times DuckDB's plain `COPY (SELECT * FROM read_csv(…)) TO '….parquet'` on the same file.
 * Prints rows/s, MB/s, peak RSS and the flow/COPY throughput ratio.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeProfileCsv } from './profile-csv.js';
import { launchTributary, type Launched } from '../test/support/launch.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const BYTES_PER_ROW = 103;
const sizeBytes = (text: string) => {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(text);
  if (!m) throw new Error(`--size: expected e.g. 90MB or 2GB, got ${text}`);
  return Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase());
};
const rows = option('size') ? Math.round(sizeBytes(option('size')!) / BYTES_PER_ROW) : Number(option('rows') ?? 1_000_000);
const keep = args.includes('--keep');
const measureJs = !args.includes('--no-js');

const work = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
const data = join(work, 'data');
mkdirSync(data);
const csvPath = join(data, 'profile.csv');
const mb = (bytes: number) => bytes / 1024 / 1024;

async function main(): Promise<void> {
  console.log(`generating ${rows.toLocaleString('en')} rows …`);
  const generated = await writeProfileCsv(csvPath, rows);
  console.log(`  ${csvPath}: ${mb(generated.bytes).toFixed(1)} MB, ${generated.badRows} broken rows`);

  const flows = await flowRuns(generated.bytes, generated.badRows);
  const copy = copyBaseline();

  const report = (label: string, ms: number, peak: number) =>
    console.log(
      `${label.padEnd(30)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(rows / (ms / 1000))
        .toLocaleString('en')
        .padStart(10)} rows/s  ${(mb(generated.bytes) / (ms / 1000)).toFixed(1).padStart(6)} MB/s  peak RSS ${mb(peak).toFixed(0)} MB`,
    );
  console.log('');
  const [plan, js] = flows.runs;
  report('flow run (API→batch)', plan!.ms, plan!.peakRssBytes);
  if (js) report('flow run, no-SQL-twin fn', js.ms, js.peakRssBytes);
  report('DuckDB plain COPY', copy.ms, copy.peakRssBytes);
  console.log(`server peak RSS before the runs (set-up done, no data yet): ${mb(flows.idleRssBytes).toFixed(0)} MB`);
  console.log(`ratio flow/COPY throughput: ${(copy.ms / plan!.ms).toFixed(2)} (target ≥ 0.33)`);
  if (js) console.log(`ratio no-SQL-twin-function flow/COPY throughput: ${(copy.ms / js.ms).toFixed(2)} (target ≥ 0.3)`);
  for (const run of flows.runs) {
    console.log(
      `${run.label}: ${run.output.toLocaleString('en')} rows landed, ${run.failed.toLocaleString('en')} failed; run wall time incl. scheduling ${(run.wallMs / 1000).toFixed(2)} s`,
    );
  }
}

function copyBaseline(): { ms: number; peakRssBytes: number } {
  console.log('DuckDB plain COPY …');
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'copy-baseline.ts'), csvPath, join(work, 'copy.parquet'), join(work, 'duck-tmp')],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`COPY baseline failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as { ms: number; peakRssBytes: number };
}

interface MeasuredRun {
  label: string;
  ms: number;
  wallMs: number;
  peakRssBytes: number;
  output: number;
  failed: number;
}

/** Starts the server, sets up the source and schema once, then runs each flow in turn (its own dataset). */
async function flowRuns(bytes: number, badRows: number): Promise<{ idleRssBytes: number; runs: MeasuredRun[] }> {
  const home = join(work, 'home');
  const server = await startServer(home);
  try {
    const creds = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as {
      imsOrg: string;
      tenantId: string;
      sandboxName: string;
      clientId: string;
      clientSecret: string;
    };
    const token = (await (
      await fetch(`${server.ready}/ims/token/v3`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: creds.clientId,
          client_secret: creds.clientSecret,
          scope: 'openid,AdobeID',
        }),
      })
    ).json()) as { access_token: string };
    const headers = {
      Authorization: `Bearer ${token.access_token}`,
      'x-api-key': creds.clientId,
      'x-gw-ims-org-id': creds.imsOrg,
      'x-sandbox-name': creds.sandboxName,
      'Content-Type': 'application/json',
    };
    const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
      const res = await fetch(`${server.ready}${path}`, {
        method,
        headers: { ...headers, ...extra },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
      return text ? JSON.parse(text) : null;
    };
    const SR = '/data/foundation/schemaregistry/tenant';
    const tenant = `_${creds.tenantId}`;
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
    const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
    const conn = await call('POST', '/data/foundation/flowservice/connections', {
      name: 'bench',
      auth: { specName: 'Local Folder', params: { path: data } },
      connectionSpec: { id: LOCAL, version: '1.0' },
    });
    const source = await call('POST', '/data/foundation/flowservice/sourceConnections', {
      name: 'bench source',
      baseConnectionId: conn.id,
      data: { format: 'delimited' },
      params: { path: '/profile.csv' },
      connectionSpec: { id: LOCAL, version: '1.0' },
    });
    const attr = (column: string, destination: string) => ({ sourceType: 'ATTRIBUTE', source: column, destination });
    const mappings = [
      { ...attr('id', '_id') },
      { sourceType: 'EXPRESSION', source: 'concat(first_name, " ", last_name)', destination: 'person.name.fullName' },
      attr('first_name', 'person.name.firstName'),
      attr('last_name', 'person.name.lastName'),
      { sourceType: 'EXPRESSION', source: 'lower(email)', destination: 'personalEmail.address' },
      attr('birth_date', 'person.birthDate'),
      attr('city', 'homeAddress.city'),
      attr('country_code', 'homeAddress.countryCode'),
      attr('loyalty_points', `${tenant}.loyaltyPoints`),
      attr('created_at', `${tenant}.createdAt`),
    ];
    const spec = await call('GET', '/data/foundation/flowservice/flowSpecs?property=name=="CloudStorageToAEP"');
    // What the server holds before any data moves (embedded database, XDM library, HTTP), for scale.
    const idleRssBytes = peakRss(server.child.pid!);

    const measure = async (label: string, runMappings: unknown[]): Promise<MeasuredRun> => {
      const created = await call('POST', '/data/foundation/catalog/dataSets', {
        name: `Bench profiles (${label})`,
        schemaRef: { id: schema.$id, contentType: 'application/vnd.adobe.xed-full+json;version=1' },
      });
      const dataSetId = String(created[0]).replace('@/dataSets/', '');
      const target = await call('POST', '/data/foundation/flowservice/targetConnections', {
        name: `bench target (${label})`,
        data: { schema: { id: schema.$id, version: 'application/vnd.adobe.xed-full+json;version=1.0' } },
        params: { dataSetId },
        connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
      });
      const mapping = await call('POST', '/data/foundation/conversion/mappingSets', {
        outputSchema: { schemaRef: { id: schema.$id, contentType: 'application/vnd.adobe.xed-full+json;version=1' } },
        mappings: runMappings,
      });
      // Each run's peak is its own: the kernel's high-water mark starts again from the current RSS.
      resetPeakRss(server.child.pid!);
      const started = Date.now();
      const flow = await call('POST', '/data/foundation/flowservice/flows', {
        name: `bench flow (${label})`,
        flowSpec: { id: spec.items[0].id, version: '1.0' },
        sourceConnectionIds: [source.id],
        targetConnectionIds: [target.id],
        transformations: [{ name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: 0 } }],
        scheduleParams: { startTime: Math.floor(Date.now() / 1000) - 60, frequency: 'once' },
      });
      console.log(`${label} flow ${flow.id}: waiting for its run (${mb(bytes).toFixed(0)} MB) …`);
      let run:
        | {
            metrics?: {
              statusSummary?: { status?: string };
              durationSummary: { startedAtUTC: number; completedAtUTC: number };
              recordSummary: { outputRecordCount: number; failedRecordCount: number };
            };
            status?: string;
            errors?: unknown;
          }
        | undefined;
      for (;;) {
        const runs = await call('GET', `/data/foundation/flowservice/runs?property=flowId==${flow.id}`);
        run = runs.items?.[0];
        const status = run?.metrics?.statusSummary?.status ?? run?.status;
        if (status === 'success' || status === 'failed') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const wallMs = Date.now() - started;
      const status = run!.metrics?.statusSummary?.status ?? run!.status;
      if (status !== 'success') throw new Error(`the run failed: ${JSON.stringify(run)}`);
      const batches = await call('GET', `/data/foundation/catalog/batches?dataSet=${dataSetId}`);
      const batch = Object.values(batches)[0] as { status: string };
      if (batch.status !== 'success') throw new Error(`the batch is ${batch.status}`);
      const { startedAtUTC, completedAtUTC } = run!.metrics!.durationSummary;
      const { outputRecordCount, failedRecordCount } = run!.metrics!.recordSummary;
      if (failedRecordCount !== badRows || outputRecordCount !== rows - badRows)
        throw new Error(`expected ${rows - badRows} rows and ${badRows} failures, got ${outputRecordCount} and ${failedRecordCount}`);
      // The run's own account of where its time went (the executor logs it), for the print-out.
      const timings = server
        .output()
        .split('\n')
        .filter((line) => line.includes('run timings'))
        .pop();
      if (timings) console.log(`  stages (ms): ${JSON.stringify((JSON.parse(timings) as { ms?: unknown }).ms ?? timings)}`);
      return {
        label,
        ms: completedAtUTC - startedAtUTC,
        wallMs,
        peakRssBytes: peakRss(server.child.pid!),
        output: outputRecordCount,
        failed: failedRecordCount,
      };
    };

    const runs = [await measure('compiled plan', mappings)];
    // replacestr() has no SQL twin: it runs in the plan as a vectorized function (plan/scalar-functions.ts).
    const cityCleaned = { sourceType: 'EXPRESSION', source: 'replacestr(city, "-", " ")', destination: 'homeAddress.city' };
    if (measureJs)
      runs.push(
        await measure(
          'no-SQL-twin function',
          mappings.map((m) => (m.destination === cityCleaned.destination ? cityCleaned : m)),
        ),
      );
    return { idleRssBytes, runs };
  } finally {
    await server.stop();
  }
}

/** Resets the kernel's peak-RSS mark of a process (Linux: clear_refs 5), so VmHWM measures from now on. */
function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not allowed or not Linux: the peak then covers the server's whole life.
  }
}

function peakRss(pid: number): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Number(hwm[1]) * 1024 : 0;
}

function startServer(home: string): Promise<Launched<string>> {
  // node itself (not npm → tsx → node) so that the pid measured is the one doing the work.
  // Info level: the executor's "run timings" line is read back for the print-out.
  return launchTributary(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'src', 'main.ts'), 'serve'], {
    home,
    tickMs: 200,
    env: { LOG_LEVEL: 'info' },
  });
}

try {
  await main();
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work} (${mb(statSync(csvPath).size).toFixed(0)} MB CSV)`);
}
