#!/usr/bin/env node
// The CLI entry (`npx tributary …`; `npm start` runs the same main module). TypeScript is loaded in this
// very process through tsx's loader, so signals (SIGTERM for a graceful stop) reach the server directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
