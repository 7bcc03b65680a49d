import { lookup as dnsLookup } from 'node:dns';
import net from 'node:net';
import { classifyAddress } from '../../src/connectors/egress/index.js';

/**
 * A guard for egress tests, beneath the code under test: every socket this process connects is
 * watched, and one aimed at a link-local or metadata address (as written, or as its lookup
 * resolved it) is stopped before it connects and recorded. So a test of a refusal sends no
 * traffic to such addresses even when the policy it tests is broken, and can tell that no
 * connection was attempted.
 */
export interface Tripwire {
  /** The forbidden addresses something tried to connect to. */
  readonly attempts: string[];
  disarm(): void;
}

const forbidden = (address: string) => ['metadata', 'link-local'].includes(classifyAddress(address));

type AnyLookup = (host: string, options: object, callback: (...args: unknown[]) => void) => void;

export function armTripwire(): Tripwire {
  const attempts: string[] = [];
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect passes its normalised arguments as one array; tls and callers pass (options, cb).
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    if (first && typeof first === 'object' && 'port' in first) {
      const options = first as { host?: string; lookup?: AnyLookup };
      const host = (options.host ?? 'localhost').replace(/^\[|\]$/g, '');
      if (net.isIP(host) && forbidden(host)) {
        attempts.push(host);
        process.nextTick(() => this.destroy(new Error(`tripwire: a connection to ${host} was stopped`)));
        return this;
      }
      const inner = (options.lookup ?? dnsLookup) as AnyLookup;
      options.lookup = (hostname, lookupOptions, callback) =>
        inner(hostname, lookupOptions, (error, address, family) => {
          const addresses = Array.isArray(address) ? address.map((a: { address: string }) => a.address) : [address as string];
          const bad = addresses.filter((a) => typeof a === 'string' && forbidden(a));
          if (!error && bad.length > 0) {
            attempts.push(...bad);
            return callback(new Error(`tripwire: a connection to ${bad.join(', ')} was stopped`));
          }
          callback(error, address, family);
        });
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return {
    attempts,
    disarm() {
      net.Socket.prototype.connect = original;
    },
  };
}
