import ipaddr from 'ipaddr.js';

/**
 * Why an address a push endpoint resolved to must not be connected to, or undefined for a public
 * unicast address. Deny by default: anything ipaddr.js names a special range (loopback, private,
 * linkLocal, carrierGradeNat, uniqueLocal, unspecified, multicast, broadcast, reserved, teredo,
 * 6to4, …) is refused. IPv4-mapped IPv6 (`::ffff:127.0.0.1`) and NAT64 (`64:ff9b::/96`) addresses
 * are judged by the IPv4 address they carry.
 */
export function nonPublicAddressRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not_an_address';
  let ip = ipaddr.process(address); // IPv4-mapped IPv6 becomes the IPv4 address
  if (ip.kind() === 'ipv6' && ip.range() === 'rfc6052') {
    const bytes = ip.toByteArray();
    if ((ip as ipaddr.IPv6).parts.slice(2, 6).every((p) => p === 0)) ip = ipaddr.fromByteArray(bytes.slice(12)); // 64:ff9b::/96, the well-known NAT64 prefix
  }
  const range = ip.range();
  return range === 'unicast' ? undefined : range;
}
