/** A registry resource in XED form, as stored and served (`Accept: …xed+json`). */
import type { ResourceType } from './ids.js';

export interface Resource {
  $id: string;
  'meta:altId': string;
  'meta:resourceType': ResourceType;
  version: string;
  title?: string;
  description?: string;
  type?: string;
  allOf?: Array<Record<string, unknown>>;
  definitions?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  required?: string[];
  'meta:extends'?: string[];
  'meta:intendedToExtend'?: string[];
  'meta:class'?: string;
  'meta:containerId': 'global' | 'tenant';
  [key: string]: unknown;
}

/** Finds a resource by `$id` or `meta:altId` across the containers a caller can see. */
export type ResourceLookup = (idOrAltId: string) => Resource | undefined;
