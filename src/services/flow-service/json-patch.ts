import jsonpatch, { type Operation } from 'fast-json-patch';
import { invalid } from '../errors.js';

/**
 * Applies a JSON Patch to a copy of a document. The spec spells ops in upper case, the docs in
 * lower case: both are accepted. Only paths under one of `allowed` may change.
 */
export function patchDocument<T extends object>(doc: T, body: unknown, allowed: string[]): T {
  if (!Array.isArray(body) || body.length === 0) throw invalid('the body must be a non-empty JSON Patch array');
  const ops = body.map((raw, i) => {
    if (!raw || typeof raw !== 'object') throw invalid(`patch operation ${i} must be an object`);
    const op = { ...(raw as Record<string, unknown>) };
    op.op = String(op.op ?? '').toLowerCase();
    if (!['add', 'remove', 'replace'].includes(op.op as string)) throw invalid(`patch operation ${i}: op must be add, remove or replace`);
    if (typeof op.path !== 'string' || !op.path.startsWith('/')) throw invalid(`patch operation ${i}: path must be a JSON pointer`);
    if (!allowed.some((prefix) => op.path === prefix || (op.path as string).startsWith(`${prefix}/`))) {
      throw invalid(`patch operation ${i}: ${op.path} cannot be changed; allowed: ${allowed.join(', ')}`);
    }
    return op as unknown as Operation;
  });
  try {
    return jsonpatch.applyPatch(structuredClone(doc), ops, true, false).newDocument;
  } catch (error) {
    throw invalid(`the patch cannot be applied: ${(error as Error).message.split('\n')[0]}`);
  }
}
