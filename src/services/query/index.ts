export { QueryService, type QueryServiceOptions, type QueryView, type QueryResults, type QueryResultsPage } from './query.service.js';
export { SqlFailure, type SqlDescription } from './sandboxed-sql.js';
export { QueryTemplatesService, type QueryTemplateView } from './templates.service.js';
export { QuerySchedulesService, type ScheduleView, type ScheduleRunView } from './schedules.service.js';
export { SCHEDULED_QUERY_QUEUE, type ScheduledQueryJobs, type ScheduledQueryJob } from './schedule-job.js';
