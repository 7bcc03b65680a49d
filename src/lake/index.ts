export type { Lake, BatchLocation, BatchStaging, LakeFile, LocalFiles, TableFileRef, TableStaging } from './lake.js';
import type { Lake } from './lake.js';
import { LocalLake } from './local-lake.js';
import { S3Lake, type S3LakeOptions } from './s3-lake.js';

/** The lake in a local folder (the default; an object-store lake implements the same interface). */
export function openLocalLake(root: string): Lake {
  return new LocalLake(root);
}

/** Which lake a process uses: a local folder, or an S3-compatible bucket with a local folder for staging and caching. */
export type LakeSettings = { kind: 'local'; dir: string } | ({ kind: 's3' } & S3LakeOptions);

export function openLake(settings: LakeSettings, events: Pick<S3LakeOptions, 'warn'> = {}): Lake {
  return settings.kind === 's3' ? new S3Lake({ ...settings, ...events }) : new LocalLake(settings.dir);
}

export { LocalLake, S3Lake, type S3LakeOptions };
