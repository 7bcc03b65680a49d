import { splitPath } from '../mapping/paths.js';
import { fieldAt, rootField } from './xdm-fields.js';

/** Whether a dotted XDM path (as a mapping's destination) names a field of a resolved schema. */
export function schemaHasPath(schema: Record<string, unknown>, path: string): boolean {
  return fieldAt(rootField(schema), splitPath(path)) !== undefined;
}
