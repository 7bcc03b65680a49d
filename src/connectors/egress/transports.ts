import http from 'node:http';
import https from 'node:https';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Agent as UndiciAgent, buildConnector } from 'undici';
import type { EgressPolicy } from './egress-policy.js';

/**
 * The sockets connectors open, each through the egress policy: every connection (the first, a
 * retry, a redirect's) checks its host as written, then resolves it with the policy's `lookup`,
 * which connects to the addresses it checked.
 */

type ConnectionCallback = (err: Error | null, stream: Duplex) => void;

/** Connection options with the policy's lookup, or the refusal of a host that is refused as written. */
function guarded<T extends { host?: string | null | undefined; hostname?: string | null | undefined }>(
  policy: EgressPolicy,
  options: T,
): { refusal: Error } | { options: T } {
  const host = options.hostname ?? options.host ?? 'localhost';
  const refusal = policy.refusalOf(host);
  return refusal ? { refusal } : { options: { ...options, lookup: policy.lookup } };
}

/** An http.Agent whose sockets go through the policy (for the AWS SDK's and Azure SDK's Node HTTP clients). */
export class EgressHttpAgent extends http.Agent {
  constructor(
    private readonly policy: EgressPolicy,
    options: http.AgentOptions = {},
  ) {
    super({ keepAlive: true, ...options });
  }

  override createConnection(options: http.ClientRequestArgs, callback?: ConnectionCallback): Duplex | null | undefined {
    const checked = guarded(this.policy, options);
    if ('refusal' in checked) {
      process.nextTick(() => callback?.(checked.refusal, undefined as unknown as Duplex));
      return undefined;
    }
    return super.createConnection(checked.options, callback);
  }
}

/** The https counterpart of `EgressHttpAgent`. */
export class EgressHttpsAgent extends https.Agent {
  constructor(
    private readonly policy: EgressPolicy,
    options: https.AgentOptions = {},
  ) {
    super({ keepAlive: true, ...options });
  }

  override createConnection(options: https.RequestOptions, callback?: ConnectionCallback): Duplex | null | undefined {
    const checked = guarded(this.policy, options);
    if ('refusal' in checked) {
      process.nextTick(() => callback?.(checked.refusal, undefined as unknown as Duplex));
      return undefined;
    }
    return super.createConnection(checked.options, callback);
  }
}

/** The agent for a URL's scheme: Node refuses an agent of the other scheme, so a redirect that changes it fails closed. */
export function agentFor(policy: EgressPolicy, url: URL | string): http.Agent {
  const protocol = typeof url === 'string' ? new URL(url).protocol : url.protocol;
  return protocol === 'https:' ? new EgressHttpsAgent(policy) : new EgressHttpAgent(policy);
}

/** An undici dispatcher (for `fetch`) whose connections go through the policy. */
export function egressDispatcher(policy: EgressPolicy, options: { connectTimeoutMs?: number } = {}): UndiciAgent {
  const connector = buildConnector({ lookup: policy.lookup, ...(options.connectTimeoutMs ? { timeout: options.connectTimeoutMs } : {}) });
  return new UndiciAgent({
    connect: (connectOptions, callback) => {
      const refusal = policy.refusalOf(connectOptions.hostname);
      if (refusal) return callback(refusal, null);
      connector(connectOptions, callback);
    },
  });
}

/**
 * A TCP socket to `host:port` through the policy, connecting (for ssh2, which takes a socket
 * of its caller's). A refused host as written throws at once; a refused resolution fails the
 * socket with the refusal, before it connects.
 */
export function egressSocket(policy: EgressPolicy, host: string, port: number): Socket {
  policy.admit(host);
  return connect({ host, port, lookup: policy.lookup });
}
