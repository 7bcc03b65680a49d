/** What a truthy answer can be: `x === y && value` waits for `value`. */
type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Polls `probe` until it answers something truthy and returns that answer: a test waits for the condition it
 * needs, never a fixed time that is too short on a loaded machine and too long on an idle one.
 * Throws with `what` (and the last answer) once `timeoutMs` has passed.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<Truthy<T>> {
  const { timeoutMs = 30_000, intervalMs = 50, what = 'the condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer) return answer as Truthy<T>;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last answer: ${String(answer)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
