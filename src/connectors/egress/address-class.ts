import ipaddr from 'ipaddr.js';

/**
 * What an IP address is, for the egress policy:
 * - `metadata`: a cloud instance-metadata service (credentials of the machine itself);
 * - `link-local`: 169.254.0.0/16 and fe80::/10, where metadata services and other host-only agents answer;
 * - `loopback`: this machine (127/8, ::1, and 0.0.0.0 / ::, which Linux connects to this machine too);
 * - `private`: the private network and every other range that is not the public internet
 *   (RFC 1918, unique local fc00::/7, carrier-grade NAT 100.64/10, multicast, reserved…);
 * - `public`: the internet.
 */
export type AddressClass = 'metadata' | 'link-local' | 'loopback' | 'private' | 'public';

/**
 * Metadata services that do not sit in link-local space, besides 169.254.169.254 (AWS, Azure, GCP, OCI…)
 * and 169.254.170.2 (ECS task credentials), which are named too so that a refusal says what they are.
 */
const METADATA_ADDRESSES = new Set(
  ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192'].map((a) => ipaddr.parse(a).toString()),
);

/** Names of metadata services, refused before they are even resolved. */
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** The class of an IP address (IPv4, IPv6, IPv4-mapped IPv6); anything unparsable counts as `private`, so it is refused where the private network is. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return 'private';
  return classify(ipaddr.parse(bare));
}

function classify(parsed: ipaddr.IPv4 | ipaddr.IPv6): AddressClass {
  if (METADATA_ADDRESSES.has(parsed.toString())) return 'metadata';
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    // ::ffff:a.b.c.d, NAT64 64:ff9b::/96 and 6to4 2002::/16 reach an IPv4 address: that address decides.
    const embedded = embeddedIPv4(v6);
    if (embedded) return classify(embedded);
  }
  switch (parsed.range()) {
    case 'linkLocal':
      return 'link-local';
    case 'loopback':
    case 'unspecified':
      return 'loopback';
    case 'unicast':
      return 'public';
    default:
      return 'private';
  }
}

function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const range = v6.range();
  const bytes = v6.toByteArray();
  if (range === 'rfc6052') return new ipaddr.IPv4(bytes.slice(12, 16));
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}

/** Whether a host name is a metadata service's own name. */
export function isMetadataName(host: string): boolean {
  return METADATA_NAMES.has(host.toLowerCase().replace(/\.$/, ''));
}
