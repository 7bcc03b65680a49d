/**
 * Builds that are redone only when their sources changed: the server's JavaScript (dist/) and the web UI
 * (web/dist). Plain JavaScript, because bin/tributary.js asks `isFresh` before any TypeScript loader runs.
 *
 * Several servers may start at once (tests do): a lock folder lets one build while the others wait, and each
 * build goes to a scratch folder that replaces the output whole, so nobody ever reads half a build.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The file inside an output folder that says which sources it was built from (their newest mtime). */
const STAMP = '.built';
/** A lock older than this belongs to a build that died. */
const STALE_LOCK_MS = 600_000;

/** Newest modification time among the files under the given paths (files or folders). */
export function newestSource(paths) {
  let newest = 0;
  const visit = (path) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const path of paths) if (existsSync(path)) visit(path);
  return newest;
}

/** Whether `output` holds a complete build of the current `sources`. */
export function isFresh(output, sources) {
  const stamp = join(output, STAMP);
  return existsSync(stamp) && Number(readFileSync(stamp, 'utf8')) >= newestSource(sources);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `build(scratch)` unless `output` is fresh, then moves the scratch folder into place.
 * @param {{ what: string, output: string, sources: string[], build: (scratch: string) => Promise<void> }} task
 */
export async function ensureFresh({ what, output, sources, build }) {
  if (isFresh(output, sources)) return;
  const lock = `${output}.build-lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile.
      }
      await sleep(250);
      if (isFresh(output, sources)) return;
    }
  }
  try {
    if (isFresh(output, sources)) return;
    // Taken before building: a source edited during the build makes the result stale, not falsely fresh.
    const started = newestSource(sources);
    const scratch = `${output}.scratch-${process.pid}`;
    rmSync(scratch, { recursive: true, force: true });
    process.stdout.write(`Building ${what}…\n`);
    await build(scratch);
    writeFileSync(join(scratch, STAMP), String(started));
    rmSync(output, { recursive: true, force: true });
    renameSync(scratch, output);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
