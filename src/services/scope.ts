/**
 * Who is asking, and where: every read and write of a service is confined to one org and one sandbox.
 * Built by the HTTP auth layer from a verified token and the request headers.
 */
export interface Scope {
  orgId: string;
  /** The Schema Registry tenant namespace, without its leading "_". */
  tenantId: string;
  sandboxId: string;
  sandboxName: string;
  clientId: string;
}
