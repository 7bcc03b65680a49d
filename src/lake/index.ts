// Placeholder until the local lake lands.
export type { Lake, BatchLocation, BatchStaging, LakeFile } from './lake.js';
import type { Lake } from './lake.js';

export function openLocalLake(_root: string): Lake {
  return {} as Lake;
}
