import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * Real peers (Azurite, s3rver, sshd, Tributary itself) run as child processes: started, awaited
 * until they say they are listening, and stopped so that a test run leaves nothing behind.
 */

export interface LaunchOptions<T> {
  /** For messages: what is being started. */
  what: string;
  env?: NodeJS.ProcessEnv;
  /** Working directory of the process (default: this one's). */
  cwd?: string;
  /** `pipe` for processes that exit when their parent's end closes their stdin. */
  stdin?: 'pipe' | 'ignore';
  /**
   * Starts the process in a group of its own, and signals the whole group: for launchers such as
   * `npm start` that run the real server as a grandchild.
   */
  group?: boolean;
  /** Looks at each line of output (stdout and stderr): the value that says the process is ready, or undefined. May throw to fail the start. */
  ready: (line: string) => T | undefined;
  timeoutMs?: number;
  /** How long `stop` waits after SIGTERM before SIGKILL. */
  graceMs?: number;
  /** Runs once the process is gone (or failed to start): removes its temporary files. */
  cleanup?: () => void;
}

export interface Launched<T> {
  child: ChildProcess;
  /** What `ready` answered. */
  ready: T;
  /** Every line the process has written so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** SIGTERM, SIGKILL after the grace period; resolves once it has exited and its files are removed. */
  stop(): Promise<void>;
}

/**
 * A `ready` for peers whose runner prints `{"port": …}` once listening (s3rver, kinesalite): the port, or
 * undefined for other lines.
 */
export function portLine(what: string): (line: string) => number | undefined {
  return (line) => {
    if (!line.startsWith('{')) return undefined;
    try {
      return (JSON.parse(line) as { port: number }).port;
    } catch {
      throw new Error(`unexpected ${what} output: ${line}`);
    }
  };
}

export async function launch<T>(command: string, args: string[], options: LaunchOptions<T>): Promise<Launched<T>> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
    detached: options.group ?? false,
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const signal = (name: NodeJS.Signals) => {
    try {
      if (options.group) process.kill(-child.pid!, name);
      else child.kill(name);
    } catch {
      // Already gone.
    }
  };
  const stop = async () => {
    if (running()) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), options.graceMs ?? 5_000);
      await exited;
      clearTimeout(timer);
    }
    options.cleanup?.();
  };

  try {
    const ready = await new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        action();
      };
      const timer = setTimeout(
        () => settle(() => reject(new Error(`${options.what} did not start in time: ${output}`))),
        options.timeoutMs ?? 30_000,
      );
      void exited.then((code) => settle(() => reject(new Error(`${options.what} exited with ${code}: ${output}`))));
      for (const stream of [child.stdout!, child.stderr!]) {
        createInterface({ input: stream }).on('line', (line) => {
          output += line + '\n';
          if (settled) return;
          try {
            const value = options.ready(line);
            if (value !== undefined) settle(() => resolve(value));
          } catch (error) {
            settle(() => reject(error));
          }
        });
      }
    });
    return { child, ready, output: () => output, exited, stop };
  } catch (error) {
    signal('SIGKILL');
    options.cleanup?.();
    throw error;
  }
}

/**
 * Tests keep their source folders under the system temp dir, so test platforms let Local Folder
 * connections read there; each platform's own home (also under it) stays unreadable all the same.
 */
export const TEST_LOCAL_ROOTS = realpathSync(tmpdir());

/** Tributary's own server (`serve`), ready once it prints its address. */
export function launchTributary(
  command: string,
  args: string[],
  options: { home: string; tickMs: number; group?: boolean; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<Launched<string>> {
  return launch(command, args, {
    what: 'the server',
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: {
      ...process.env,
      TRIBUTARY_HOME: options.home,
      PORT: '0',
      TRIBUTARY_SCHEDULER_TICK_MS: String(options.tickMs),
      LOG_LEVEL: 'warn',
      TRIBUTARY_LOCAL_ROOTS: TEST_LOCAL_ROOTS,
      // Several servers run at once in the tests: none takes the fixed SQL port unless a test asks for it.
      TRIBUTARY_SQL_PORT: 'off',
      ...options.env,
    },
    group: options.group ?? false,
    ready: (line) => /Tributary is running at (http:\/\/\S+)/.exec(line)?.[1],
    // PGlite's first initdb and the web build on a cold home take their time.
    timeoutMs: 120_000,
    // A clean shutdown drains the worker; SIGKILL is only for a server that hangs.
    graceMs: 30_000,
  });
}
