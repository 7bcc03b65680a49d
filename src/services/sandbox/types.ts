import type { Scope } from '../scope.js';

export type SandboxState = 'creating' | 'active' | 'resetting' | 'deleting' | 'deleted' | 'failed';
export type SandboxType = 'production' | 'development';

/** A sandbox as the Sandbox API shows it. */
export interface SandboxView {
  id: string;
  name: string;
  title: string;
  state: SandboxState;
  type: SandboxType;
  region: string;
  isDefault: boolean;
  etag: number;
  createdDate: string;
  lastModifiedDate: string;
  createdBy: string;
  modifiedBy: string;
}

/**
 * One service's share of a sandbox reset: removes everything that service keeps for the sandbox.
 * Purgers run in the order given (flows first, so nothing writes while the rest is removed) and must be
 * idempotent: an interrupted reset is simply run again.
 */
export interface SandboxPurger {
  readonly area: string;
  purgeSandbox(scope: Scope): Promise<void>;
}
