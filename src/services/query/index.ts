export { QueryService, type QueryServiceOptions, type QueryView, type QueryResults, type QueryResultsPage } from './query.service.js';
export { SqlFailure, type SqlDescription } from './sandboxed-sql.js';
