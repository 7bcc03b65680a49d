/**
 * `npm run build`, and what `npm start` runs first: the server compiled to JavaScript in dist/ (what
 * bin/tributary.js runs, so a start does not compile TypeScript) and the web UI in web/dist, each rebuilt
 * only when its sources changed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureWebBuild } from '../web/scripts/ensure-build.js';
import { SERVER_BUILD } from './server-build.mjs';
import { ensureFresh } from './fresh-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!existsSync(tsc)) {
    // Installed without dev dependencies: bin/tributary.js then runs the sources through tsx.
    process.stderr.write('server not compiled: typescript is not installed (run npm ci without --omit=dev)\n');
  } else await buildServer(tsc);
  await ensureWebBuild();
}

async function buildServer(tsc: string): Promise<void> {
  await ensureFresh({
    what: 'the server (dist)',
    ...SERVER_BUILD,
    build: async (scratch) => {
      execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', scratch], { stdio: 'inherit' });
      // What the server reads beside its modules at run time: migrations, the XDM library, PGlite's initdb script.
      cpSync(join(root, 'src'), scratch, { recursive: true, filter: (path) => !/\.(ts|tsx)$/.test(path) || path.endsWith('.d.ts') });
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
