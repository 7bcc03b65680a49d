/**
 * Flow Service's shapes (Adobe's flow-service spec: ConnectionDTO, SourceConnectionDTO, FlowDTO, FlowRunDTO…), open
 * where the resource is: a client's own fields come back as it stored them.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { AnyObject, AnyValue, errorResponses, Open, PlatformError, QueryOf, QueryValue } from '../schemas.js';

const SpecRef = Open({ id: Type.String(), version: Type.Optional(Type.String()) });

/** The envelope every Flow Service resource is answered in. */
const envelope = {
  id: Type.String(),
  createdAt: Type.Integer({ description: 'epoch milliseconds' }),
  updatedAt: Type.Integer(),
  createdBy: Type.String(),
  updatedBy: Type.String(),
  createdClient: Type.String(),
  updatedClient: Type.String(),
  sandboxId: Type.String(),
  sandboxName: Type.String(),
  imsOrgId: Type.String(),
  etag: Type.String({ description: 'quoted, as sent back in If-Match' }),
  version: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
};

export const ConnectionSpec = Open(
  { id: Type.String(), name: Type.String(), providerId: Type.Optional(Type.String()), version: Type.Optional(Type.String()) },
  'A connection spec: what a connector needs (authSpec), reads (sourceSpec) and offers (attributes, permissionsInfo)',
);
export type ConnectionSpec = Static<typeof ConnectionSpec>;

export const FlowSpec = Open({
  id: Type.String(),
  name: Type.String(),
  providerId: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
});
export type FlowSpec = Static<typeof FlowSpec>;

export const Connection = Open({ ...envelope, name: Type.String(), auth: Type.Optional(AnyObject), connectionSpec: SpecRef });

/** What creating a base connection answers: its id and etag, and for an HTTP API inlet where to post. */
export const CreatedConnection = Open({
  id: Type.String(),
  etag: Type.String(),
  inletId: Type.Optional(Type.String()),
  inletUrl: Type.Optional(Type.String()),
});
export type Connection = Static<typeof Connection>;

export const EndpointConnection = Open({
  ...envelope,
  name: Type.String(),
  baseConnectionId: Type.Optional(Type.String()),
  data: Type.Optional(AnyObject),
  params: Type.Optional(AnyObject),
  connectionSpec: SpecRef,
});
export type EndpointConnection = Static<typeof EndpointConnection>;

export const ScheduleParams = Open({
  startTime: Type.Optional(Type.Integer({ description: 'epoch seconds' })),
  frequency: Type.String(),
  interval: Type.Optional(Type.String({ description: 'a string in answers, as ScheduleSpecDTO and the docs have it' })),
  backfill: Type.Optional(Type.Boolean()),
});

export const Flow = Open({
  ...envelope,
  name: Type.String(),
  flowSpec: SpecRef,
  sourceConnectionIds: Type.Array(Type.String()),
  targetConnectionIds: Type.Array(Type.String()),
  transformations: Type.Optional(Type.Array(AnyObject)),
  scheduleParams: Type.Optional(ScheduleParams),
  inheritedAttributes: Type.Optional(AnyObject),
  runs: Type.Optional(Type.String()),
  lastRunDetails: Type.Optional(AnyObject),
});
export type Flow = Static<typeof Flow>;

const Summary = Type.Record(Type.String(), AnyValue);
export const Run = Open({
  id: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  flowId: Type.String(),
  flowSpec: SpecRef,
  etag: Type.String(),
  metrics: Open({
    durationSummary: Summary,
    sizeSummary: Summary,
    recordSummary: Summary,
    fileSummary: Summary,
    statusSummary: Open({ status: Type.String() }),
  }),
  activities: Type.Array(AnyObject),
  batchId: Type.Optional(Type.String()),
});
export type Run = Static<typeof Run>;

/** A Flow Service list: `{items}`, `_links.next` while more follow, `count` when asked for. */
export const Items = <T extends TSchema>(item: T) =>
  Open({ items: Type.Array(item), _links: Type.Optional(AnyObject), count: Type.Optional(Type.Integer()) });

/** What a create or an update answers. */
export const Written = Open({ id: Type.String(), etag: Type.String() });
export type Written = Static<typeof Written>;

export const ListQuery = QueryOf({
  property: Type.Optional(QueryValue),
  orderby: Type.Optional(Type.String()),
  limit: Type.Optional(Type.String()),
  continuationToken: Type.Optional(Type.String()),
  count: Type.Optional(Type.String()),
});

export const ActionQuery = QueryOf({ op: Type.String({ description: 'the action: enable, disable (flows) or cancel (runs)' }) });

export const ExploreQuery = QueryOf({
  objectType: Type.Optional(Type.String({ description: 'root, folder or file' })),
  object: Type.Optional(Type.String()),
  preview: Type.Optional(Type.String()),
  fileType: Type.Optional(Type.String()),
  columnDelimiter: Type.Optional(Type.String()),
  compressionType: Type.Optional(Type.String()),
  encoding: Type.Optional(Type.String()),
  limit: Type.Optional(Type.String()),
  continuationToken: Type.Optional(Type.String()),
});

/** A folder listing (a bare array, as AEP answers) or a file's preview. */
export const Explored = Type.Union([
  Type.Array(Open({ type: Type.String(), name: Type.String(), path: Type.String() })),
  Open({}, 'A file preview: its format, columns and first rows'),
]);

export const FlowServiceErrors = errorResponses(PlatformError);
