import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@reclaim/core';
import { EmailConfig } from './config';

describe('EmailConfig', () => {
  const base = { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://localhost/reclaim' };

  it('keeps the bounce listener off by default', () => {
    expect(loadConfig(EmailConfig, base)).toMatchObject({
      EMAIL_BOUNCE_ADDRESS: '',
      EMAIL_INBOUND_SMTP_PORT: 0,
      EMAIL_INBOUND_SMTP_HOST: '127.0.0.1',
    });
  });

  it('refuses a bounce listener without the address it takes reports for', () => {
    expect(() => loadConfig(EmailConfig, { ...base, EMAIL_INBOUND_SMTP_PORT: '2525' })).toThrow(
      /EMAIL_INBOUND_SMTP_PORT: needs EMAIL_BOUNCE_ADDRESS/,
    );
  });

  it('refuses a bounce address whose local part leaves no room for the touch', () => {
    expect(() =>
      loadConfig(EmailConfig, { ...base, EMAIL_BOUNCE_ADDRESS: `${'b'.repeat(21)}@bounce.example` }),
    ).toThrow(/EMAIL_BOUNCE_ADDRESS: its local part may have at most 20 characters/);
    expect(
      loadConfig(EmailConfig, {
        ...base,
        EMAIL_BOUNCE_ADDRESS: 'bounces@bounce.example',
        EMAIL_INBOUND_SMTP_PORT: '2525',
      }),
    ).toMatchObject({ EMAIL_INBOUND_SMTP_PORT: 2525 });
  });

  describe('DKIM signing', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const dkim = { EMAIL_DKIM_DOMAIN: 'shop.example', EMAIL_DKIM_SELECTOR: 'reclaim1' };
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(EmailConfig, { ...base, ...env });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };

    it('is off by default and takes a key from the variable or its file', () => {
      expect(loadConfig(EmailConfig, base).EMAIL_DKIM_PRIVATE_KEY).toBe('');
      expect(loadConfig(EmailConfig, { ...base, ...dkim, EMAIL_DKIM_PRIVATE_KEY: pem }).EMAIL_DKIM_PRIVATE_KEY).toBe(
        pem,
      );
      const file = join(mkdtempSync(join(tmpdir(), 'dkim-')), 'key.pem');
      writeFileSync(file, pem);
      expect(
        loadConfig(EmailConfig, { ...base, ...dkim, EMAIL_DKIM_PRIVATE_KEY_FILE: file }).EMAIL_DKIM_PRIVATE_KEY,
      ).toBe(pem);
    });

    it('wants all three settings or none, naming what is missing', () => {
      const message = problems({ EMAIL_DKIM_DOMAIN: 'shop.example' });
      expect(message).toMatch(/EMAIL_DKIM_SELECTOR: DKIM signing needs/);
      expect(message).toMatch(/EMAIL_DKIM_PRIVATE_KEY: DKIM signing needs/);
      expect(message).not.toMatch(/EMAIL_DKIM_DOMAIN:/);
      expect(problems({ EMAIL_DKIM_PRIVATE_KEY: pem })).toMatch(/EMAIL_DKIM_DOMAIN: .*\n?.*EMAIL_DKIM_SELECTOR:/s);
    });

    it('refuses a key that is no PEM private key, or no RSA key, without quoting it', () => {
      const bad = 'not-a-key-but-a-secret-value';
      const message = problems({ ...dkim, EMAIL_DKIM_PRIVATE_KEY: bad });
      expect(message).toMatch(/EMAIL_DKIM_PRIVATE_KEY: is not a PEM private key/);
      expect(message).not.toContain(bad);
      const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      expect(problems({ ...dkim, EMAIL_DKIM_PRIVATE_KEY: ed25519 })).toMatch(
        /EMAIL_DKIM_PRIVATE_KEY: must be an RSA key, not ed25519/,
      );
      expect(problems({ ...dkim, EMAIL_DKIM_PRIVATE_KEY_FILE: '/nonexistent/key.pem' })).toMatch(
        /EMAIL_DKIM_PRIVATE_KEY_FILE: cannot read \/nonexistent\/key.pem: ENOENT/,
      );
      expect(problems({ ...dkim, EMAIL_DKIM_PRIVATE_KEY: pem, EMAIL_DKIM_PRIVATE_KEY_FILE: '/x' })).toMatch(
        /EMAIL_DKIM_PRIVATE_KEY_FILE: set EMAIL_DKIM_PRIVATE_KEY or its _FILE variant, not both/,
      );
    });
  });

  it('checks the feedback sender id and keeps the unsubscribe mailbox apart from the bounce address', () => {
    expect(loadConfig(EmailConfig, base)).toMatchObject({
      EMAIL_FEEDBACK_SENDER_ID: 'reclaim',
      EMAIL_REPLY_TO: '',
      EMAIL_UNSUBSCRIBE_MAILBOX: '',
    });
    expect(() => loadConfig(EmailConfig, { ...base, EMAIL_FEEDBACK_SENDER_ID: 'a:b' })).toThrow(
      /EMAIL_FEEDBACK_SENDER_ID: 5 to 15 letters/,
    );
    expect(() =>
      loadConfig(EmailConfig, {
        ...base,
        EMAIL_BOUNCE_ADDRESS: 'bounces@bounce.example',
        EMAIL_UNSUBSCRIBE_MAILBOX: 'bounces@bounce.example',
      }),
    ).toThrow(/EMAIL_UNSUBSCRIBE_MAILBOX: must be another mailbox than EMAIL_BOUNCE_ADDRESS/);
    expect(
      loadConfig(EmailConfig, {
        ...base,
        EMAIL_BOUNCE_ADDRESS: 'bounces@bounce.example',
        EMAIL_UNSUBSCRIBE_MAILBOX: 'unsubscribe@bounce.example',
      }).EMAIL_UNSUBSCRIBE_MAILBOX,
    ).toBe('unsubscribe@bounce.example');
  });
});
