import { agentFor, type EgressPolicy } from '../egress/index.js';

/**
 * Pipeline options every Azure Storage client of ours gets. The SDK's own retry policy handles
 * transient faults before a response (resets, 500, 503, throttling) with exponential backoff; its
 * default first delay (4 s, up to 2 min) makes an unreachable host take minutes to report, so the
 * delays are shorter. Reads mid-body are resumed by `resumableRead`, not here.
 */
export const AZURE_CLIENT_OPTIONS = {
  retryOptions: { maxTries: 4, retryDelayInMs: 400, maxRetryDelayInMs: 8_000 },
  userAgentOptions: { userAgentPrefix: 'tributary' },
} as const;

/**
 * The pipeline options of a client of the account at `url`, its sockets going through the egress
 * policy (the SDK's pipeline takes a Node agent; an agent serves one scheme, the one of `url`).
 */
export function azureClientOptions(egress: EgressPolicy, url: string) {
  return { ...AZURE_CLIENT_OPTIONS, agent: agentFor(egress, url) };
}

/** Azure quotes its ETags; the quotes are transport, not value. */
export function bareEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/^"|"$/g, '');
}

/**
 * Whether a URL addresses its account in the path (http://127.0.0.1:10000/account/…, as emulators
 * and fakes do) rather than in the host name (https://account.blob.core.windows.net/…). The same
 * rule the SDKs apply.
 */
export function isPathStyleUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host.includes(':') || host === 'localhost' || host === 'host.docker.internal' || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}
