/** `npm start` in a fresh home on a free port, as a user runs it (the prestart builds the UI if needed). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchTributary, type Launched } from '../support/launch.js';
import { seedPgliteHome } from '../support/templates.js';

export interface Server {
  launched: Launched<string>;
  base: string;
  home: string;
}

export async function startServer(options: { env?: NodeJS.ProcessEnv } = {}): Promise<Server> {
  const home = mkdtempSync(join(tmpdir(), 'tributary-ui-'));
  // The run's migrated embedded database: the e2e test is the one that starts from a cold home.
  seedPgliteHome(home);
  // npm start runs tsx which runs node: the launcher signals the whole group.
  const launched = await launchTributary('npm', ['start', '--silent'], { home, tickMs: 250, group: true, ...options });
  return { launched, base: launched.ready, home };
}

export function stopServer(server: Server): Promise<void> {
  return server.launched.stop();
}
