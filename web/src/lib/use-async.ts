import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Runs a load when its deps change; an answer that arrives after newer deps is dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T | undefined; error?: Error | undefined; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const current = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names what the load depends on.
  useEffect(() => {
    const id = ++current.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => id === current.current && setState({ data, loading: false }),
      (error: unknown) => id === current.current && setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload } as AsyncState<T>;
}
