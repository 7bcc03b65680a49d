/**
 * Builds the UI into web/dist when it is missing or older than its sources; `npm start` runs it first (through
 * scripts/ensure-build.ts), so `npm ci && npm start` serves a UI on a fresh machine.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFresh } from '../../scripts/fresh-build.mjs';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function ensureWebBuild(): Promise<void> {
  let build: typeof import('vite').build;
  try {
    ({ build } = await import('vite'));
  } catch {
    // Installed without dev dependencies: the API still serves; the UI needs `npm ci` with them.
    process.stderr.write('web UI not built: vite is not installed (run npm ci without --omit=dev)\n');
    return;
  }
  await ensureFresh({
    what: 'the web UI (web/dist)',
    output: join(webDir, 'dist'),
    // The server's module the UI shares (src/pipeline/infer-columns.ts) is one of its sources too.
    sources: ['src', 'index.html', 'vite.config.ts', '../src/pipeline/infer-columns.ts'].map((name) => join(webDir, name)),
    build: async (scratch) => {
      process.env.TRIBUTARY_WEB_OUT = scratch;
      // Vite keeps an inherited NODE_ENV (vitest sets "test"), which would bundle React's development build.
      process.env.NODE_ENV = 'production';
      await build({ configFile: join(webDir, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureWebBuild().catch((error: unknown) => {
    process.stderr.write(`web UI build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
