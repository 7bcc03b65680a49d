import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchTributary, type Launched } from '../test/support/launch.js';

export type Call = (method: string, path: string, body?: unknown, accept?: string) => Promise<any>;

export interface BenchServer {
  launched: Launched<string>;
  call: Call;
  tenantId: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts Tributary (`src/main.ts serve`, embedded database, its own home) as a child process and signs in with
 * the credentials it generated. node itself runs it (not npm → tsx → node), so the pid measured is the one
 * doing the work; info logs, so the executor's "run timings" line can be read back.
 */
export async function startBenchServer(home: string, env: Record<string, string> = {}): Promise<BenchServer> {
  // BENCH_SERVER_PROFILE=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_SERVER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_PROFILE}`] : [];
  const launched = await launchTributary(
    process.execPath,
    [...profile, '--import', 'tsx', join(import.meta.dirname, '..', 'src', 'main.ts'), 'serve'],
    {
      home,
      tickMs: 200,
      env: { LOG_LEVEL: 'info', ...env },
    },
  );
  const creds = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as {
    imsOrg: string;
    tenantId: string;
    sandboxName: string;
    clientId: string;
    clientSecret: string;
  };
  const token = (await (
    await fetch(`${launched.ready}/ims/token/v3`, {
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
  const call: Call = async (method, path, body, accept) => {
    const res = await fetch(`${launched.ready}${path}`, {
      method,
      headers: accept ? { ...headers, Accept: accept } : headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { launched, call, tenantId: creds.tenantId, pid: launched.child.pid!, stop: () => launched.stop() };
}

/** Resets the kernel's peak-RSS mark of a process (Linux: clear_refs 5), so VmHWM measures from now on. */
export function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not allowed or not Linux: the peak then covers the process's whole life.
  }
}

export function peakRss(pid: number): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return hwm ? Number(hwm[1]) * 1024 : 0;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system, all threads: DuckDB's included) a process has used so far (Linux). */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/**
 * CPU seconds of a process's main thread alone: the JavaScript thread, where the event loop, the mapper, PGlite and
 * the search for flagged rows run (DuckDB and V8's helpers have threads of their own).
 */
export function mainThreadCpuSeconds(pid: number): number {
  return statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // Fields after the command name (which may hold spaces, so it ends at the last ')'): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
