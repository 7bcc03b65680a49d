/** `npm start` in a fresh home on a free port, as a user runs it (the prestart builds the UI if needed). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Server {
  child: ChildProcess;
  base: string;
  home: string;
  output: () => string;
}

export async function startServer(): Promise<Server> {
  const home = mkdtempSync(join(tmpdir(), 'tributary-ui-'));
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, TRIBUTARY_HOME: home, PORT: '0', TRIBUTARY_SCHEDULER_TICK_MS: '250', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /Tributary is running at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { child, base, home, output: () => output };
}

export function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    // npm start runs tsx which runs node: signal the whole group.
    process.kill(-server.child.pid!, 'SIGTERM');
  });
}
