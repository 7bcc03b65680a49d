export type { Lake, BatchLocation, BatchStaging, LakeFile } from './lake.js';
import type { Lake } from './lake.js';
import { LocalLake } from './local-lake.js';

/** The lake in a local folder (the default; an object-store lake implements the same interface). */
export function openLocalLake(root: string): Lake {
  return new LocalLake(root);
}

export { LocalLake };
