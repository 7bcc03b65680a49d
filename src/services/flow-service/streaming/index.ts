export { StreamRunner, type StreamRunnerDeps } from './stream-runner.js';
export { streamLagByFlow } from './partition-leases.repo.js';
export { streamRecordsByFlow } from './stream-runs.repo.js';
