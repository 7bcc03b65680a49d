import { createConnection, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real server (s3rver, sshd) that can drop connections mid-transfer,
 * as a flaky network or a restarting storage node does. Armed with `cutAfter(n)`, it destroys
 * the connection that carries the n-th byte sent by the server after arming — whatever protocol
 * runs over it, the client sees the connection reset part-way through an answer.
 */
export interface CuttingProxy {
  port: number;
  /** Drop the connection once `bytes` more server bytes have passed; `times`: re-arm that many times in all. */
  cutAfter(bytes: number, times?: number): void;
  /** Connections dropped so far. */
  cuts: number;
  disarm(): void;
  stop(): Promise<void>;
}

export async function startCuttingProxy(target: { host: string; port: number }): Promise<CuttingProxy> {
  const sockets = new Set<Socket>();
  let budget: number | undefined;
  let every = 0;
  let remaining = 0;

  const proxy: CuttingProxy = {
    port: 0,
    cuts: 0,
    cutAfter(bytes, times = 1) {
      budget = bytes;
      every = bytes;
      remaining = times;
    },
    disarm() {
      budget = undefined;
      remaining = 0;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = createServer((client) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.pipe(upstream);
    let dropped = false;
    upstream.on('data', (chunk: Buffer) => {
      if (dropped) return;
      if (budget !== undefined && remaining > 0 && chunk.length >= budget) {
        // Deliver what fits in the budget, then reset the connection mid-answer.
        dropped = true;
        client.write(chunk.subarray(0, budget), () => {
          client.resetAndDestroy();
          upstream.destroy();
        });
        proxy.cuts++;
        remaining--;
        budget = remaining > 0 ? every : undefined;
        return;
      }
      if (budget !== undefined && remaining > 0) budget -= chunk.length;
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  return proxy;
}
