import { randomBytes } from 'node:crypto';

/**
 * Catalog dataset ids look like AEP's (24 hex digits, MongoDB ObjectId style): 4 bytes of seconds then
 * 8 random bytes, so ids sort roughly by creation and never collide in practice.
 */
export function newDatasetId(now = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return seconds + randomBytes(8).toString('hex');
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Batch ids are 26-character ULIDs in upper case, as AEP's batch ids: 48 bits of milliseconds, 80 random bits. */
export function newBatchId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[bytes[i]! % 32];
  return time + random;
}

export const DATASET_ID = /^[0-9a-f]{24}$/;
export const BATCH_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
