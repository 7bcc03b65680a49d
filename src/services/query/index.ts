export { QueryService, type QueryServiceOptions, type QueryView, type QueryResults } from './query.service.js';
export { purgeQuerySandbox } from './sandbox-purge.js';
