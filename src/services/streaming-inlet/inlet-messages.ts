import type { NewRecord } from './inlet-log.js';

/** AEP's limit on one streamed message. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type ParsedMessage = { ok: true; record: Omit<NewRecord, 'xactionId'> } | { ok: false; status: 400 | 413; message: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One posted message: AEP's XDM envelope (`header.schemaRef`, `header.datasetId`, `body.xdmMeta`, `body.xdmEntity`),
 * whose `xdmEntity` is the record, or any other JSON object, which is the record itself (raw).
 */
export function parseMessage(message: unknown): ParsedMessage {
  const text = JSON.stringify(message);
  if (text !== undefined && Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
    return { ok: false, status: 413, message: `the message is ${Buffer.byteLength(text)} bytes; a message may be at most 1 MB` };
  }
  if (!isObject(message)) return { ok: false, status: 400, message: 'a message must be a JSON object' };
  if (!('header' in message && 'body' in message)) return { ok: true, record: { payload: text as string, header: null } };
  const { header, body } = message;
  if (!isObject(header) || !isObject(body)) return { ok: false, status: 400, message: 'an XDM message has a header object and a body object' };
  const schemaId = isObject(header.schemaRef) ? header.schemaRef.id : undefined;
  if (typeof schemaId !== 'string' || schemaId === '') return { ok: false, status: 400, message: 'header.schemaRef.id is required' };
  if (header.datasetId !== undefined && typeof header.datasetId !== 'string')
    return { ok: false, status: 400, message: 'header.datasetId must be a string' };
  if (!isObject(body.xdmEntity)) return { ok: false, status: 400, message: 'body.xdmEntity must be an object' };
  const metaSchema = isObject(body.xdmMeta) && isObject(body.xdmMeta.schemaRef) ? body.xdmMeta.schemaRef.id : undefined;
  if (metaSchema !== undefined && metaSchema !== schemaId) {
    return { ok: false, status: 400, message: 'body.xdmMeta.schemaRef.id must be the schema of header.schemaRef.id' };
  }
  return { ok: true, record: { payload: JSON.stringify(body.xdmEntity), header } };
}
