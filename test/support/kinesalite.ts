import { fileURLToPath } from 'node:url';
import { launch, portLine } from './launch.js';

export interface KinesaliteHandle {
  /** e.g. http://127.0.0.1:43121 — the Kinesis connector's `endpoint` auth param. */
  endpoint: string;
  /** kinesalite checks neither keys nor signatures: any pair passes. */
  accessKeyId: string;
  secretKey: string;
  region: string;
  stop(): Promise<void>;
}

const RUNNER = fileURLToPath(new URL('./kinesalite-runner.cjs', import.meta.url));

/** A real kinesalite (in memory) on a free port, as a child process. */
export async function startKinesalite(): Promise<KinesaliteHandle> {
  const server = await launch(process.execPath, [RUNNER], {
    what: 'kinesalite',
    stdin: 'pipe',
    timeoutMs: 20_000,
    // The runner prints {"port": …} once listening.
    ready: portLine('kinesalite'),
  });
  return {
    endpoint: `http://127.0.0.1:${server.ready}`,
    accessKeyId: 'AKIDKINESALITE',
    secretKey: 'kinesalite-secret',
    region: 'us-east-1',
    stop: server.stop,
  };
}
