/**
 * Kinesis answers "slow down" (ProvisionedThroughputExceededException, LimitExceededException) under load; kinesalite
 * never does, so a small HTTP server speaking Kinesis's JSON protocol throttles the first calls here, and the
 * connector's stream must back off and go on, through the real SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { kinesis } from '../../src/connectors/index.js';

describe('Kinesis throttling', () => {
  let server: Server;
  let endpoint: string;
  const seen: string[] = [];
  let throttleLeft = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        seen.push(target);
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        if (throttleLeft > 0) {
          throttleLeft--;
          const type = throttleLeft % 2 === 0 ? 'ProvisionedThroughputExceededException' : 'LimitExceededException';
          response.statusCode = 400;
          response.setHeader('x-amzn-errortype', type);
          response.end(JSON.stringify({ __type: type, message: 'Rate exceeded' }));
          return;
        }
        response.end(JSON.stringify({ StreamNames: ['orders'], HasMoreStreams: false }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('backs off throttled calls and answers once Kinesis does', async () => {
    const stream = kinesis.open!({ accessKeyId: 'a', secretKey: 'b', region: 'us-east-1', endpoint });
    try {
      throttleLeft = 3;
      seen.length = 0;
      const started = Date.now();
      expect(await stream.listStreams()).toEqual(['orders']);
      expect(seen).toEqual(Array(4).fill('Kinesis_20131202.ListStreams'));
      // 200 + 400 + 800 ms of backoff at least.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    } finally {
      await stream.close();
    }
  });

  it('refuses an endpoint that is not http(s) when the connection is stored', () => {
    expect(() => kinesis.validateParams!({ accessKeyId: 'a', secretKey: 'b', region: 'r', endpoint: 'ftp://x' })).toThrow(/http/);
  });
});
