/**
 * Builds the UI into web/dist when it is missing or older than its sources; `npm start` runs it
 * first (prestart), so `npm ci && npm start` serves a UI on a fresh machine. Several servers may start at
 * once (tests do): a lock folder lets one build while the others wait, and the build goes to a
 * scratch folder that replaces web/dist whole.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(webDir, 'dist');
const stamp = join(dist, '.built');
const lock = join(webDir, '.build-lock');

/** Newest modification time among the files the bundle is made of. */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const name of ['src', 'index.html', 'vite.config.ts']) visit(join(webDir, name));
  return newest;
}

function isFresh(): boolean {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource();
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function acquireLock(): Promise<boolean> {
  for (;;) {
    try {
      mkdirSync(lock);
      return true;
    } catch {
      // Another build holds it; a lock older than ten minutes belongs to a build that died.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      await sleep(250);
      if (isFresh()) return false;
    }
  }
}

async function main(): Promise<void> {
  if (isFresh()) return;
  if (!(await acquireLock())) return;
  try {
    if (isFresh()) return;
    const started = newestSource();
    const scratch = join(webDir, `.dist-${process.pid}`);
    process.env.TRIBUTARY_WEB_OUT = scratch;
    // Vite keeps an inherited NODE_ENV (vitest sets "test"), which would bundle React's development build.
    process.env.NODE_ENV = 'production';
    let build: typeof import('vite').build;
    try {
      ({ build } = await import('vite'));
    } catch {
      // Installed without dev dependencies: the API still serves; the UI needs `npm ci` with them.
      process.stderr.write('web UI not built: vite is not installed (run npm ci without --omit=dev)\n');
      return;
    }
    process.stdout.write('Building the web UI (web/dist)…\n');
    await build({ configFile: join(webDir, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    writeFileSync(join(scratch, '.built'), String(started));
    rmSync(dist, { recursive: true, force: true });
    renameSync(scratch, dist);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`web UI build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
