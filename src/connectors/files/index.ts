export { normalizePath, pathSegments, joinSegments, childPath, baseName, relativePath, compareEntries, isAddressableName } from './path.js';
export { selectFiles, isGlobSegment } from './select.js';
