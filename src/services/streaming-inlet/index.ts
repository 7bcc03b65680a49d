export { InletLog, newInletId, type InletRow } from './inlet-log.js';
export { httpInletSource, InletRecordStream, INLET_PARTITION } from './inlet-source.js';
export { StreamingInletService, type InletCredentials, type InletOptions } from './inlet.service.js';
export { MAX_MESSAGE_BYTES } from './inlet-messages.js';
