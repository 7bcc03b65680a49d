import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { SourceFormat } from '../../pipeline/contracts.js';
import type { StartPosition } from '../../connectors/index.js';
import { applyListQuery, parseListQuery, type Page } from './listing.js';
import {
  checkId,
  checkIfMatch,
  newEtag,
  optionalString,
  quoteEtag,
  renderResource,
  requireObject,
  requireString,
  type ResourceRow,
} from './resource.js';
import { patchDocument } from './json-patch.js';
import { booleanish } from './schedule.js';
import type { ConnectionsService } from './connections.service.js';
import { DATA_LAKE_SPEC_ID } from './specs/data-lake.js';
import type { CatalogPort } from './ports.js';

export type EndpointRole = 'source' | 'target';

interface EndpointRow extends ResourceRow {
  role: EndpointRole;
  base_connection_id: string | null;
  connection_spec_id: string;
}

/** What the stream runner needs to know about a streaming source connection (AEP's params). */
export interface StreamSourceSettings {
  baseConnectionId: string;
  stream: string;
  /** The source connection's params, some of which the connector reads when it opens the stream (see `openStream`). */
  params: Record<string, unknown>;
  /** `xdm`: each record is an XDM entity (or AEP's envelope around one); `raw`: any JSON, mapped by the flow. */
  dataType: 'raw' | 'xdm';
  /** Where a partition without a checkpoint starts. */
  reset: StartPosition;
}

const DATA_TYPES = ['raw', 'xdm'] as const;
const RESETS = ['latest', 'earliest'] as const;

/**
 * Reads a streaming source's params: `stream` (Kinesis) or `eventHubName` (Event Hubs) — or, for a connection with a
 * stream of its own (an inlet), `ownStream` — `dataType`, `reset`.
 */
function parseStreamParams(
  params: Record<string, unknown>,
  defaultReset: StartPosition,
  ownStream: string | undefined,
): Omit<StreamSourceSettings, 'baseConnectionId' | 'params'> {
  const stream = requireString(params.stream ?? params.eventHubName ?? ownStream, 'params.stream');
  const dataType = String(params.dataType ?? 'raw').toLowerCase();
  if (!(DATA_TYPES as readonly string[]).includes(dataType)) throw invalid(`params.dataType must be raw or xdm; got "${params.dataType}"`);
  const reset = String(params.reset ?? defaultReset).toLowerCase();
  if (!(RESETS as readonly string[]).includes(reset)) throw invalid(`params.reset must be latest or earliest; got "${params.reset}"`);
  return { stream, dataType: dataType as StreamSourceSettings['dataType'], reset: reset as StartPosition };
}

/** The default `reset` of a streaming spec's sourceSpec (Kinesis: latest; Event Hubs: earliest). */
function defaultReset(sourceSpec: Record<string, unknown> | undefined): StartPosition {
  const props = (sourceSpec?.spec as { properties?: { reset?: { default?: string } } } | undefined)?.properties;
  return props?.reset?.default === 'earliest' ? 'earliest' : 'latest';
}

/** What a run needs to know about a file source connection. */
export interface FileSourceSettings {
  baseConnectionId: string;
  path: string;
  recursive: boolean;
  format: SourceFormat;
}

const FORMATS = ['delimited', 'json', 'parquet'] as const;
const COMPRESSIONS = ['bzip2', 'gzip', 'deflate', 'zipDeflate', 'tarGzip', 'tar'] as const;

/** Reads a file source's format from `data`, accepting the properties nested under `data.properties` or flat. */
function parseFormat(data: Record<string, unknown>): SourceFormat {
  const props = { ...data, ...((data.properties as Record<string, unknown> | undefined) ?? {}) };
  const format = String(data.format ?? 'delimited').toLowerCase();
  if (!(FORMATS as readonly string[]).includes(format)) throw invalid(`data.format must be one of ${FORMATS.join(', ')}; got "${data.format}"`);
  const result: SourceFormat = { format: format as SourceFormat['format'] };
  const delimiter = optionalString(props.columnDelimiter ?? props.delimiter, 'data.properties.columnDelimiter');
  if (delimiter !== undefined) {
    if ([...delimiter].length !== 1) throw invalid('columnDelimiter must be a single character');
    result.columnDelimiter = delimiter;
  }
  const encoding = optionalString(props.encoding, 'data.properties.encoding');
  if (encoding !== undefined) {
    if (!['UTF-8', 'ISO-8859-1'].includes(encoding.toUpperCase())) throw invalid('encoding must be UTF-8 or ISO-8859-1');
    result.encoding = encoding.toUpperCase();
  }
  const compression = optionalString(props.compressionType, 'data.properties.compressionType');
  if (compression !== undefined && compression.toLowerCase() !== 'none') {
    const known = COMPRESSIONS.find((c) => c.toLowerCase() === compression.toLowerCase());
    if (!known) throw invalid(`compressionType must be one of ${COMPRESSIONS.join(', ')}`);
    result.compressionType = known;
  }
  if (props.isMultiLineJson !== undefined) result.isMultiLineJson = booleanish(props.isMultiLineJson, 'isMultiLineJson', false);
  return result;
}

/** Source and target connections: where a flow reads from, where it writes to. */
export class EndpointConnectionsService {
  constructor(
    private readonly db: Db,
    private readonly connections: ConnectionsService,
    private readonly catalog: CatalogPort,
  ) {}

  private async normalise(scope: Scope, role: EndpointRole, input: Record<string, unknown>) {
    const spec = requireObject(input.connectionSpec, 'connectionSpec');
    const specId = requireString(spec.id, 'connectionSpec.id');
    const data = requireObject(input.data ?? {}, 'data');
    const params = requireObject(input.params ?? {}, 'params');
    let baseConnectionId: string | null = null;
    if (role === 'source') {
      baseConnectionId = checkId(requireString(input.baseConnectionId, 'baseConnectionId'), 'Base connection');
      const baseSpec = await this.connections.connectionSpecId(scope, baseConnectionId).catch(() => {
        throw invalid(`baseConnectionId ${input.baseConnectionId} does not name a connection of this sandbox`);
      });
      if (baseSpec !== specId) {
        // Tutorials name one storage's spec (the seed's is Azure File Storage) whatever the base connection is.
        const named = (id: string) => {
          const name = this.connections.specName(id);
          return name ? `${id} (${name})` : id;
        };
        throw invalid(
          `connectionSpec.id ${named(specId)} is not the spec of base connection ${baseConnectionId}, which was created with ${named(baseSpec)}. ` +
            `A source connection uses its base connection's spec: send "connectionSpec": {"id": "${baseSpec}", "version": "1.0"}.`,
        );
      }
      const streaming = this.connections.streamingSource(baseSpec);
      if (streaming) {
        // Records are JSON; the params are checked here so that a flow never starts on a stream it cannot name.
        if (data.format !== undefined && String(data.format).toLowerCase() !== 'json')
          throw invalid('data.format of a streaming source must be json');
        parseStreamParams(params, defaultReset(streaming.spec.sourceSpec), await this.connections.ownStream(scope, baseConnectionId));
      } else {
        parseFormat(data);
        requireString(params.path, 'params.path');
        params.recursive = booleanish(params.recursive, 'params.recursive', false);
      }
    } else {
      if (specId !== DATA_LAKE_SPEC_ID) throw invalid(`a target connection must use the Data Lake spec ${DATA_LAKE_SPEC_ID}`);
      const dataSetId = requireString(params.dataSetId, 'params.dataSetId');
      await this.catalog.getDataset(scope, dataSetId).catch(() => {
        throw invalid(`params.dataSetId ${dataSetId} does not name a dataset of this sandbox`);
      });
    }
    const doc = {
      name: requireString(input.name, 'name'),
      description: optionalString(input.description, 'description') ?? '',
      ...(baseConnectionId ? { baseConnectionId } : {}),
      data,
      params,
      connectionSpec: { id: specId, version: String(spec.version ?? '1.0') },
    };
    return { doc, baseConnectionId, specId };
  }

  async create(scope: Scope, role: EndpointRole, body: unknown): Promise<{ id: string; etag: string }> {
    const { doc, baseConnectionId, specId } = await this.normalise(scope, role, requireObject(body, 'body'));
    const id = randomUUID();
    const etag = newEtag();
    await this.db.query(
      `insert into endpoint_connections (id, role, org_id, sandbox_id, base_connection_id, connection_spec_id, doc, etag, created_client, updated_client)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
      [id, role, scope.orgId, scope.sandboxId, baseConnectionId, specId, doc, etag, scope.clientId],
    );
    return { id, etag: quoteEtag(etag) };
  }

  private async row(scope: Scope, role: EndpointRole, id: string): Promise<EndpointRow> {
    const rows = await this.db.query<EndpointRow>(
      'select * from endpoint_connections where id = $1 and role = $2 and org_id = $3 and sandbox_id = $4',
      [checkId(id, `${role === 'source' ? 'Source' : 'Target'} connection`), role, scope.orgId, scope.sandboxId],
    );
    if (!rows[0]) throw notFound(`${role === 'source' ? 'Source' : 'Target'} connection ${id} not found`, 'FLOW-1004');
    return rows[0];
  }

  async get(scope: Scope, role: EndpointRole, id: string): Promise<Record<string, unknown>> {
    return renderResource(await this.row(scope, role, id), scope);
  }

  async list(
    scope: Scope,
    role: EndpointRole,
    query: Record<string, unknown>,
    nextHref: (token: string) => string,
  ): Promise<Page<Record<string, unknown>>> {
    const rows = await this.db.query<EndpointRow>(
      'select * from endpoint_connections where org_id = $1 and sandbox_id = $2 and role = $3 order by created_at',
      [scope.orgId, scope.sandboxId, role],
    );
    return applyListQuery(
      rows.map((r) => renderResource(r, scope)),
      parseListQuery(query),
      nextHref,
    );
  }

  async patch(scope: Scope, role: EndpointRole, id: string, ifMatch: string | undefined, body: unknown): Promise<{ id: string; etag: string }> {
    const row = await this.row(scope, role, id);
    checkIfMatch(ifMatch, row.etag, true);
    const patched = patchDocument(row.doc, body, ['/name', '/description', '/data', '/params']);
    const { doc } = await this.normalise(scope, role, { ...patched, baseConnectionId: row.base_connection_id ?? undefined });
    const etag = newEtag();
    await this.db.query('update endpoint_connections set doc = $1, etag = $2, updated_client = $3, updated_at = now() where id = $4', [
      doc,
      etag,
      scope.clientId,
      row.id,
    ]);
    return { id: row.id, etag: quoteEtag(etag) };
  }

  async delete(scope: Scope, role: EndpointRole, id: string): Promise<void> {
    const row = await this.row(scope, role, id);
    const key = role === 'source' ? 'sourceConnectionIds' : 'targetConnectionIds';
    const users = await this.db.query<{ id: string }>(`select id from flows where doc->'${key}' ? $1 limit 1`, [row.id]);
    if (users[0]) throw conflict(`This ${role} connection is used by flow ${users[0].id}; delete the flow first`, 'FLOW-1009');
    await this.db.query('delete from endpoint_connections where id = $1', [row.id]);
  }

  /** A source connection as a run reads it. */
  async fileSource(scope: Scope, id: string): Promise<FileSourceSettings> {
    const row = await this.row(scope, 'source', id);
    const params = row.doc.params as Record<string, unknown>;
    return {
      baseConnectionId: row.base_connection_id!,
      path: String(params.path),
      recursive: params.recursive === true,
      format: parseFormat(row.doc.data as Record<string, unknown>),
    };
  }

  /** The stream a streaming source connection reads, and how. */
  async streamSource(scope: Scope, id: string): Promise<StreamSourceSettings> {
    const row = await this.row(scope, 'source', id);
    const streaming = this.connections.streamingSource(row.connection_spec_id);
    const params = row.doc.params as Record<string, unknown>;
    const ownStream = await this.connections.ownStream(scope, row.base_connection_id!);
    return {
      baseConnectionId: row.base_connection_id!,
      params,
      ...parseStreamParams(params, defaultReset(streaming?.spec.sourceSpec), ownStream),
    };
  }

  /** The dataset a target connection writes to. */
  async targetDataset(scope: Scope, id: string): Promise<{ dataSetId: string; schemaId: string | undefined }> {
    const row = await this.row(scope, 'target', id);
    const data = row.doc.data as { schema?: { id?: string } };
    return { dataSetId: String((row.doc.params as Record<string, unknown>).dataSetId), schemaId: data.schema?.id };
  }

  async exists(scope: Scope, role: EndpointRole, id: string): Promise<boolean> {
    return this.row(scope, role, id).then(
      () => true,
      () => false,
    );
  }
}
