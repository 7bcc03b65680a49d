import type { KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ConnectorError } from '../sdk.js';
import { optionalString, requiredString } from '../files/params.js';
import { EgressHttpAgent, EgressHttpsAgent, OPEN_EGRESS, type EgressPolicy } from '../egress/index.js';

/**
 * The client of a Kinesis connection: AEP's `accessKeyId`, `secretKey`, `region`, plus Tributary's optional
 * `endpoint` for Kinesis-compatible servers (kinesalite, LocalStack). HTTP/1.1 through the SDK's
 * NodeHttpHandler: the reads here are plain GetRecords polls (no SubscribeToShard, which needs HTTP/2), and
 * every socket goes through the egress policy's agents.
 */
export function kinesisClientConfig(params: Record<string, unknown>, egress: EgressPolicy = OPEN_EGRESS): KinesisClientConfig {
  const endpoint = optionalString(params, 'endpoint');
  return {
    region: requiredString(params, 'region'),
    credentials: { accessKeyId: requiredString(params, 'accessKeyId'), secretAccessKey: requiredString(params, 'secretKey') },
    ...(endpoint !== undefined ? { endpoint: parseEndpoint(endpoint) } : {}),
    // Throttling is backed off by the stream itself (it knows the read's deadline and abort signal).
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 10_000,
      requestTimeout: 30_000,
      httpAgent: new EgressHttpAgent(egress),
      httpsAgent: new EgressHttpsAgent(egress),
    }),
  };
}

function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.endpoint is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConnectorError('invalid_params', 'auth.params.endpoint must be an http(s) URL');
  if (url.username || url.password) throw new ConnectorError('invalid_params', 'auth.params.endpoint must not carry credentials');
  return url.href.replace(/\/$/, '');
}

/** Refuses, when a connection is stored, an endpoint no client could use. */
export function validateKinesisParams(params: Record<string, unknown>): void {
  const endpoint = optionalString(params, 'endpoint');
  if (endpoint !== undefined) parseEndpoint(endpoint);
}
