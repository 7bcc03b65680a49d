import { mkdirSync } from 'node:fs';

/** Runs once before all test files. */
export default function setup(): void {
  mkdirSync('test-output', { recursive: true });
}
