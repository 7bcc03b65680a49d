import type { FieldMapping } from '../contracts.js';
import { RowCode } from '../errors.js';
import { coerce, CoercionError } from '../schema/coerce.js';
import { fieldAt, type ObjectField, type XdmField } from '../schema/xdm-fields.js';
import { MappingError } from './expression/ast.js';
import { compileExpression, type Evaluator } from './expression/evaluate.js';
import { readSource, splitPath, writePath } from './paths.js';

/** Why one row could not be mapped. */
export interface MappingIssue {
  code: string;
  message: string;
  field?: string;
}

export type MapResult = { row: Record<string, unknown>; issues: null } | { row: null; issues: MappingIssue[] };

/** Turns one source record into one XDM row, typed for the target schema. */
export type Mapper = (record: Record<string, unknown>) => MapResult;

interface CompiledMapping {
  destination: string;
  segments: string[];
  field: XdmField | undefined;
  read: Evaluator;
  identity?: { namespaceCode: string; primary: boolean };
}

/**
 * Compiles mappings once per ingest. With no mappings, records are taken as XDM already
 * (JSON/Parquet sources) and only coerced to the schema's types.
 */
export function compileMapper(mappings: FieldMapping[] | null, root: ObjectField): Mapper {
  if (mappings === null) return asIs(root);
  const compiled = mappings.map((m) => compileOne(m, root));
  const identityField = root.properties.get('identityMap');
  return (record) => {
    const row: Record<string, unknown> = {};
    let issues: MappingIssue[] | null = null;
    for (const mapping of compiled) {
      try {
        if (!mapping.field) throw new MappingError(RowCode.unknownDestination, `"${mapping.destination}" is not a field of the target schema`);
        const value = coerce(mapping.read(record), mapping.field, mapping.destination);
        if (value === undefined) continue;
        writePath(row, mapping.segments, value);
        if (mapping.identity && identityField) addIdentity(row, mapping.identity, value);
      } catch (error) {
        (issues ??= []).push(toIssue(error, mapping.destination));
      }
    }
    return issues ? { row: null, issues } : { row, issues: null };
  };
}

function compileOne(mapping: FieldMapping, root: ObjectField): CompiledMapping {
  const segments = splitPath(mapping.destination);
  let read: Evaluator;
  switch (mapping.sourceType) {
    case 'STATIC': {
      const value = mapping.source;
      read = () => value;
      break;
    }
    case 'EXPRESSION':
      read = compileExpression(mapping.source);
      break;
    case 'ATTRIBUTE': {
      const name = mapping.source;
      const sourceSegments = splitPath(name);
      read = (record) => readSource(record, name, sourceSegments);
      break;
    }
  }
  return {
    destination: mapping.destination,
    segments,
    field: fieldAt(root, segments),
    read,
    ...(mapping.identity ? { identity: { namespaceCode: mapping.identity.namespaceCode, primary: mapping.identity.primary ?? false } } : {}),
  };
}

/** identityMap[namespace] = [{id, primary}], as XDM's Profile and ExperienceEvent classes expect. */
function addIdentity(row: Record<string, unknown>, identity: { namespaceCode: string; primary: boolean }, value: unknown): void {
  const map = (row.identityMap ??= {}) as Record<string, Array<{ id: string; primary: boolean }>>;
  (map[identity.namespaceCode] ??= []).push({ id: String(value), primary: identity.primary });
}

function asIs(root: ObjectField): Mapper {
  return (record) => {
    try {
      return { row: coerce(record, root, '') as Record<string, unknown>, issues: null };
    } catch (error) {
      return { row: null, issues: [toIssue(error, undefined)] };
    }
  };
}

function toIssue(error: unknown, destination: string | undefined): MappingIssue {
  if (error instanceof CoercionError) return { code: RowCode.typeMismatch, message: error.message, field: error.path };
  if (error instanceof MappingError) return { code: error.code, message: error.message, ...(destination ? { field: destination } : {}) };
  // A function that throws on its input fails the row, not the run.
  return {
    code: RowCode.badExpression,
    message: `mapping to "${destination}" failed: ${(error as Error).message}`,
    ...(destination ? { field: destination } : {}),
  };
}
