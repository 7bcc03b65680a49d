import type { FieldMapping } from '../contracts.js';
import { splitPath } from '../mapping/paths.js';
import type { ObjectField, XdmField } from './xdm-fields.js';

/**
 * The part of a schema a mapping set writes: every destination with its whole type (a leaf, an
 * array, a map, or an object with all its fields), the objects on the way to it holding only what
 * is written below them, and `identityMap` when a mapping is an identity. A batch's Parquet files
 * have this shape rather than the whole schema's, because the Parquet writer pays for every leaf
 * column on every row, empty or not (a profile schema has ~50 leaves where a mapping fills ~10).
 * Readers see the dataset's full schema all the same: Query Service projects each dataset onto it.
 */
export function writtenFields(root: ObjectField, mappings: readonly FieldMapping[]): ObjectField {
  const written: ObjectField = { kind: 'object', properties: new Map() };
  const add = (path: readonly string[]) => {
    let from: XdmField = root;
    let to: ObjectField = written;
    for (const [i, segment] of path.entries()) {
      if (from.kind !== 'object') return;
      const field = from.properties.get(segment);
      if (!field) return;
      const last = i === path.length - 1;
      if (last || field.kind !== 'object' || field.properties.size === 0) {
        // The whole field: a destination, or where the path leaves the objects the schema spells out.
        to.properties.set(segment, field);
        return;
      }
      let next = to.properties.get(segment);
      if (next === field) return; // already written whole
      if (!next) to.properties.set(segment, (next = { kind: 'object', properties: new Map() }));
      from = field;
      to = next as ObjectField;
    }
  };
  for (const mapping of mappings) add(splitPath(mapping.destination));
  if (mappings.some((m) => m.identity)) add(['identityMap']);
  // Keep the schema's field order, so files of different mappings list shared fields alike.
  return ordered(written, root);
}

function ordered(written: ObjectField, schema: ObjectField): ObjectField {
  const properties = new Map<string, XdmField>();
  for (const [name, field] of schema.properties) {
    const kept = written.properties.get(name);
    if (!kept) continue;
    properties.set(name, kept !== field && kept.kind === 'object' && field.kind === 'object' ? ordered(kept, field) : kept);
  }
  return { kind: 'object', properties };
}
