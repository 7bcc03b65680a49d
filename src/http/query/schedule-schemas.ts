/**
 * Route schemas of Query Service's templates and schedules, in AEP's shapes (query-service.yaml: query_template,
 * query_template_list, schedules, schedules_list, schedules_run, schedules_run_list, schedules_run_details).
 * Responses list what Tributary sends; objects stay open to the fields a newer AEP may add.
 */

const link = {
  type: 'object',
  properties: { href: { type: 'string' }, method: { type: 'string' }, body: { type: 'string' } },
  required: ['href'],
} as const;
const links = { type: 'object', additionalProperties: link } as const;
const page = {
  type: 'object',
  properties: {
    orderby: { type: 'string' },
    start: { type: 'string' },
    next: { type: 'string' },
    property: { type: 'string' },
    count: { type: 'integer' },
  },
} as const;
const listLinks = { type: 'object', properties: { next: link, prev: link } } as const;
const parameters = { type: 'object', additionalProperties: { type: 'string' } } as const;
const stringOrNumber = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } as const;
const message = {
  type: 'object',
  properties: { message: { type: 'string' }, statusCode: { type: 'integer' } },
  required: ['message', 'statusCode'],
} as const;
const errorItem = { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } as const;

export const listQuerystring = {
  type: 'object',
  properties: {
    orderby: { type: 'string', description: 'created or updated, with + (ascending) or - (descending; the default) in front' },
    // Query strings are checked as sent (no coercion): numbers and booleans arrive as text.
    limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'items per page (default 20, at most 1000)' },
    start: { type: 'string', description: 'a zero-based offset, or a timestamp on the orderby field' },
    property: { type: 'string', description: 'comma-separated filters such as name~text or userId==id' },
    isPrevLink: { type: 'string', enum: ['true', 'false'] },
  },
} as const;

export const templateIdParams = {
  type: 'object',
  properties: { queryTemplateId: { type: 'string' } },
  required: ['queryTemplateId'],
} as const;
export const scheduleIdParams = { type: 'object', properties: { scheduleId: { type: 'string' } }, required: ['scheduleId'] } as const;
export const runIdParams = {
  type: 'object',
  properties: { scheduleId: { type: 'string' }, runId: { type: 'string' } },
  required: ['scheduleId', 'runId'],
} as const;

/** query_template_def: PUT and POST take the same body. */
export const templateBody = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    sql: { type: 'string', minLength: 1 },
    queryParameters: { type: 'object', additionalProperties: stringOrNumber },
  },
  required: ['name', 'sql'],
} as const;

export const templateSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    sql: { type: 'string' },
    queryParameters: parameters,
    userId: { type: 'string' },
    lastUpdatedBy: { type: 'string' },
    created: { type: 'string' },
    updated: { type: 'string' },
    _links: links,
  },
  required: ['id', 'name', 'sql', 'userId', 'created', 'updated', '_links'],
} as const;

export const templateListSchema = {
  type: 'object',
  properties: { templates: { type: 'array', items: templateSchema }, _page: page, _links: listLinks, version: { type: 'integer' } },
  required: ['templates', '_page', '_links'],
} as const;

export const templateCountSchema = {
  type: 'object',
  properties: { totalCount: { type: 'integer' }, version: { type: 'integer' } },
  required: ['totalCount'],
} as const;

export const countQuerystring = { type: 'object', properties: { property: { type: 'string' } } } as const;

export const templateDeletedSchema = message;

/** query_def, as POST /queries and a schedule's `query` take it. */
const queryDef = {
  type: 'object',
  properties: {
    dbName: { type: 'string' },
    sql: { type: 'string' },
    templateId: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    queryParameters: { type: 'object', additionalProperties: stringOrNumber },
    insertIntoParameters: { type: 'object', properties: { datasetName: { type: 'string' } } },
    ctasParameters: { type: 'object', additionalProperties: true },
  },
} as const;

export const scheduleBody = {
  type: 'object',
  properties: {
    query: queryDef,
    schedule: {
      type: 'object',
      properties: {
        schedule: { type: 'string', description: 'a cron expression, or @once, @hourly, @daily, @weekly, @monthly, @yearly' },
        startDate: { type: 'string' },
        endDate: { type: 'string' },
        maxActiveRuns: { type: 'integer' },
      },
    },
  },
  required: ['query', 'schedule'],
} as const;

export const scheduleSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: ['REGISTERING', 'ENABLED', 'DISABLED'] },
    query: { type: 'object', additionalProperties: true },
    schedule: {
      type: 'object',
      properties: {
        schedule: { type: 'string' },
        startDate: { type: 'string' },
        endDate: { type: 'string' },
        maxActiveRuns: { type: 'integer' },
      },
    },
    userId: { type: 'string' },
    updatedUserId: { type: 'string' },
    created: { type: 'string' },
    updated: { type: 'string' },
    version: { type: 'integer' },
    _links: links,
  },
  required: ['id', 'state', 'query', 'schedule', '_links'],
} as const;

export const scheduleListSchema = {
  type: 'object',
  properties: { schedules: { type: 'array', items: scheduleSchema }, _page: page, _links: listLinks, version: { type: 'integer' } },
  required: ['schedules', '_page', '_links'],
} as const;

/** PATCH /schedules/{id}: AEP's `{"body": [ops]}`, its links' `{"op": "enable"}`, or a bare JSON Patch array. */
const patchOp = {
  type: 'object',
  properties: { op: { type: 'string' }, path: { type: 'string' }, value: { type: 'string' } },
  required: ['op'],
} as const;
export const schedulePatchBody = {
  anyOf: [
    { type: 'object', properties: { body: { type: 'array', items: patchOp } }, required: ['body'] },
    { type: 'object', properties: { op: { type: 'string' } }, required: ['op'] },
    { type: 'array', items: patchOp },
  ],
} as const;

export const acceptedSchema = message;
export const triggeredSchema = { ...message, properties: { ...message.properties, runId: { type: 'string' } } } as const;

const runProperties = {
  id: { type: 'string' },
  scheduleId: { type: 'string' },
  state: { type: 'string', enum: ['QUEUED', 'IN_PROGRESS', 'SUCCESS', 'FAILED', 'CANCELLED'] },
  externalTrigger: { type: 'boolean' },
  created: { type: 'string' },
  queryId: { type: 'string' },
  startDate: { type: 'string' },
  endDate: { type: 'string' },
  errors: { type: 'array', items: errorItem },
  version: { type: 'integer' },
  _links: links,
} as const;

export const runSchema = { type: 'object', properties: runProperties, required: ['id', 'state', 'externalTrigger', 'created', '_links'] } as const;

export const runListSchema = {
  type: 'object',
  properties: { runsSchedules: { type: 'array', items: runSchema }, _page: page, _links: listLinks, version: { type: 'integer' } },
  required: ['runsSchedules', '_page', '_links'],
} as const;

export const runDetailSchema = {
  type: 'object',
  properties: {
    ...runProperties,
    taskStatusList: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          taskId: { type: 'string' },
          state: { type: 'string' },
          startDate: { type: 'string' },
          endDate: { type: 'string' },
          duration: { type: 'integer' },
          message: { type: 'string' },
          rowCount: { type: 'integer' },
        },
      },
    },
  },
  required: ['id', 'scheduleId', 'state', 'externalTrigger', 'created', 'taskStatusList', '_links'],
} as const;

export const runPatchBody = {
  type: 'object',
  properties: { op: { type: 'string', description: 'cancel' } },
  required: ['op'],
} as const;
