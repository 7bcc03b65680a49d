/** The worker side of the run's database templates, made once by global-setup.ts. */
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import './provided-context.js';

/** The run's PGlite template, or null outside vitest's global setup (the platform then runs initdb itself). */
function pgliteTemplateDir(): string | null {
  try {
    return inject('pgliteTemplateDir') ?? null;
  } catch {
    return null;
  }
}

/** The run's PostgreSQL template database, or null (a test database then starts empty and is migrated). */
export function postgresTemplateName(): string | null {
  try {
    return inject('postgresTemplateName') ?? null;
  } catch {
    return null;
  }
}

/** Puts a copy of the run's PGlite template where a platform in `home` opens its embedded database. */
export function seedPgliteHome(home: string): void {
  const template = pgliteTemplateDir();
  const target = join(home, 'db');
  if (!template || existsSync(target)) return;
  cpSync(template, target, { recursive: true });
}
