/**
 * What the lake refuses, in its own terms: the services that use it decide what each means to a client
 * (src/services/lake-errors.ts), so the lake knows nothing of services or status codes.
 */
export type LakeFailure =
  | 'bad_name' // an id, file name or byte range that cannot address anything in the lake
  | 'not_found' // no such committed file
  | 'already_committed' // a batch is committed once
  | 'staging_closed'; // a staging area already committed or discarded

export class LakeError extends Error {
  constructor(
    readonly failure: LakeFailure,
    message: string,
  ) {
    super(message);
  }
}
