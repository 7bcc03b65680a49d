/** Identity namespaces: the public face for the HTTP layer and the Schema Registry. */
export { IdentityNamespaceService, type IdentityNamespace } from './identity-namespace.service.js';
export { STANDARD_NAMESPACES, type IdType, type StandardNamespace } from './standard-namespaces.js';
export { purgeIdentityNamespaceSandbox } from './sandbox-purge.js';
