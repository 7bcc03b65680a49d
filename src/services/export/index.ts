export { DataAccessService } from './data-access.service.js';
export type { DatasetPreviewer, DataSetFileEntry, FileEntry, LinkBase, Listing, MetaContent, Page } from './data-access.service.js';
