/** Types of fresh-build.mjs (plain JavaScript so that bin/tributary.js can use it before any TypeScript loader). */
export function newestSource(paths: string[]): number;
export function isFresh(output: string, sources: string[]): boolean;
export function ensureFresh(task: { what: string; output: string; sources: string[]; build: (scratch: string) => Promise<void> }): Promise<void>;
