import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './launch.js';

export interface AzuriteHandle {
  /** The blob endpoint of the account, path-style: http://127.0.0.1:PORT/devstoreaccount1 */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  /** A connection string for the account, as the Azure portal shows one. */
  connectionString: string;
  stop(): Promise<void>;
}

/** Azurite's well-known development account (documented, not a secret). */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const MAIN = createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');

// Azurite keeps running when the process that started it dies; the wrapper exits with its parent
// (whose end closes our stdin) so a crashed test run leaves no server behind.
const WRAPPER = `
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
// Azurite closes its server on SIGTERM but our open stdin would keep the process alive.
process.once('SIGTERM', () => {
  process.stdin.destroy();
  setTimeout(() => process.exit(0), 3000).unref();
});
process.argv = [process.argv[0], ${JSON.stringify(MAIN)}, ...process.argv.slice(1)];
require(${JSON.stringify(MAIN)});
`;

/**
 * A real Azurite blob service (the blob endpoint only: Azurite has no dfs and no file endpoint) on
 * a free port of 127.0.0.1 with an empty workspace, as a child process. Azurite checks SharedKey
 * and SAS signatures, so a wrong key is refused with 403 AuthenticationFailed.
 */
export async function startAzurite(): Promise<AzuriteHandle> {
  const location = mkdtempSync(join(tmpdir(), 'tributary-azurite-'));
  const args = ['--disableTelemetry', '--skipApiVersionCheck', '--silent', '--location', location, '--blobHost', '127.0.0.1', '--blobPort', '0'];
  const server = await launch(process.execPath, ['-e', WRAPPER, '--', ...args], {
    what: 'Azurite',
    stdin: 'pipe',
    // Port 0 lets the kernel pick a free port; Azurite prints the address it really listens on.
    ready: (line) => /successfully listens on (http:\/\/\S+)/.exec(line)?.[1]?.replace(/\/$/, ''),
    cleanup: () => rmSync(location, { recursive: true, force: true }),
  });
  const blobEndpoint = `${server.ready}/${ACCOUNT}`;
  return {
    blobEndpoint,
    accountName: ACCOUNT,
    accountKey: KEY,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${blobEndpoint};`,
    stop: server.stop,
  };
}
