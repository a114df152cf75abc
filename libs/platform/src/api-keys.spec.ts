import { parseApiKeys, storeForAuthorization } from './api-keys';

describe(parseApiKeys.name, () => {
  it('parses storeId:key pairs (keys may contain colons)', () => {
    expect(parseApiKeys('shop-1:abcdefgh, shop-2:ij:klmnop')).toEqual([
      { storeId: 'shop-1', key: 'abcdefgh' },
      { storeId: 'shop-2', key: 'ij:klmnop' },
    ]);
  });

  it.each([
    ['', 'no storeId:key pair given'],
    ['shop-1', 'is not storeId:key'],
    [':abcdefgh', 'is not storeId:key'],
    ['shop-1:short', 'shorter than 8 characters'],
    ['a:abcdefgh,b:abcdefgh', 'two stores share one key'],
  ])('rejects %j', (text, message) => {
    expect(() => parseApiKeys(text)).toThrow(message);
  });
});

describe(storeForAuthorization.name, () => {
  const keys = parseApiKeys('shop-1:key-one-1234,shop-2:key-two-5678');

  it('finds the store that owns a bearer key', () => {
    expect(storeForAuthorization('Bearer key-two-5678', keys)).toBe('shop-2');
    expect(storeForAuthorization('bearer key-one-1234', keys)).toBe('shop-1');
  });

  it.each([undefined, '', 'Bearer', 'Basic key-one-1234', 'Bearer key-one-123', 'Bearer key-one-12345'])(
    'finds no store for %j',
    (header) => {
      expect(storeForAuthorization(header, keys)).toBeUndefined();
    },
  );
});
