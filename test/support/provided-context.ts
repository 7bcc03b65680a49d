/**
 * Initialised databases made once per test run by the global setup, so that a test platform copies
 * (PGlite) or clones (PostgreSQL) a migrated database instead of running initdb, every migration and
 * pg-boss's install again. The product's own start still migrates: on a copy that is a no-op.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    /** A PGlite data directory, initialised, migrated, with the job queue installed, and closed cleanly. */
    pgliteTemplateDir: string | null;
    /** A PostgreSQL database in the same state, no one connected to it; null when the server is unreachable. */
    postgresTemplateName: string | null;
  }
}

export {};
