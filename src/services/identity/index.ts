export { IdentityService, type Credentials, type RequestIdentity } from './identity.service.js';
