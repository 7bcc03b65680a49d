export { DataAccessService } from './data-access.service.js';
export type { DataSetFileEntry, FileEntry, LinkBase, Listing, MetaContent, Page } from './data-access.service.js';
