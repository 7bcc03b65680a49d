#!/usr/bin/env node
// The CLI entry (`npx tributary …`, and `npm start`, whose prestart builds dist/ first). It runs the compiled
// JavaScript in dist/ when that build is current, and otherwise the TypeScript sources through tsx's loader, in
// this very process either way, so signals (SIGTERM for a graceful stop) reach the server directly. A checkout
// edited since its last build thus never runs stale code.
import { join } from 'node:path';
import { isFresh } from '../scripts/fresh-build.mjs';
import { SERVER_BUILD } from '../scripts/server-build.mjs';

if (isFresh(SERVER_BUILD.output, SERVER_BUILD.sources)) {
  await import(join(SERVER_BUILD.output, 'main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
