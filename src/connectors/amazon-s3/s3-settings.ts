import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { ConnectorError } from '../sdk.js';
import { optionalString, requiredString } from '../files/params.js';
import { pathSegments } from '../files/path.js';
import { EgressHttpAgent, EgressHttpsAgent, OPEN_EGRESS, type EgressPolicy } from '../egress/index.js';

/** What an S3 connection's auth params amount to. */
export interface S3Settings {
  client: S3ClientConfig;
  /** The one bucket the connection is confined to; absent: "/" lists the buckets. */
  bucketName?: string;
  /** Key prefix the connection is confined to inside `bucketName`: "" or "a/b/". */
  folderPrefix: string;
}

const DEFAULT_REGION = 'us-east-1';

/**
 * The auth params of any S3-compatible connection, whatever a connection spec calls them: Amazon
 * S3 and Google Cloud Storage (through its S3-interoperable XML API with HMAC keys) share the
 * storage code and differ only here. The optional ones come straight from `optionalString`, so
 * each may be present and undefined.
 */
export interface S3Access {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  serviceUrl?: string | undefined;
  /** The signing region; derived from an AWS serviceUrl when absent. */
  region?: string | undefined;
  bucketName?: string | undefined;
  folderPath?: string | undefined;
  /**
   * Send the SDK's optional CRC checksums with requests and check them on answers. Storages that
   * only speak the S3 API of before 2025 (GCS among them) reject or lack them: "when_required".
   */
  checksums?: 'when_supported' | 'when_required';
}

export function parseS3Settings(params: Record<string, unknown>, egress: EgressPolicy = OPEN_EGRESS): S3Settings {
  return s3Settings(
    {
      accessKeyId: requiredString(params, 's3AccessKey'),
      secretAccessKey: requiredString(params, 's3SecretKey'),
      sessionToken: optionalString(params, 's3SessionToken'),
      serviceUrl: optionalString(params, 'serviceUrl'),
      region: optionalString(params, 'region'),
      bucketName: optionalString(params, 'bucketName'),
      folderPath: optionalString(params, 'folderPath'),
    },
    egress,
  );
}

export function s3Settings(access: S3Access, egress: EgressPolicy = OPEN_EGRESS): S3Settings {
  const { accessKeyId, secretAccessKey, sessionToken, serviceUrl, bucketName, folderPath } = access;
  if (bucketName !== undefined && bucketName.includes('/')) {
    throw new ConnectorError('invalid_params', 'auth.params.bucketName is a bucket name; put the folder in folderPath');
  }
  if (folderPath !== undefined && bucketName === undefined) {
    throw new ConnectorError('invalid_params', 'auth.params.folderPath needs auth.params.bucketName');
  }
  const folderSegments = folderPath === undefined ? [] : pathSegments(folderPath);
  const endpoint = serviceUrl === undefined ? undefined : parseEndpoint(serviceUrl);
  const checksums =
    access.checksums === 'when_required'
      ? ({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const)
      : {};

  return {
    ...(bucketName !== undefined ? { bucketName } : {}),
    folderPrefix: folderSegments.map((segment) => `${segment}/`).join(''),
    client: {
      region: access.region ?? (endpoint && regionOfAwsEndpoint(endpoint)) ?? DEFAULT_REGION,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      // Any S3-compatible storage (MinIO, s3rver, Ceph…) understands path-style; not all have
      // per-bucket DNS names. AWS itself still accepts path-style requests.
      ...(endpoint ? { endpoint: endpoint.href.replace(/\/$/, ''), forcePathStyle: true } : {}),
      followRegionRedirects: true,
      maxAttempts: 3,
      ...checksums,
      // Fail a connection attempt to a dead host quickly; no socket timeout, since a slow
      // consumer of a large object legitimately leaves the socket idle.
      // Every socket, to the endpoint or wherever a region redirect points, goes through the egress policy.
      requestHandler: { connectionTimeout: 10_000, httpAgent: new EgressHttpAgent(egress), httpsAgent: new EgressHttpsAgent(egress) },
    },
  };
}

function parseEndpoint(serviceUrl: string): URL {
  // Users paste "s3.eu-west-1.amazonaws.com" as often as the full URL.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(serviceUrl) ? serviceUrl : `https://${serviceUrl}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.serviceUrl is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConnectorError('invalid_params', 'auth.params.serviceUrl must be an http(s) URL');
  }
  // S3 authenticates with the keys; a user:password pasted into the address would only leak as a Basic header.
  url.username = '';
  url.password = '';
  return url;
}

/** "https://s3.eu-west-1.amazonaws.com" signs for eu-west-1: AEP documents serviceUrl as the way to reach a regional bucket. */
function regionOfAwsEndpoint(url: URL): string | undefined {
  const match = /^s3[.-]([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname);
  return match && match[1] !== 'external-1' ? match[1] : undefined;
}
