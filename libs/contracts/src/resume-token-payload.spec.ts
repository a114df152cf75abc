import fc from 'fast-check';
import { decodeResumePayload, encodeResumePayload } from './resume-token-payload';

describe(decodeResumePayload.name, () => {
  const payload = {
    s: 'shop',
    c: 'cart-1',
    t: '0b6a4f2e-9c3d-4e1f-8a7b-123456789abc',
    ch: 'push' as const,
    u: 'https://shop.example/cart/cart-1',
    iat: 1_767_225_600,
    exp: 1_767_830_400,
  };

  it('reads what encodeResumePayload wrote, and nothing with a byte more or less', () => {
    const bytes = encodeResumePayload(payload);
    expect(decodeResumePayload(bytes)).toEqual(payload);
    expect(decodeResumePayload(Buffer.concat([bytes, Buffer.from([0])]))).toBeUndefined();
    expect(decodeResumePayload(bytes.subarray(0, -1))).toBeUndefined();
  });

  it('refuses unknown flags and channels', () => {
    const bytes = encodeResumePayload(payload);
    expect(decodeResumePayload(Buffer.concat([Buffer.from([bytes[0]! | 0x80]), bytes.subarray(1)]))).toBeUndefined();
    expect(decodeResumePayload(Buffer.concat([Buffer.from([bytes[0]! & ~0b11]), bytes.subarray(1)]))).toBeUndefined();
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(() => decodeResumePayload(Buffer.from(bytes))).not.toThrow();
      }),
    );
  });
});
