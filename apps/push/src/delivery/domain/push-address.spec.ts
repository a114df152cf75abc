import { nonPublicAddressRange } from './push-address';

describe(nonPublicAddressRange.name, () => {
  const sut = nonPublicAddressRange;

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a00:1', 'private'], // NAT64 of 10.0.0.1
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:7f00:1::1', '6to4'],
    ['not-an-ip', 'not_an_address'],
  ])('refuses %s (%s)', (address, range) => {
    expect(sut(address)).toBe(range);
  });

  it.each([
    '142.250.74.106',
    '172.32.0.1',
    '100.128.0.1',
    '2a00:1450:4001:82b::200a',
    '::ffff:142.250.74.106',
    '64:ff9b::8efa:4a6a',
  ])('lets the public address %s through', (address) => {
    expect(sut(address)).toBeUndefined();
  });
});
