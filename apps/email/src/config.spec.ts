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
});
