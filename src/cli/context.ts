import type { Config } from '../config/config.js';

/** What the CLI gets from the composition root: the only place that reads the environment. */
export interface CliContext {
  /** Parses the configuration (`TRIBUTARY_*`, `DATABASE_URL`, …); throws ConfigError on bad values. */
  loadConfig(): Config;
  defaults: {
    /** `TRIBUTARY_HOME` or `./.tributary`. */
    home: string;
    /** `TRIBUTARY_URL`, else http://localhost:$PORT. */
    url: string;
    /** `TRIBUTARY_ADMIN_TOKEN`, if set. */
    adminToken: string | null;
  };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

/** Options every command that talks to a server accepts. */
export interface ClientOptions {
  home: string;
  url: string;
  json?: boolean;
  sandbox?: string;
  credentials?: string;
  adminToken?: string;
}
