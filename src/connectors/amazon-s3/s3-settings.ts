import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { ConnectorError } from '../sdk.js';
import { optionalString, requiredString } from '../files/params.js';
import { pathSegments } from '../files/path.js';

/** What an S3 connection's auth params amount to. */
export interface S3Settings {
  client: S3ClientConfig;
  /** The one bucket the connection is confined to; absent: "/" lists the buckets. */
  bucketName?: string;
  /** Key prefix the connection is confined to inside `bucketName`: "" or "a/b/". */
  folderPrefix: string;
}

const DEFAULT_REGION = 'us-east-1';

export function parseS3Settings(params: Record<string, unknown>): S3Settings {
  const accessKeyId = requiredString(params, 's3AccessKey');
  const secretAccessKey = requiredString(params, 's3SecretKey');
  const sessionToken = optionalString(params, 's3SessionToken');
  const serviceUrl = optionalString(params, 'serviceUrl');
  const bucketName = optionalString(params, 'bucketName');
  const folderPath = optionalString(params, 'folderPath');

  if (bucketName !== undefined && bucketName.includes('/')) {
    throw new ConnectorError('invalid_params', 'auth.params.bucketName is a bucket name; put the folder in folderPath');
  }
  if (folderPath !== undefined && bucketName === undefined) {
    throw new ConnectorError('invalid_params', 'auth.params.folderPath needs auth.params.bucketName');
  }
  const folderSegments = folderPath === undefined ? [] : pathSegments(folderPath);
  const endpoint = serviceUrl === undefined ? undefined : parseEndpoint(serviceUrl);

  return {
    bucketName,
    folderPrefix: folderSegments.map((segment) => `${segment}/`).join(''),
    client: {
      region: optionalString(params, 'region') ?? (endpoint && regionOfAwsEndpoint(endpoint)) ?? DEFAULT_REGION,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      // Any S3-compatible storage (MinIO, s3rver, Ceph…) understands path-style; not all have
      // per-bucket DNS names. AWS itself still accepts path-style requests.
      ...(endpoint ? { endpoint: endpoint.href.replace(/\/$/, ''), forcePathStyle: true } : {}),
      followRegionRedirects: true,
      maxAttempts: 3,
      // Fail a connection attempt to a dead host quickly; no socket timeout, since a slow
      // consumer of a large object legitimately leaves the socket idle.
      requestHandler: { connectionTimeout: 10_000 },
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
  return url;
}

/** "https://s3.eu-west-1.amazonaws.com" signs for eu-west-1: AEP documents serviceUrl as the way to reach a regional bucket. */
function regionOfAwsEndpoint(url: URL): string | undefined {
  const match = /^s3[.-]([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname);
  return match && match[1] !== 'external-1' ? match[1] : undefined;
}
