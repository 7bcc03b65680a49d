export { QueryService, type QueryServiceOptions, type QueryView, type QueryResults, type QueryResultsPage } from './query.service.js';
