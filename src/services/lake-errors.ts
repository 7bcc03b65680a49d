import { LakeError, type LakeFailure } from '../lake/errors.js';
import type { BatchStaging, Lake, TableStaging } from '../lake/index.js';
import { ServiceError, type FailureKind } from './errors.js';

/** What each refusal of the lake means to a client of the services. */
const KIND: Record<LakeFailure, FailureKind> = {
  bad_name: 'invalid',
  not_found: 'not_found',
  already_committed: 'conflict',
  staging_closed: 'conflict',
};

async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof LakeError) throw new ServiceError(KIND[error.failure], error.message);
    throw error;
  }
}

/** Whether a failure says a file is not there, in the lake's terms or as the service lake translated it. */
export function isMissingFile(error: unknown): boolean {
  if (error instanceof LakeError) return error.failure === 'not_found';
  return error instanceof ServiceError && error.kind === 'not_found';
}

function stagingFor<S extends BatchStaging | TableStaging>(staging: S): S {
  return {
    dir: staging.dir,
    commit: () => translated(() => staging.commit()),
    discard: () => translated(() => staging.discard()),
  } as S;
}

/** The lake as services use it: the same operations, with the lake's refusals turned into service failures. */
export function serviceLake(lake: Lake): Lake {
  return {
    stage: (location) => translated(async () => stagingFor(await lake.stage(location))),
    uploadArea: (location) => translated(() => lake.uploadArea(location)),
    listFiles: (location) => translated(() => lake.listFiles(location)),
    readFile: (location, name, range) => translated(() => lake.readFile(location, name, range)),
    datasetFiles: (location, batchIds) => translated(() => lake.datasetFiles(location, batchIds)),
    tableFiles: (location, files) => translated(() => lake.tableFiles(location, files)),
    stageTableFiles: (location) => translated(async () => stagingFor(await lake.stageTableFiles(location))),
    removeTableFiles: (location, paths) => translated(() => lake.removeTableFiles(location, paths)),
    removeBatch: (location) => translated(() => lake.removeBatch(location)),
    abandonStaging: (batchId) => translated(() => lake.abandonStaging(batchId)),
    abandonTableStaging: (olderThanMs) => translated(() => lake.abandonTableStaging(olderThanMs)),
    removeDataset: (location) => translated(() => lake.removeDataset(location)),
    table: (location) => {
      const table = lake.table(location);
      return {
        ...table,
        files: {
          write: (relative, bytes) => translated(() => table.files.write(relative, bytes)),
          read: (uri) => translated(() => table.files.read(uri)),
          list: () => translated(() => table.files.list()),
          delete: (uri) => translated(() => table.files.delete(uri)),
        },
      };
    },
  };
}
