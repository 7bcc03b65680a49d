import { fileURLToPath } from 'node:url';
import { launch, type Launched } from '../launch.js';
import type { FakeEventHubsOptions } from './fake-event-hubs.js';

export { startFakeEventHubs, type FakeEventHubs, type FakeEventHubsOptions } from './fake-event-hubs.js';
export type { SasPolicy } from './sas-token.js';

const RUNNER = fileURLToPath(new URL('./runner.ts', import.meta.url));

export interface LaunchedFakeEventHubs {
  port: number;
  /** `sb://127.0.0.1:<port>`, the endpoint a client is pointed at. */
  endpoint: string;
  server: Launched<number>;
  stop(): Promise<void>;
}

/** Starts the fake as a process of its own (through tsx), as the tests start every other peer. */
export async function launchFakeEventHubs(options: FakeEventHubsOptions): Promise<LaunchedFakeEventHubs> {
  const server = await launch(process.execPath, ['--import', 'tsx', RUNNER, JSON.stringify(options)], {
    what: 'the Event Hubs fake',
    ready: (line) => {
      const match = /fake-event-hubs listening on (\d+)/.exec(line);
      return match ? Number(match[1]) : undefined;
    },
  });
  return { port: server.ready, endpoint: `sb://127.0.0.1:${server.ready}`, server, stop: () => server.stop() };
}
