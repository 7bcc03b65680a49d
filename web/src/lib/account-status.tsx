import { useEffect, useState } from 'react';
import type { Api } from '../api/client.js';
import { flowService, type Connection } from '../api/flow-service.api.js';
import { Status } from '../components/ui.js';

/** What the last connection test of an account said. The API keeps no test status, so the UI asks. */
export type TestResult = { state: 'ok' } | { state: 'failed'; message: string };
export type AccountTest = { state: 'testing' } | TestResult;

// One test per version of an account (its etag changes when its settings do), shared by every page.
const results = new Map<string, AccountTest>();
const key = (c: Pick<Connection, 'id' | 'etag'>) => `${c.id}:${c.etag ?? ''}`;

/** Tests an account now and remembers the answer. */
export async function testAccount(api: Api, connection: Pick<Connection, 'id' | 'etag'>): Promise<TestResult> {
  let result: TestResult;
  try {
    await flowService(api).testConnection(connection.id);
    result = { state: 'ok' };
  } catch (error) {
    result = { state: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  results.set(key(connection), result);
  return result;
}

/** Records a test made elsewhere (the authenticate step tests as it saves). */
export function rememberTest(connection: Pick<Connection, 'id' | 'etag'>, result: AccountTest): void {
  results.set(key(connection), result);
}

/** The test status of each account, testing the ones not tested yet (a few at a time). */
export function useAccountTests(api: Api, connections: Connection[] | undefined): Record<string, AccountTest> {
  const [, setTick] = useState(0);
  const list = connections ?? [];
  const signature = list.map(key).join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: the accounts' ids and etags are what a test depends on.
  useEffect(() => {
    let live = true;
    const todo = list.filter((c) => !results.has(key(c)));
    for (const c of todo) results.set(key(c), { state: 'testing' });
    if (todo.length) setTick((t) => t + 1);
    const worker = async () => {
      for (let c = todo.shift(); c; c = todo.shift()) {
        await testAccount(api, c);
        if (live) setTick((t) => t + 1);
      }
    };
    void Promise.all([worker(), worker(), worker()]);
    return () => {
      live = false;
    };
  }, [api, signature]);
  return Object.fromEntries(list.map((c) => [c.id, results.get(key(c)) ?? { state: 'testing' }]));
}

/** An account's status as a badge; a failed test says why on hover and to screen readers. */
export function AccountStatus({ test }: { test: AccountTest | undefined }) {
  if (!test || test.state === 'testing') return <Status value="testing…" />;
  if (test.state === 'ok') return <Status value="connected" />;
  return (
    <span className="account-failed">
      <Status value="test failed" /> <span className="muted small">{test.message}</span>
    </span>
  );
}
