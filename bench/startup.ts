/**
 * How long `tributary serve` takes to answer, started from the compiled JavaScript (dist/, what `npm start` runs)
 * and from the TypeScript sources through tsx (what a checkout edited since its last build runs). Each start but
 * the first reuses one home, so the figure is the start-up of an existing installation, not a first start's
 * database creation; the first start is shown apart. A measurement, not a test: `npx tsx bench/startup.ts`
 * (STARTS per mode, default 5; run `npm run build` first).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFresh } from '../scripts/fresh-build.mjs';
import { SERVER_BUILD } from '../scripts/server-build.mjs';

const STARTS = Number(process.env.STARTS ?? 5);
const MODES = {
  'dist (node bin/tributary.js, as npm start)': ['bin/tributary.js', 'serve'],
  'sources (tsx src/main.ts)': ['--import', 'tsx', 'src/main.ts', 'serve'],
} as const;

/** Milliseconds from spawn until the server says it is listening; the server is stopped again. */
function startOnce(args: readonly string[], home: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, TRIBUTARY_HOME: home, PORT: '0', LOG_LEVEL: 'warn', TRIBUTARY_LOCAL_ROOTS: join(home, 'landing') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let elapsed: number | undefined;
    const look = (chunk: Buffer) => {
      output += chunk;
      if (elapsed === undefined && output.includes('Tributary is running')) {
        elapsed = performance.now() - started;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', () => (elapsed === undefined ? reject(new Error(`the server did not start:\n${output}`)) : resolve(elapsed)));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

if (!isFresh(SERVER_BUILD.output, SERVER_BUILD.sources)) throw new Error('dist/ is missing or stale: run `npm run build` first');
console.log(`| start of \`serve\` | first start (new home) | median of ${STARTS} later starts |`);
console.log('|---|---:|---:|');
for (const [mode, args] of Object.entries(MODES)) {
  const home = mkdtempSync(join(tmpdir(), 'tributary-startup-'));
  try {
    const first = await startOnce(args, home);
    const later: number[] = [];
    for (let i = 0; i < STARTS; i++) later.push(await startOnce(args, home));
    console.log(`| ${mode} | ${(first / 1000).toFixed(2)} s | ${(median(later) / 1000).toFixed(2)} s |`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
