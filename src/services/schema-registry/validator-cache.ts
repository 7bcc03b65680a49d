/**
 * Compiled target schemas, kept per org, sandbox and schema id, and valid for one revision of the
 * sandbox's tenant container: any write there (by any process) makes the entries stale.
 */
import type { TargetSchema } from '../../pipeline/contracts.js';

const MAX_ENTRIES = 256;

export class ValidatorCache {
  private readonly entries = new Map<string, { revision: number; target: TargetSchema }>();

  get(key: string, revision: number): TargetSchema | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.revision !== revision) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.target;
  }

  set(key: string, revision: number, target: TargetSchema): void {
    this.entries.delete(key);
    this.entries.set(key, { revision, target });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}
