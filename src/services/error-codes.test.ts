import { describe, expect, it } from 'vitest';
import { FILE_CODES, fileFailureKind } from '../pipeline/errors.js';
import { allCodes, CODES, recorded, serviceError } from './error-codes.js';

describe('error code registry', () => {
  it('gives every failure a code of its own', () => {
    const codes = allCodes();
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('builds service errors that keep their kind and cause, and refuses codes that are only recorded', () => {
    const cause = new Error('underneath');
    const error = serviceError('runNotFound', 'Run x not found', { cause });
    expect(error).toMatchObject({ kind: 'not_found', code: CODES.runNotFound.code, message: 'Run x not found' });
    expect(error.cause).toBe(cause);
    expect(() => serviceError('runAbandoned', 'x')).toThrow(/recorded/);
    expect(recorded('noFileReadable', 'no file')).toEqual({ code: 'FLOW-RUN-2002', message: 'no file' });
  });

  it('tells content failures from transient ones', () => {
    expect(fileFailureKind(FILE_CODES.unparsable.code)).toBe('content');
    expect(fileFailureKind(FILE_CODES.decompressionBomb.code)).toBe('content');
    expect(fileFailureKind(FILE_CODES.storageUnreachable.code)).toBe('transient');
    expect(fileFailureKind(FILE_CODES.permissionDenied.code)).toBe('transient');
    expect(fileFailureKind('NOT-A-CODE')).toBe('transient');
  });
});
