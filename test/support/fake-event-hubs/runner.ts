import { startFakeEventHubs, type FakeEventHubsOptions } from './fake-event-hubs.js';

/** The fake as a process: its options as JSON in argv, "fake-event-hubs listening on <port>" once it is up. */
const options = JSON.parse(process.argv[2] ?? '{}') as FakeEventHubsOptions;
const fake = await startFakeEventHubs(options);
console.log(`fake-event-hubs listening on ${fake.port}`);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
