import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@reclaim/core';
import { BaseConfig, kafkaSecurity } from './base-config';

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
