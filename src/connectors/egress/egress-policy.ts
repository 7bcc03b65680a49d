import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { ConnectorError } from '../sdk.js';
import { classifyAddress, isMetadataName, type AddressClass } from './address-class.js';

/**
 * Which addresses connectors may reach. Link-local and metadata addresses are never reachable;
 * `open` (a single-user install) lets connectors reach loopback and the private network, where
 * the user's own emulators and NAS live; `public-only` (a multi-tenant install) keeps tenants
 * off the operator's machine and network.
 */
export type EgressMode = 'open' | 'public-only';

export const EGRESS_MODES: readonly EgressMode[] = ['open', 'public-only'];

/** The resolver the policy asks: `dns.lookup`'s shape, always called with `all: true`. */
export type Resolver = (
  hostname: string,
  options: LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** `net.connect`'s `lookup` option. */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

export interface EgressOptions {
  mode: EgressMode;
  /** Resolves host names; `dns.lookup` unless a test injects another. */
  resolver?: Resolver;
}

/** The code a refusal carries, so it is recognised after an SDK wrapped it in an error of its own. */
export const EGRESS_REFUSED = 'ERR_TRIBUTARY_EGRESS_REFUSED';

const DESCRIPTION: Record<AddressClass, string> = {
  metadata: 'a cloud metadata address',
  'link-local': 'a link-local address',
  loopback: 'a loopback address (this server)',
  private: 'a private-network address',
  public: 'a public address',
};

/** A connection the policy refused; raised before any socket is opened. */
export class EgressRefusedError extends ConnectorError {
  readonly code = EGRESS_REFUSED;

  constructor(host: string, reason: string) {
    super('egress_refused', `Egress refused: ${host} ${reason}`);
  }
}

export class EgressPolicy {
  readonly mode: EgressMode;
  private readonly resolver: Resolver;

  constructor(options: EgressOptions) {
    this.mode = options.mode;
    this.resolver = options.resolver ?? (dnsLookup as unknown as Resolver);
  }

  /** Whether an address of this class may be reached. */
  allows(kind: AddressClass): boolean {
    if (kind === 'public') return true;
    if (kind === 'metadata' || kind === 'link-local') return false;
    return this.mode === 'open';
  }

  /**
   * The refusal for a host as it is written, before any resolution: a metadata service's name,
   * or an IP literal the policy does not allow (sockets skip `lookup` for IP literals, so they are
   * checked here). Undefined when the host may go on to be resolved.
   */
  refusalOf(host: string): EgressRefusedError | undefined {
    const bare = host.replace(/^\[|\]$/g, '');
    if (isMetadataName(bare)) return new EgressRefusedError(bare, 'is a cloud metadata service, which connectors never reach');
    if (isIP(bare) === 0) return undefined;
    return this.refusalOfAddress(bare, bare);
  }

  /** Throws the refusal of `refusalOf`, for callers that check an endpoint up front. */
  admit(host: string): void {
    const refusal = this.refusalOf(host);
    if (refusal) throw refusal;
  }

  /**
   * A `lookup` for sockets: resolves the host, checks every address it has (one bad address
   * refuses the host, since a later connection could be sent to it), and hands the socket the
   * checked addresses, so that nothing resolves the name a second time to something else.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const refusal = this.refusalOf(hostname);
    if (refusal) return process.nextTick(() => callback(refusal, []));
    const family = typeof options === 'number' ? options : (options?.family ?? 0);
    this.resolver(hostname, { all: true, family: family === 'IPv4' ? 4 : family === 'IPv6' ? 6 : (family as number) }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const refused = this.refusalOfAddress(hostname, address);
        if (refused) return callback(refused, []);
      }
      const [first] = addresses;
      if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      if (options?.all) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };

  private refusalOfAddress(host: string, address: string): EgressRefusedError | undefined {
    const kind = classifyAddress(address);
    if (this.allows(kind)) return undefined;
    const what = host === address ? 'is' : 'resolves to';
    const why =
      kind === 'metadata' || kind === 'link-local'
        ? 'which connectors never reach'
        : `which this server's egress policy (${this.mode}) does not allow`;
    return new EgressRefusedError(host, `${what} ${DESCRIPTION[kind]}, ${why}`);
  }
}

/** The refusal an error is or wraps (SDKs re-wrap socket errors, keeping the message and code), if any. */
export function egressRefusal(error: unknown, depth = 0): ConnectorError | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  if (error instanceof EgressRefusedError) return error;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (code === EGRESS_REFUSED && typeof message === 'string') {
    const start = message.indexOf('Egress refused');
    return new ConnectorError('egress_refused', start >= 0 ? message.slice(start) : message);
  }
  for (const inner of [cause, ...(Array.isArray(errors) ? errors : [])]) {
    const found = egressRefusal(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The policy of connectors built without one (library use, tests of a connector alone): a single user's. */
export const OPEN_EGRESS = new EgressPolicy({ mode: 'open' });
