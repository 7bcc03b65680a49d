export { IdentityService, type Credentials, type RequestIdentity, type ClientView } from './identity.service.js';
export { AdminCredential, loadAdminToken } from './admin-credential.js';
