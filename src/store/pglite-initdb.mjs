// Creates an embedded PGlite database in the folder given as the first argument, then exits.
// Plain JavaScript, run as a child process by db.ts: PGlite's first initdb grows its WebAssembly
// memory to ~700 MB, which a process can never give back, so the server must not do it itself.
import { PGlite } from '@electric-sql/pglite';

const db = new PGlite(process.argv[2]);
await db.waitReady;
await db.close();
