import { inferColumns } from '../../../src/pipeline/infer-columns.js';
import type { FilePreview } from '../api/flow-service.api.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The record a streaming flow maps, by the server's rule: AEP's XDM envelope `{header, body: {xdmMeta, xdmEntity}}`
 * is unwrapped to its entity; any other object is the record itself.
 */
export function entityOf(record: Record<string, unknown>): Record<string, unknown> {
  const body = record.body;
  return isObject(body) && isObject(body.xdmEntity) ? body.xdmEntity : record;
}

/** A preview of records as a flow of this data type maps them: for `xdm`, the entities of the envelopes. */
export function recordsPreview(preview: FilePreview, dataType: 'raw' | 'xdm'): FilePreview {
  if (dataType === 'raw') return preview;
  const data = preview.data.map(entityOf);
  return { ...preview, data, schema: { columns: inferColumns(data) } };
}

/**
 * Sample records typed by hand: one JSON object, an array of them, or JSON lines. Envelopes become their
 * entities, as the inlet stores them. Throws with a reason a person can act on.
 */
export function parseSample(text: string): Array<Record<string, unknown>> {
  const trimmed = text.trim();
  if (!trimmed) return [];
  let values: unknown[];
  try {
    const whole: unknown = JSON.parse(trimmed);
    values = Array.isArray(whole) ? whole : [whole];
  } catch {
    values = trimmed.split(/\r?\n/).flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        throw new Error(`line ${i + 1} is not JSON`);
      }
    });
  }
  return values.map((value, i) => {
    if (!isObject(value)) throw new Error(`record ${i + 1} is not a JSON object`);
    return entityOf(value);
  });
}
