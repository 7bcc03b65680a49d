export { QueryService, type QueryServiceOptions, type QueryView, type QueryResults } from './query.service.js';
