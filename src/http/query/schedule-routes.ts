import type { AuthenticatedRoutes } from '../auth.js';
import type { QuerySchedulesService, QueryTemplatesService } from '../../services/query/index.js';
import type { RawListQuery } from '../../services/query/list-params.js';
import * as s from './schedule-schemas.js';
import { errorResponses, PlatformError } from '../schemas.js';

const templateTags = ['Query Templates'];
const scheduleTags = ['Schedules'];
type TemplateParams = { Params: { queryTemplateId: string } };
type ScheduleParams = { Params: { scheduleId: string } };
type RunParams = { Params: { scheduleId: string; runId: string } };
type ListQuery = { Querystring: RawListQuery };

/**
 * Query Service's query templates and scheduled queries (mounted under `/data/foundation/query`), in AEP's shapes:
 * creates and changes answer 202 as AEP does; a schedule's runs are triggered by POST and cancelled by PATCH.
 */
export function queryScheduleRoutes({
  templates,
  schedules,
}: {
  templates: QueryTemplatesService;
  schedules: QuerySchedulesService;
}): AuthenticatedRoutes {
  return async (app) => {
    // Every route here answers Query Service's error shape for what it refuses.
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, response: { ...errorResponses(PlatformError), ...(route.schema?.response as object | undefined) } };
    });
    app.get<ListQuery>(
      '/query-templates',
      { schema: { tags: templateTags, summary: 'List query templates', querystring: s.listQuerystring, response: { 200: s.templateListSchema } } },
      async (request) => templates.list(request.scope, request.query),
    );
    app.post(
      '/query-templates',
      { schema: { tags: templateTags, summary: 'Create a query template', body: s.templateBody, response: { 202: s.templateSchema } } },
      async (request, reply) => reply.status(202).send(await templates.create(request.scope, request.body)),
    );
    app.get<{ Querystring: { property?: string } }>(
      '/query-templates/count',
      { schema: { tags: templateTags, summary: 'Count query templates', querystring: s.countQuerystring, response: { 200: s.templateCountSchema } } },
      async (request) => templates.count(request.scope, request.query),
    );
    app.get<TemplateParams>(
      '/query-templates/:queryTemplateId',
      { schema: { tags: templateTags, summary: 'Retrieve a query template', params: s.templateIdParams, response: { 200: s.templateSchema } } },
      async (request) => templates.get(request.scope, request.params.queryTemplateId),
    );
    app.put<TemplateParams>(
      '/query-templates/:queryTemplateId',
      {
        schema: {
          tags: templateTags,
          summary: 'Replace a query template (name and sql both required)',
          params: s.templateIdParams,
          body: s.templateBody,
          response: { 202: s.templateSchema },
        },
      },
      async (request, reply) => reply.status(202).send(await templates.replace(request.scope, request.params.queryTemplateId, request.body)),
    );
    app.delete<TemplateParams>(
      '/query-templates/:queryTemplateId',
      { schema: { tags: templateTags, summary: 'Delete a query template', params: s.templateIdParams, response: { 202: s.templateDeletedSchema } } },
      async (request, reply) => reply.status(202).send(await templates.remove(request.scope, request.params.queryTemplateId)),
    );

    app.get<ListQuery>(
      '/schedules',
      { schema: { tags: scheduleTags, summary: 'List scheduled queries', querystring: s.listQuerystring, response: { 200: s.scheduleListSchema } } },
      async (request) => schedules.list(request.scope, request.query),
    );
    app.post(
      '/schedules',
      { schema: { tags: scheduleTags, summary: 'Create a scheduled query', body: s.scheduleBody, response: { 202: s.scheduleSchema } } },
      async (request, reply) => reply.status(202).send(await schedules.create(request.scope, request.body)),
    );
    app.get<ScheduleParams>(
      '/schedules/:scheduleId',
      { schema: { tags: scheduleTags, summary: 'Retrieve a scheduled query', params: s.scheduleIdParams, response: { 200: s.scheduleSchema } } },
      async (request) => schedules.get(request.scope, request.params.scheduleId),
    );
    app.patch<ScheduleParams>(
      '/schedules/:scheduleId',
      {
        schema: {
          tags: scheduleTags,
          summary: 'Enable, disable or re-time a scheduled query (JSON Patch on /state or /schedule/schedule)',
          params: s.scheduleIdParams,
          body: s.schedulePatchBody,
          response: { 202: s.acceptedSchema },
        },
      },
      async (request, reply) => reply.status(202).send(await schedules.patch(request.scope, request.params.scheduleId, request.body)),
    );
    app.delete<ScheduleParams>(
      '/schedules/:scheduleId',
      {
        schema: { tags: scheduleTags, summary: 'Delete a disabled scheduled query', params: s.scheduleIdParams, response: { 202: s.acceptedSchema } },
      },
      async (request, reply) => reply.status(202).send(await schedules.remove(request.scope, request.params.scheduleId)),
    );
    app.get<ScheduleParams & ListQuery>(
      '/schedules/:scheduleId/runs',
      {
        schema: {
          tags: scheduleTags,
          summary: 'List the runs of a scheduled query',
          params: s.scheduleIdParams,
          querystring: s.listQuerystring,
          response: { 200: s.runListSchema },
        },
      },
      async (request) => schedules.runs(request.scope, request.params.scheduleId, request.query),
    );
    app.post<ScheduleParams>(
      '/schedules/:scheduleId/runs',
      {
        schema: {
          tags: scheduleTags,
          summary: 'Trigger an immediate run of a scheduled query',
          // No body: the trigger takes none (AEP's clients send none, or an empty one).
          noBody: true,
          params: s.scheduleIdParams,
          response: { 202: s.triggeredSchema },
        },
      },
      async (request, reply) => reply.status(202).send(await schedules.trigger(request.scope, request.params.scheduleId)),
    );
    app.get<RunParams>(
      '/schedules/:scheduleId/runs/:runId',
      { schema: { tags: scheduleTags, summary: 'Retrieve a run of a scheduled query', params: s.runIdParams, response: { 200: s.runDetailSchema } } },
      async (request) => schedules.run(request.scope, request.params.scheduleId, request.params.runId),
    );
    app.patch<RunParams>(
      '/schedules/:scheduleId/runs/:runId',
      {
        schema: {
          tags: scheduleTags,
          summary: 'Cancel a run of a scheduled query ({"op": "cancel"})',
          params: s.runIdParams,
          body: s.runPatchBody,
          response: { 202: s.acceptedSchema },
        },
      },
      async (request, reply) =>
        reply.status(202).send(await schedules.cancelRun(request.scope, request.params.scheduleId, request.params.runId, request.body)),
    );
  };
}
