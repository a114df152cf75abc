import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@reclaim/core';
import {
  BaseConfig,
  DEV_API_KEY,
  envBaseUrl,
  envSigningKeys,
  isSecureLinkBase,
  kafkaSecurity,
  productionProblems,
} from './base-config';

describe(kafkaSecurity.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'reclaim-kafka-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('adds nothing by default: plaintext, no SASL', () => {
    expect(kafkaSecurity(loadConfig(BaseConfig, {}))).toEqual({});
  });

  it('turns TLS on with the system roots, or with the PEM files given (mutual TLS)', () => {
    expect(kafkaSecurity(loadConfig(BaseConfig, { KAFKA_SSL: 'true' }))).toEqual({ ssl: true });
    const config = loadConfig(BaseConfig, {
      KAFKA_SSL_CA_FILE: file('ca.pem', 'CA PEM'),
      KAFKA_SSL_CERT_FILE: file('client.pem', 'CERT PEM'),
      KAFKA_SSL_KEY_FILE: file('client.key', 'KEY PEM'),
    });
    expect(kafkaSecurity(config)).toEqual({ ssl: { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' } });
  });

  it('passes the SASL mechanism and credentials', () => {
    const config = loadConfig(BaseConfig, {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'reclaim',
      KAFKA_SASL_PASSWORD: 'secret-password',
    });
    expect(kafkaSecurity(config)).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'reclaim', password: 'secret-password' },
    });
  });

  it('refuses a mechanism it does not know', () => {
    expect(() => loadConfig(BaseConfig, { KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});

describe(productionProblems.name, () => {
  const production = (env: Record<string, string>) =>
    productionProblems(
      loadConfig(BaseConfig.extend({ RESUME_LINK_SECRET: envSigningKeys('dev-only-change-me') }), {
        NODE_ENV: 'production',
        ...env,
      }),
    );

  it('names RESUME_LINK_SECRET when production would run with the default, a known demo secret or a short one', () => {
    expect(production({})).toEqual([expect.stringMatching(/^RESUME_LINK_SECRET: key \w+ is a development default/)]);
    expect(production({ RESUME_LINK_SECRET: 'compose-only-change-me' })).toEqual([
      expect.stringMatching(/^RESUME_LINK_SECRET: .*development default/),
    ]);
    expect(production({ RESUME_LINK_SECRET: 'k2:'.concat('x'.repeat(40), ',k1:short-old-secret') })).toEqual([
      'RESUME_LINK_SECRET: key k1 is shorter than 32 bytes',
    ]);
  });

  it('accepts a ring of long secrets, and anything outside production', () => {
    expect(production({ RESUME_LINK_SECRET: `k2:${'a'.repeat(32)},k1:${'b'.repeat(48)}` })).toEqual([]);
    expect(
      productionProblems(
        loadConfig(BaseConfig.extend({ RESUME_LINK_SECRET: envSigningKeys('dev-only-change-me') }), {}),
      ),
    ).toEqual([]);
  });

  it('names INGESTION_API_KEYS when a store uses the development key', () => {
    expect(
      productionProblems({
        NODE_ENV: 'production',
        INGESTION_API_KEYS: [
          { storeId: 'demo-store', key: DEV_API_KEY },
          { storeId: 'real', key: 'a-real-key-0123456789' },
        ],
      }),
    ).toEqual(['INGESTION_API_KEYS: store demo-store uses a development API key']);
  });

  describe('link bases and store pages', () => {
    const Links = BaseConfig.extend({
      PUBLIC_BASE_URL: envBaseUrl('http://localhost:3000'),
      EMAIL_PUBLIC_URL: envBaseUrl('http://localhost:3003'),
    });
    const problems = (env: Record<string, string>, extra: Record<string, unknown> = {}) =>
      productionProblems({ ...loadConfig(Links, { NODE_ENV: 'production', ...env }), ...extra });

    it('names PUBLIC_BASE_URL and EMAIL_PUBLIC_URL when production would put http links in messages', () => {
      expect(
        problems({ PUBLIC_BASE_URL: 'http://shop.example', EMAIL_PUBLIC_URL: 'http://mail.shop.example/' }),
      ).toEqual([
        'PUBLIC_BASE_URL: must be an https URL in production (messages link to it)',
        'EMAIL_PUBLIC_URL: must be an https URL in production (messages link to it)',
      ]);
      expect(
        problems({ PUBLIC_BASE_URL: 'https://r.shop.example', EMAIL_PUBLIC_URL: 'https://m.shop.example' }),
      ).toEqual([]);
      // Outside production anything goes.
      expect(productionProblems(loadConfig(Links, { PUBLIC_BASE_URL: 'http://shop.example' }))).toEqual([]);
    });

    it('names the store page templates ingestion would refuse to send a shopper to', () => {
      expect(
        problems(
          {},
          {
            STORE_CART_URL_TEMPLATE: 'http://shop.example/cart/{cartId}',
            RESUME_STORES: {
              good: { cartUrl: 'https://good.example/c/{cartId}' },
              bad: { cartUrl: 'https://bad.example/c/{cartId}', checkoutUrl: 'http://bad.example/pay?c={cartId}' },
            },
          },
        ),
      ).toEqual([
        'STORE_CART_URL_TEMPLATE: must be an https URL in production (shoppers are sent to it)',
        "RESUME_STORES: store bad's checkoutUrl must be an https URL in production",
      ]);
      expect(problems({}, { STORE_CART_URL_TEMPLATE: 'https://{storeId}.shops.example/cart/{cartId}' })).toEqual([]);
    });
  });
});

describe(isSecureLinkBase.name, () => {
  it.each([
    ['https://r.shop.example', true],
    ['https://r.shop.example:8443/base', true],
    ['http://localhost:3000', true],
    ['http://app.localhost:3000', true],
    ['http://127.0.0.1:3000', true],
    ['http://[::1]:3000', true],
    ['http://shop.example', false],
    ['http://localhost.shop.example', false],
    ['http://127.0.0.1.nip.io', false],
    ['http://10.0.0.5:3000', false],
    ['ftp://shop.example', false],
    ['not a url', false],
  ])('%s → %s', (base, secure) => {
    expect(isSecureLinkBase(base)).toBe(secure);
  });
});
