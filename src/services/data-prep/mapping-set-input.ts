import { invalid } from '../errors.js';
import type { MappingSetInput, StoredMapping } from './types.js';

const XED_FULL = 'application/vnd.adobe.xed-full+json;version=1';

/** Source types of the current API, and the media types the older one used for the same thing. */
const SOURCE_TYPES: Record<string, StoredMapping['sourceType']> = {
  ATTRIBUTE: 'ATTRIBUTE',
  EXPRESSION: 'EXPRESSION',
  STATIC: 'STATIC',
  'TEXT/X.SCHEMA-PATH': 'ATTRIBUTE',
  'TEXT/X.AEP-XL': 'EXPRESSION',
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`"${name}" must be a string`);
  return value;
}

/** The seed sends booleans and numbers as strings in places; accept "true"/"false" too. */
function flag(value: unknown, name: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw invalid(`"${name}" must be a boolean`);
}

/**
 * Checks a POST/PUT body and brings both mapping forms to one: the tutorial's
 * (`sourceAttribute`, `destinationXdmPath`, `identity`, `namespaceCode`) and the current one
 * (`sourceType`, `source`, `destination`). The target schema may come as `xdmSchema` or as
 * `outputSchema.schemaRef.id`.
 */
export function parseMappingSetInput(body: unknown): MappingSetInput {
  if (!isObject(body)) throw invalid('the request body must be a JSON object describing the mapping set');
  const outputRef = isObject(body.outputSchema) && isObject(body.outputSchema.schemaRef) ? body.outputSchema.schemaRef : undefined;
  const xdmSchema = optionalText(body.xdmSchema, 'xdmSchema') ?? optionalText(outputRef?.id, 'outputSchema.schemaRef.id');
  if (!xdmSchema || xdmSchema.trim() === '')
    throw invalid('"xdmSchema" (or "outputSchema.schemaRef.id") is required: the $id of the target XDM schema');
  const xdmVersion = body.xdmVersion === undefined || body.xdmVersion === null ? '1.0' : String(body.xdmVersion);
  if (!Array.isArray(body.mappings) || body.mappings.length === 0) throw invalid('"mappings" must be a non-empty array');
  const mappings = body.mappings.map((m, i) => parseMapping(m, i));
  const seen = new Set<string>();
  for (const m of mappings) {
    if (seen.has(m.destination)) throw invalid(`destination "${m.destination}" is mapped more than once`);
    seen.add(m.destination);
  }
  if (body.inputSchema !== undefined && body.inputSchema !== null && !isObject(body.inputSchema)) throw invalid('"inputSchema" must be an object');
  const name = optionalText(body.name, 'name');
  const description = optionalText(body.description, 'description');
  return {
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    xdmSchema,
    xdmVersion,
    outputSchema: {
      schemaRef: { id: xdmSchema, contentType: optionalText(outputRef?.contentType, 'outputSchema.schemaRef.contentType') ?? XED_FULL },
    },
    ...(isObject(body.inputSchema) ? { inputSchema: body.inputSchema } : {}),
    allowNullValues: flag(body.allowNullValues, 'allowNullValues'),
    strictMapping: flag(body.strictMapping, 'strictMapping'),
    mappings,
  };
}

function parseMapping(value: unknown, index: number): Omit<StoredMapping, 'id'> {
  const at = `mappings[${index}]`;
  if (!isObject(value)) throw invalid(`${at} must be an object`);
  const destination = optionalText(value.destination, `${at}.destination`) ?? optionalText(value.destinationXdmPath, `${at}.destinationXdmPath`);
  if (!destination || destination.trim() === '') throw invalid(`${at} needs a "destination" (or "destinationXdmPath"): the XDM path to fill`);

  const rawType = value.sourceType === undefined || value.sourceType === null ? 'ATTRIBUTE' : value.sourceType;
  const sourceType = typeof rawType === 'string' ? SOURCE_TYPES[rawType.toUpperCase()] : undefined;
  if (!sourceType) throw invalid(`${at}.sourceType must be ATTRIBUTE, EXPRESSION or STATIC, got ${JSON.stringify(rawType)}`);

  let source = value.source ?? value.sourceAttribute;
  // A static value may be given as a JSON number or boolean; it is kept as text and typed at ingestion.
  if (sourceType === 'STATIC' && (typeof source === 'number' || typeof source === 'boolean')) source = String(source);
  if (typeof source !== 'string') throw invalid(`${at} needs a "source" (or "sourceAttribute") string`);
  if (sourceType !== 'STATIC' && source.trim() === '') throw invalid(`${at}.source must not be empty for ${sourceType} mappings`);

  const identity = flag(value.identity, `${at}.identity`);
  const namespaceCode = optionalText(value.namespaceCode, `${at}.namespaceCode`) ?? null;
  if (identity && !namespaceCode) throw invalid(`${at} is an identity mapping and needs a "namespaceCode"`);
  const name = optionalText(value.name, `${at}.name`);
  const description = optionalText(value.description, `${at}.description`);
  return {
    sourceType,
    source,
    destination,
    identity,
    primaryIdentity: identity && flag(value.primaryIdentity ?? value.primary, `${at}.primaryIdentity`),
    namespaceCode,
    identityGroup: optionalText(value.identityGroup, `${at}.identityGroup`) ?? null,
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}
