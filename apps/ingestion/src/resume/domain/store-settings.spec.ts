import { loadConfig } from '@reclaim/core';
import { IngestionConfig } from '../../config';

const load = (env: Record<string, string>) =>
  loadConfig(IngestionConfig, { INGESTION_API_KEYS: 'my-store:my-store-key-0001', ...env });
const problems = (env: Record<string, string>): string => {
  try {
    load(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('RESUME_STORES and STORE_CART_URL_TEMPLATE', () => {
  it('default to no per-store settings and the channels’ cart page', () => {
    const config = load({});
    expect(config.RESUME_STORES).toEqual({});
    expect(config.STORE_CART_URL_TEMPLATE).toBe('https://shop.example/cart/{cartId}');
  });

  it('reads a store, its host names lower-cased and its landing defaulted', () => {
    const config = load({
      RESUME_STORES: JSON.stringify({
        'my-store': { allowedHosts: ['Shop.Example', 'www.shop.example'], name: 'My Store' },
        other: { landing: 'reclaim', name: 'Other', returns: 'Free returns within 30 days.' },
      }),
    });
    expect(config.RESUME_STORES['my-store']).toEqual({
      landing: 'store',
      allowedHosts: ['shop.example', 'www.shop.example'],
      name: 'My Store',
    });
    expect(config.RESUME_STORES['other']?.landing).toBe('reclaim');
  });

  it.each([
    ['JSON it cannot read', '{"a":', /RESUME_STORES: is not valid JSON/],
    ['a list instead of an object', '[]', /RESUME_STORES: must be a JSON object/],
    ['an unknown landing', '{"a":{"landing":"elsewhere"}}', /RESUME_STORES\.a\.landing/],
    [
      'a host with a scheme',
      '{"a":{"allowedHosts":["https://shop.example"]}}',
      /RESUME_STORES\.a\.allowedHosts\.0: must be a host name/,
    ],
    [
      'a cart page that is not http(s)',
      '{"a":{"cartUrl":"javascript:alert(1)"}}',
      /RESUME_STORES\.a\.cartUrl: must be an http\(s\) URL template/,
    ],
    ['a misspelt field', '{"a":{"checkoutURL":"https://shop.example/checkout"}}', /RESUME_STORES\.a: .*checkoutURL/],
    [
      'a reclaim landing without a store name',
      '{"a":{"landing":"reclaim"}}',
      /RESUME_STORES\.a\.name: is required when landing is "reclaim"/,
    ],
  ])('refuses %s, naming the problem', (_what, value, message) => {
    expect(problems({ RESUME_STORES: value })).toMatch(message);
  });

  it('refuses a cart URL template that is not http(s)', () => {
    expect(problems({ STORE_CART_URL_TEMPLATE: 'shop.example/cart/{cartId}' })).toMatch(
      /STORE_CART_URL_TEMPLATE: must be an http\(s\) URL template/,
    );
  });
});
