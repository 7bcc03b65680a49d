export { SandboxService, type SandboxListQuery, type SandboxServiceOptions } from './sandbox.service.js';
export type { SandboxPurger, SandboxState, SandboxType, SandboxView } from './types.js';
