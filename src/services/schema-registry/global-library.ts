/**
 * The `global` container: Adobe's standard XDM definitions, generated into this folder by
 * scripts/import-xdm.ts and read once per process. Read-only and shared by every org.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Resource } from './resource.js';

const BUNDLE = fileURLToPath(new URL('./global-library/xdm-global.json.gz', import.meta.url));

export interface GlobalLibrary {
  /** Every resource, in the bundle's order. */
  readonly resources: readonly Resource[];
  /** By `$id` or `meta:altId`. */
  get(idOrAltId: string): Resource | undefined;
}

let loaded: GlobalLibrary | undefined;

/** Loads the bundle on first use (about 3 MB of JSON); later calls return the same library. */
export function globalLibrary(): GlobalLibrary {
  if (loaded) return loaded;
  const bundle = JSON.parse(gunzipSync(readFileSync(BUNDLE)).toString('utf8')) as { resources: Resource[] };
  const index = new Map<string, Resource>();
  for (const resource of bundle.resources) {
    deepFreeze(resource);
    index.set(resource.$id, resource);
    index.set(resource['meta:altId'], resource);
  }
  loaded = { resources: bundle.resources, get: (key) => index.get(key) };
  return loaded;
}

/** Shared by all requests: freezing turns an accidental mutation into an error instead of a leak. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
