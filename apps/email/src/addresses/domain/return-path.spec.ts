import { returnPathFor, touchOfReturnPath } from './return-path';

describe('VERP return path', () => {
  const bounces = 'bounces@bounce.shop.example';
  const secret = 'bounce-test-secret';
  const touchId = 'Ab3_-9zQ1234567890abcdefghijklmn';

  it('names the touch in the envelope sender, within the 64-octet local part', () => {
    const path = returnPathFor(bounces, touchId, secret);
    expect(path).toMatch(/^bounces\+Ab3_-9zQ1234567890abcdefghijklmn\.[0-9a-f]{10}@bounce\.shop\.example$/);
    expect(path.split('@')[0]!.length).toBeLessThanOrEqual(64);
  });

  it('reads the touch back from a report sent to it, the domain and tag in any case', () => {
    const path = returnPathFor(bounces, touchId, secret);
    expect(touchOfReturnPath(path, bounces, secret)).toBe(touchId);
    const [local, domain] = path.split('@') as [string, string];
    expect(touchOfReturnPath(`${local.replace('bounces', 'BOUNCES')}@${domain.toUpperCase()}`, bounces, secret)).toBe(
      touchId,
    );
  });

  it('takes the bare bounce address as ours without a touch', () => {
    expect(touchOfReturnPath('Bounces@bounce.shop.example', bounces, secret)).toBeNull();
  });

  it('refuses a forged or altered tag, another local part and another domain', () => {
    const path = returnPathFor(bounces, touchId, secret);
    expect(touchOfReturnPath(returnPathFor(bounces, touchId, 'another-secret'), bounces, secret)).toBeUndefined();
    expect(touchOfReturnPath(path.replace('Ab3', 'Ab4'), bounces, secret)).toBeUndefined();
    expect(touchOfReturnPath(`bounces+${touchId}@bounce.shop.example`, bounces, secret)).toBeUndefined();
    expect(touchOfReturnPath(path.replace('bounces+', 'postmaster+'), bounces, secret)).toBeUndefined();
    expect(touchOfReturnPath(path.replace('bounce.shop.example', 'evil.example'), bounces, secret)).toBeUndefined();
    expect(touchOfReturnPath('not an address', bounces, secret)).toBeUndefined();
  });
});
