import { checkDestination, checkoutUrl, storeHome, storePolicy } from './store-policy';
import { ResumeStoreSettings } from './store-settings';

const DEFAULT_TEMPLATE = 'https://shop.example/cart/{cartId}';
const stores = {
  a: ResumeStoreSettings.parse({
    landing: 'reclaim',
    name: 'Shop A',
    allowedHosts: ['www.shop-a.example'],
    cartUrl: 'https://shop-a.example/cart/{cartId}',
    checkoutUrl: 'https://pay.shop-a.example/checkout?cart={cartId}&store={storeId}',
  }),
  b: ResumeStoreSettings.parse({ cartUrl: 'https://shop-b.example/c/{cartId}' }),
  named: ResumeStoreSettings.parse({ name: 'Only a name' }),
};
const prod = { httpsOnly: true };
const dev = { httpsOnly: false };

describe(storePolicy.name, () => {
  it('allows a store its listed hosts and the hosts of its cart and checkout pages, nothing else', () => {
    const a = storePolicy('a', stores, DEFAULT_TEMPLATE);
    expect([...a.allowedHosts].sort()).toEqual(['pay.shop-a.example', 'shop-a.example', 'www.shop-a.example']);
    expect(a).toMatchObject({ configured: true, landing: 'reclaim', name: 'Shop A' });
  });

  it('gives a store without an entry the default landing and the default template host only', () => {
    const unknown = storePolicy('nobody', stores, DEFAULT_TEMPLATE);
    expect(unknown).toMatchObject({ configured: false, landing: 'store', cartUrlTemplate: DEFAULT_TEMPLATE });
    expect([...unknown.allowedHosts]).toEqual(['shop.example']);
    // An entry without a cart page of its own lands on the default one, so that host is its too.
    expect([...storePolicy('named', stores, DEFAULT_TEMPLATE).allowedHosts]).toEqual(['shop.example']);
  });

  it('does not take an inherited property for a store', () => {
    expect(storePolicy('constructor', stores, DEFAULT_TEMPLATE).configured).toBe(false);
  });
});

describe(checkDestination.name, () => {
  const a = storePolicy('a', stores, DEFAULT_TEMPLATE);

  it('accepts an https URL on an allowed host', () => {
    expect(checkDestination('https://www.shop-a.example/cart/1?x=1', a, prod)).toEqual({
      ok: true,
      url: 'https://www.shop-a.example/cart/1?x=1',
    });
  });

  it.each([
    ['another store', 'https://shop-b.example/c/1'],
    ['the default host, not listed for this store', 'https://shop.example/cart/1'],
    ['a look-alike suffix', 'https://shop-a.example.evil.example/cart/1'],
    ['a look-alike prefix', 'https://evilshop-a.example/cart/1'],
    ['an allowed host on another port', 'https://shop-a.example:8443/cart/1'],
    ['credentials before an allowed host', 'https://shop-a.example:pw@evil.example/'],
    ['user info on an allowed host', 'https://user@shop-a.example/cart/1'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['not a URL', '/cart/1'],
  ])('refuses %s', (_what, url) => {
    expect(checkDestination(url, a, dev).ok).toBe(false);
  });

  it('refuses plain http in production only', () => {
    expect(checkDestination('http://shop-a.example/cart/1', a, prod)).toMatchObject({ ok: false });
    expect(checkDestination('http://shop-a.example/cart/1', a, dev)).toMatchObject({ ok: true });
  });
});

describe(storeHome.name, () => {
  it("is the origin of the store's cart page", () => {
    expect(storeHome(storePolicy('b', stores, DEFAULT_TEMPLATE), prod)).toBe('https://shop-b.example/');
    expect(storeHome(storePolicy('nobody', stores, 'http://localhost:8080/cart/{cartId}'), prod)).toBeUndefined();
  });
});

describe(checkoutUrl.name, () => {
  it("fills the store's checkout template, else keeps the cart URL", () => {
    expect(checkoutUrl(storePolicy('a', stores, DEFAULT_TEMPLATE), 'c 1', 'https://shop-a.example/cart/c1', prod)).toBe(
      'https://pay.shop-a.example/checkout?cart=c%201&store=a',
    );
    expect(checkoutUrl(storePolicy('b', stores, DEFAULT_TEMPLATE), 'c1', 'https://shop-b.example/c/c1', prod)).toBe(
      'https://shop-b.example/c/c1',
    );
  });
});
