import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import type { Db } from '../../store/db.js';
import type { SecretBox } from '../../security/secret-box.js';
import { redactUrlCredentials } from '../../security/url-credentials.js';
import type { ConnectorRegistry, FileConnector, FileStorage, RecordStream, SourceKind, StreamingSource } from '../../connectors/index.js';
import { ConnectorError } from '../../connectors/index.js';
import type { Scope } from '../scope.js';
import { conflict, invalid, notFound, ServiceError } from '../errors.js';
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
import { HTTP_INLET_SPEC_ID } from '../../connectors/streaming/http-inlet.spec.js';
import { newInletId, type InletLog } from '../streaming-inlet/index.js';
import { serviceError } from '../error-codes.js';

interface BaseConnectionRow extends ResourceRow {
  connection_spec_id: string;
  sealed_secrets: string | null;
}

/** A base connection opened for use: its connector and the storage behind it. */
export interface OpenedConnection {
  connector: FileConnector;
  storage: FileStorage;
}

// Auth params arrive as strings at times ("port": "22"): coerce to the spec's types.
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true });
// "password" only marks a secret field for UIs and for sealing; any string is valid.
ajv.addFormat('password', true);

/** Base connections: a storage and the credentials to reach it. Secrets are sealed at rest and never returned. */
export class ConnectionsService {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
    private readonly connectors: ConnectorRegistry,
    private readonly streaming: StreamingSource[] = [],
    /** The HTTP inlets' log: a connection of the HTTP API spec gets its inlet there, in the same transaction. */
    private readonly inlets?: InletLog,
  ) {}

  /** Whether connections of this spec are HTTP inlets, each with an inlet id of its own. */
  private isInlet(specId: string): this is { inlets: InletLog } {
    return specId === HTTP_INLET_SPEC_ID && this.inlets !== undefined;
  }

  /** The kind of source a spec id names: a file connector or a streaming source. */
  private sourceKind(specId: string): SourceKind {
    const kind = this.connectors.get(specId) ?? this.streaming.find((s) => s.spec.id === specId);
    if (!kind) throw invalid(`connectionSpec.id ${specId} is not a source connection spec of this platform`);
    return kind;
  }

  /** The name of a source spec (`amazon-s3`, `sftp`, …), or undefined when the platform has no such spec. */
  specName(specId: string): string | undefined {
    return (this.connectors.get(specId) ?? this.streaming.find((s) => s.spec.id === specId))?.spec.name;
  }

  /** The file connector of a spec; a streaming source's connections are opened with `openStream`. */
  private connector(specId: string): FileConnector {
    const connector = this.connectors.get(specId);
    if (!connector) {
      this.sourceKind(specId);
      throw serviceError('notFiles', 'this is a streaming source: it has streams, not files');
    }
    return connector;
  }

  /** The streaming source of a spec, or undefined for a file connector's. */
  streamingSource(specId: string): StreamingSource | undefined {
    return this.streaming.find((s) => s.spec.id === specId);
  }

  /** True when connections of this spec are streams (whether or not this platform can read them yet). */
  isStreaming(specId: string): boolean {
    return this.streamingSource(specId) !== undefined;
  }

  /**
   * Opens the stream service of a streaming connection with its decrypted credentials. The caller closes it. A flow
   * passes its source connection's params: those the source reads (its `sourceParams`) go over the connection's.
   */
  async openStream(scope: Scope, id: string, sourceParams: Record<string, unknown> = {}): Promise<{ source: StreamingSource; stream: RecordStream }> {
    const row = await this.row(scope, id);
    const source = this.streamingSource(row.connection_spec_id);
    if (!source) throw serviceError('notAStream', `connection ${id} is not a streaming source`);
    if (!source.open) {
      throw serviceError('streamNotReadable', `${source.spec.name} connections are stored, but reading their streams is not available yet`);
    }
    const overrides = Object.fromEntries(
      (source.sourceParams ?? []).flatMap((key) => (sourceParams[key] !== undefined ? [[key, sourceParams[key]]] : [])),
    );
    try {
      return { source, stream: source.open({ ...this.params(row), ...overrides }) };
    } catch (error) {
      throw connectorFailure(error);
    }
  }

  /** The stream a connection reads when its source connection names none (an inlet's own), if it has one. */
  async ownStream(scope: Scope, id: string): Promise<string | undefined> {
    const row = await this.row(scope, id);
    return this.streamingSource(row.connection_spec_id)?.streamOf?.(this.params(row));
  }

  private params(row: BaseConnectionRow): Record<string, unknown> {
    const secret = row.sealed_secrets ? this.secrets.openJson<Record<string, unknown>>(row.sealed_secrets) : {};
    return { ...((row.doc.auth as { params?: Record<string, unknown> }).params ?? {}), ...secret };
  }

  /** Validates auth params against the spec and splits them into public and secret parts. */
  private splitAuth(connector: SourceKind, auth: Record<string, unknown>): { doc: Record<string, unknown>; secret: Record<string, unknown> } {
    const specName = requireString(auth.specName, 'auth.specName');
    const authSpec = connector.spec.authSpec.find((a) => a.name.toLowerCase() === specName.toLowerCase()) ?? connector.spec.authSpec[0];
    if (!authSpec) throw invalid(`connection spec ${connector.spec.name} takes no credentials`);
    const params = structuredClone(requireObject(auth.params ?? {}, 'auth.params'));
    const validate = ajv.compile(authSpec.spec);
    if (!validate(params)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || 'auth.params'} ${e.message}`).join('; ');
      throw invalid(`auth.params do not match "${authSpec.name}": ${problems}`);
    }
    const nul = nulPath(params, 'auth.params');
    // PostgreSQL's jsonb cannot hold U+0000, and no storage takes it in a setting: the caller's mistake, not a crash.
    if (nul !== null) throw invalid(`${nul} contains a NUL character (U+0000), which no setting may hold`, 'FLOW-3006');
    const secret: Record<string, unknown> = {};
    const visible: Record<string, unknown> = {};
    try {
      connector.validateParams?.(params);
    } catch (error) {
      throw connectorFailure(error);
    }
    for (const [key, value] of Object.entries(params)) (connector.secretParams.includes(key) ? secret : visible)[key] = value;
    for (const key of connector.credentialUrlParams ?? []) {
      const value = visible[key];
      const redacted = typeof value === 'string' ? redactUrlCredentials(value) : null;
      if (redacted === null) continue;
      // The whole URL is sealed; opening merges the secrets over the visible params, so the sealed one is used.
      secret[key] = value;
      visible[key] = redacted;
    }
    return { doc: { specName, params: visible }, secret };
  }

  async create(scope: Scope, body: unknown): Promise<{ id: string; etag: string; inletId?: string }> {
    const input = requireObject(body, 'body');
    const name = requireString(input.name, 'name');
    const spec = requireObject(input.connectionSpec, 'connectionSpec');
    const connector = this.sourceKind(requireString(spec.id, 'connectionSpec.id'));
    const { doc: auth, secret } = this.splitAuth(connector, requireObject(input.auth, 'auth'));
    const id = randomUUID();
    const etag = newEtag();
    // An inlet's id is the platform's to give, as AEP gives it: whatever the request said is replaced.
    const inletId = this.isInlet(connector.spec.id) ? newInletId() : undefined;
    const params = auth.params as Record<string, unknown>;
    if (inletId !== undefined) params.inletId = inletId;
    const doc = {
      name,
      description: optionalString(input.description, 'description') ?? '',
      connectionSpec: { id: connector.spec.id, version: String(spec.version ?? connector.spec.version) },
      auth,
    };
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into base_connections (id, org_id, sandbox_id, connection_spec_id, doc, sealed_secrets, etag, created_client, updated_client)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
        [id, scope.orgId, scope.sandboxId, connector.spec.id, doc, this.secrets.sealJson(secret), etag, scope.clientId],
      );
      if (inletId !== undefined && this.inlets) {
        await this.inlets.register(tx, {
          inletId,
          connectionId: id,
          orgId: scope.orgId,
          sandboxId: scope.sandboxId,
          authenticationRequired: params.authenticationRequired === true,
        });
      }
    });
    return { id, etag: quoteEtag(etag), ...(inletId !== undefined ? { inletId } : {}) };
  }

  private async row(scope: Scope, id: string): Promise<BaseConnectionRow> {
    const rows = await this.db.query<BaseConnectionRow>('select * from base_connections where id = $1 and org_id = $2 and sandbox_id = $3', [
      checkId(id, 'Connection'),
      scope.orgId,
      scope.sandboxId,
    ]);
    if (!rows[0]) throw notFound(`Connection ${id} not found`, 'FLOW-1004');
    return rows[0];
  }

  async get(scope: Scope, id: string): Promise<Record<string, unknown>> {
    return renderResource(await this.row(scope, id), scope);
  }

  async list(scope: Scope, query: Record<string, unknown>, nextHref: (token: string) => string): Promise<Page<Record<string, unknown>>> {
    const rows = await this.db.query<BaseConnectionRow>('select * from base_connections where org_id = $1 and sandbox_id = $2 order by created_at', [
      scope.orgId,
      scope.sandboxId,
    ]);
    return applyListQuery(
      rows.map((r) => renderResource(r, scope)),
      parseListQuery(query),
      nextHref,
    );
  }

  /** JSON Patch on name, description and auth params (credential rotation). */
  async patch(scope: Scope, id: string, ifMatch: string | undefined, body: unknown): Promise<{ id: string; etag: string }> {
    const row = await this.row(scope, id);
    checkIfMatch(ifMatch, row.etag, true);
    const connector = this.sourceKind(row.connection_spec_id);
    const secret = row.sealed_secrets ? this.secrets.openJson<Record<string, unknown>>(row.sealed_secrets) : {};
    const whole: Record<string, unknown> = {
      ...row.doc,
      auth: { ...(row.doc.auth as object), params: { ...((row.doc.auth as { params?: object }).params ?? {}), ...secret } },
    };
    const patched = patchDocument(whole, body, ['/name', '/description', '/auth/params']);
    const { doc: auth, secret: newSecret } = this.splitAuth(connector, requireObject(patched.auth, 'auth'));
    const etag = newEtag();
    // An inlet keeps its id whatever the patch says; whether it requires authentication may change.
    const inletId = this.isInlet(row.connection_spec_id) ? (row.doc.auth as { params?: { inletId?: unknown } }).params?.inletId : undefined;
    const params = auth.params as Record<string, unknown>;
    if (typeof inletId === 'string') params.inletId = inletId;
    const doc = { ...row.doc, name: requireString(patched.name, 'name'), description: patched.description ?? '', auth };
    await this.db.transaction(async (tx) => {
      await tx.query(
        `update base_connections set doc = $1, sealed_secrets = $2, etag = $3, updated_client = $4, updated_at = now() where id = $5 and etag = $6`,
        [doc, this.secrets.sealJson(newSecret), etag, scope.clientId, row.id, row.etag],
      );
      if (typeof inletId === 'string' && this.inlets)
        await this.inlets.setAuthenticationRequired(tx, inletId, params.authenticationRequired === true);
    });
    return { id: row.id, etag: quoteEtag(etag) };
  }

  async delete(scope: Scope, id: string): Promise<void> {
    const row = await this.row(scope, id);
    const users = await this.db.query<{ id: string }>(
      `select f.id from flows f join endpoint_connections e on e.id::text in (select jsonb_array_elements_text(f.doc->'sourceConnectionIds'))
       where e.base_connection_id = $1 limit 1`,
      [row.id],
    );
    if (users[0]) throw conflict(`Connection ${id} is used by flow ${users[0].id}; delete the flow first`, 'FLOW-1009');
    await this.db.query('delete from endpoint_connections where base_connection_id = $1', [row.id]);
    await this.db.query('delete from base_connections where id = $1', [row.id]);
  }

  /** Opens the storage of a connection with its decrypted credentials. The caller closes it. */
  async open(scope: Scope, id: string): Promise<OpenedConnection & { specId: string }> {
    const row = await this.row(scope, id);
    const connector = this.connector(row.connection_spec_id);
    const params = this.params(row);
    let storage: FileStorage;
    try {
      storage = connector.open(params);
    } catch (error) {
      // Params that cannot even make a client (stored before a check was added, say) are the caller's to fix, not a crash.
      throw connectorFailure(error);
    }
    return { connector, storage, specId: row.connection_spec_id };
  }

  async connectionSpecId(scope: Scope, id: string): Promise<string> {
    return (await this.row(scope, id)).connection_spec_id;
  }

  /** `GET /connections/{id}/test`. */
  async test(scope: Scope, id: string): Promise<void> {
    if (this.isStreaming(await this.connectionSpecId(scope, id))) {
      const { stream } = await this.openStream(scope, id);
      try {
        await stream.check();
      } catch (error) {
        throw connectorFailure(error);
      } finally {
        await stream.close();
      }
      return;
    }
    const { storage } = await this.open(scope, id);
    try {
      await storage.check();
    } catch (error) {
      throw connectorFailure(error);
    } finally {
      await storage.close();
    }
  }
}

/** The path of the first string holding U+0000 in a JSON value, or null. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulPath(item, `${path}[${index}]`);
      if (found !== null) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = nulPath(item, `${path}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/** A connector's failure as a service failure: each kind keeps its own code so a client can tell them apart. */
export function connectorFailure(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (!(error instanceof ConnectorError))
    return new ServiceError('unavailable', `the storage could not be reached: ${(error as Error).message}`, 'FLOW-3000');
  switch (error.failure) {
    case 'bad_credentials':
      return new ServiceError('invalid', `Invalid credentials: ${error.message}`, 'FLOW-3001');
    case 'unreachable':
      return new ServiceError('invalid', `The storage is unreachable: ${error.message}`, 'FLOW-3002');
    case 'permission_denied':
      return new ServiceError('forbidden', `Permission denied by the storage: ${error.message}`, 'FLOW-3003');
    case 'not_found':
      return new ServiceError('not_found', error.message, 'FLOW-3004');
    case 'path_escape':
      return new ServiceError('invalid', `Path outside the connection's root: ${error.message}`, 'FLOW-3005');
    case 'invalid_params':
      return new ServiceError('invalid', error.message, 'FLOW-3006');
    case 'egress_refused':
      return new ServiceError('invalid', error.message, 'FLOW-3008');
    case 'transient':
      return new ServiceError('unavailable', error.message, 'FLOW-3007');
  }
}
