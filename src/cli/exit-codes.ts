/**
 * Exit codes of the `tributary` command, for scripts:
 * 0 success · 1 the operation failed (an API error, a failed run or batch) · 2 usage error (bad arguments,
 * a command that cannot run in this configuration) · 3 cannot reach the server or no credentials.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports in one line and turns into its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
    /** The server's error body, shown with --json. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}
