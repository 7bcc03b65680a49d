import { randomBytes } from 'node:crypto';
import type { FieldMapping, TargetSchema } from '../../pipeline/contracts.js';
import { previewMapping, type MappingPreview } from '../../pipeline/index.js';
import { validateExpression } from './language.js';
import type { Db } from '../../store/db.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import { parseMappingSetInput } from './mapping-set-input.js';
import { MappingSetsRepo, type ListOrder } from './mapping-sets.repo.js';
import type { MappingSetInput, MappingSetRecord, StoredMapping } from './types.js';

/**
 * Looks up the resolved (xed-full) JSON Schema of a target schema, so mapping destinations can be
 * checked against it. Optional: without one, destinations are checked when rows are mapped.
 */
export type SchemaLookup = (scope: Scope, schemaId: string) => Promise<Record<string, unknown> | null>;

export interface DataPrepOptions {
  schemaLookup?: SchemaLookup;
  /** Tells whether a dotted path names a field of a resolved schema. */
  hasPath?: (schema: Record<string, unknown>, path: string) => boolean;
  /** The compiled target (resolved schema and its validator) previews map and validate against. */
  targetLookup?: (scope: Scope, schemaId: string) => Promise<TargetSchema | null>;
  /** Tells whether an identity namespace code exists for the scope (standard or the org's own). */
  namespaceExists?: (scope: Scope, code: string) => Promise<boolean>;
}

/** One mapping's verdict in `POST /mappingSets/validate`. */
export interface MappingVerdict {
  status: 'SUCCESS' | 'FAILED';
  errors: Array<{ destination: string; source: string; sourceType: string; exception: string }> | null;
}

export interface MappingSetList {
  records: MappingSetRecord[];
  total: number;
  start: number;
  limit: number;
}

const newId = () => randomBytes(16).toString('hex');
const MAX_LIMIT = 100;

/** Data Prep: versioned mapping sets (source field or expression → XDM path) per org and sandbox. */
export class DataPrepService {
  private readonly repo = new MappingSetsRepo();

  constructor(
    readonly db: Db,
    private readonly options: DataPrepOptions = {},
  ) {}

  async createMappingSet(scope: Scope, body: unknown): Promise<MappingSetRecord> {
    const input = parseMappingSetInput(body);
    await this.checkDestinations(scope, input);
    const now = Date.now();
    const record = this.build(scope, newId(), 0, input, now, now, actor(scope));
    await this.repo.insert(this.db, scope, record);
    return record;
  }

  /** PUT: a new version; earlier versions stay readable with `?version=`. */
  async updateMappingSet(scope: Scope, id: string, body: unknown): Promise<MappingSetRecord> {
    const input = parseMappingSetInput(body);
    await this.checkDestinations(scope, input);
    return this.db.transaction(async (tx) => {
      const latest = await this.repo.get(tx, scope, id);
      if (!latest) throw notFound(`mapping set ${id} does not exist in this sandbox`);
      const record = this.build(scope, id, latest.version + 1, input, latest.createdDate, Date.now(), latest.createdBy);
      try {
        await this.repo.insert(tx, scope, record);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw conflict(`mapping set ${id} was updated concurrently; retry`);
        throw error;
      }
      return record;
    });
  }

  async getMappingSet(scope: Scope, id: string, version?: number): Promise<MappingSetRecord> {
    if (version !== undefined && (!Number.isInteger(version) || version < 0)) throw invalid('"version" must be a non-negative integer');
    const record = await this.repo.get(this.db, scope, id, version);
    if (!record) throw notFound(`mapping set ${id}${version !== undefined ? ` version ${version}` : ''} does not exist in this sandbox`);
    return record;
  }

  /** `orderBy`: `+createdDate`, `-createdDate`, `+updatedDate`, `-updatedDate` (default: newest change first). */
  async listMappingSets(scope: Scope, query: { start?: number; limit?: number; name?: string; orderBy?: string }): Promise<MappingSetList> {
    const start = query.start ?? 0;
    const limit = query.limit ?? 10;
    if (!Number.isInteger(start) || start < 0) throw invalid('"start" must be a non-negative integer');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid(`"limit" must be an integer from 1 to ${MAX_LIMIT}`);
    const { order, descending } = parseOrder(query.orderBy);
    const { records, total } = await this.repo.list(this.db, scope, { start, limit, order, descending, ...(query.name ? { name: query.name } : {}) });
    return { records, total, start, limit };
  }

  /** The resolved (xed-full) target schema of a mapping set, for `?expandSchema=true`. */
  async expandedSchema(scope: Scope, record: MappingSetRecord): Promise<Record<string, unknown> | null> {
    return (await this.options.schemaLookup?.(scope, record.doc.xdmSchema)) ?? null;
  }

  /**
   * Checks a mapping set without saving it: each mapping's expression (syntax, functions, argument
   * counts) and destination (a field of the target schema). One verdict per mapping, in order.
   */
  async validateMappingSet(scope: Scope, body: unknown): Promise<MappingVerdict[]> {
    const input = parseMappingSetInput(body);
    const schema = await this.options.schemaLookup?.(scope, input.xdmSchema);
    if (this.options.schemaLookup && !schema) throw invalid(`target schema ${input.xdmSchema} does not exist in this sandbox`);
    return input.mappings.map((m) => {
      const problems: string[] = [];
      if (m.sourceType === 'EXPRESSION') {
        const check = validateExpression(m.source);
        if (!check.valid) problems.push(check.message);
      }
      if (schema && this.options.hasPath && !this.options.hasPath(schema, m.destination))
        problems.push(`"${m.destination}" is not a field of ${input.xdmSchema}`);
      return problems.length
        ? {
            status: 'FAILED',
            errors: problems.map((exception) => ({ destination: m.destination, source: m.source, sourceType: m.sourceType, exception })),
          }
        : { status: 'SUCCESS', errors: null };
    });
  }

  /** Sample records through a mapping set (given inline, or saved: `{mappingSetId, version}`), as a run would map them. */
  async previewMappingSet(scope: Scope, body: unknown): Promise<MappingPreview & { mappings: FieldMapping[] }> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalid('the request body must be an object with "data" and "mappingSet"');
    const request = body as { data?: unknown; mappingSet?: unknown; mappingSetId?: unknown; version?: unknown };
    const data = Array.isArray(request.data) ? request.data : request.data !== undefined && request.data !== null ? [request.data] : [];
    if (data.length === 0 || !data.every((d) => typeof d === 'object' && d !== null && !Array.isArray(d)))
      throw invalid('"data" must be a sample record (an object) or an array of them');
    if (data.length > 1000) throw invalid('"data" may hold at most 1000 records');
    let xdmSchema: string;
    let mappings: FieldMapping[];
    if (typeof request.mappingSetId === 'string') {
      const saved = await this.getMappings(scope, request.mappingSetId, request.version === undefined ? undefined : Number(request.version));
      ({ xdmSchema, mappings } = saved);
    } else {
      const input = parseMappingSetInput(request.mappingSet);
      xdmSchema = input.xdmSchema;
      mappings = input.mappings.map((m) => toFieldMapping({ id: '', ...m }));
    }
    const target = await this.options.targetLookup?.(scope, xdmSchema);
    if (!target) throw invalid(`target schema ${xdmSchema} does not exist in this sandbox`);
    return { ...(await previewMapping(mappings, target, data as Array<Record<string, unknown>>)), mappings };
  }

  /** The mappings a run applies, in the pipeline's normalised form. */
  async getMappings(
    scope: Scope,
    id: string,
    version?: number,
  ): Promise<{ id: string; version: number; xdmSchema: string; mappings: FieldMapping[] }> {
    const record = await this.getMappingSet(scope, id, version);
    return { id: record.id, version: record.version, xdmSchema: record.doc.xdmSchema, mappings: record.doc.mappings.map(toFieldMapping) };
  }

  private build(
    scope: Scope,
    id: string,
    version: number,
    input: MappingSetInput,
    createdDate: number,
    modifiedDate: number,
    createdBy: string,
  ): MappingSetRecord {
    return {
      id,
      version,
      doc: { ...input, mappings: input.mappings.map((m) => ({ id: newId(), ...m })) },
      createdBy,
      modifiedBy: actor(scope),
      createdDate,
      modifiedDate,
    };
  }

  private async checkDestinations(scope: Scope, input: MappingSetInput): Promise<void> {
    const { namespaceExists } = this.options;
    if (namespaceExists) {
      // An identity mapping fills identityMap under its namespace code: the namespace must exist.
      const codes = [...new Set(input.mappings.filter((m) => m.identity && m.namespaceCode).map((m) => m.namespaceCode!))];
      const missing = [];
      for (const code of codes) if (!(await namespaceExists(scope, code))) missing.push(code);
      if (missing.length) throw invalid(`these identity namespaces do not exist: ${missing.join(', ')}`, undefined, missing);
    }
    const { schemaLookup, hasPath } = this.options;
    if (!schemaLookup || !hasPath) return;
    const schema = await schemaLookup(scope, input.xdmSchema);
    if (!schema) throw invalid(`target schema ${input.xdmSchema} does not exist in this sandbox`);
    const unknown = input.mappings.filter((m) => !hasPath(schema, m.destination)).map((m) => m.destination);
    if (unknown.length) throw invalid(`these destinations are not fields of ${input.xdmSchema}: ${unknown.join(', ')}`, undefined, unknown);
  }
}

/** Who made a change, in the form AEP shows it. */
function actor(scope: Scope): string {
  return `${scope.clientId}@AdobeID`;
}

function parseOrder(orderBy: string | undefined): { order: ListOrder; descending: boolean } {
  if (orderBy === undefined || orderBy === '' || orderBy === 'lastUpdateDate') return { order: 'modifiedDate', descending: true };
  // A "+" in a query string arrives as a space when the client did not encode it.
  const match = /^([+ -]?)(createdDate|updatedDate|modifiedDate)$/.exec(orderBy);
  if (!match) throw invalid('"orderBy" must be +createdDate, -createdDate, +updatedDate or -updatedDate');
  return { order: match[2] === 'createdDate' ? 'createdDate' : 'modifiedDate', descending: match[1] === '-' };
}

function toFieldMapping(m: StoredMapping): FieldMapping {
  return {
    sourceType: m.sourceType,
    source: m.source,
    destination: m.destination,
    ...(m.identity && m.namespaceCode ? { identity: { namespaceCode: m.namespaceCode, primary: m.primaryIdentity } } : {}),
  };
}
