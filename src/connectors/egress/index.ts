export { classifyAddress, isMetadataName, type AddressClass } from './address-class.js';
export {
  EGRESS_MODES,
  EGRESS_REFUSED,
  EgressPolicy,
  EgressRefusedError,
  OPEN_EGRESS,
  egressRefusal,
  type EgressMode,
  type EgressOptions,
  type LookupFunction,
  type Resolver,
} from './egress-policy.js';
export { EgressHttpAgent, EgressHttpsAgent, agentFor, egressDispatcher, egressSocket } from './transports.js';
