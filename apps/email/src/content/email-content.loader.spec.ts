import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@reclaim/core';
import { BUILT_IN_ANGLES } from './domain/email-content';
import { loadEmailContent } from './email-content.loader';

describe(loadEmailContent.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'email-content-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown): string => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('uses the built-in copy without a file', () => {
    expect(loadEmailContent('').forStore('any').angles).toEqual(BUILT_IN_ANGLES);
    expect(loadEmailContent(undefined).defaults.angles).toEqual(BUILT_IN_ANGLES);
  });

  it('loads the example file: store copy over the file defaults over the built-in copy, angle by angle', () => {
    const sut = loadEmailContent(join(__dirname, '..', '..', 'email-content.example.json'));
    const fashion = sut.forStore('store-fashion').angles;
    expect(fashion.delivery.headline).toBe('Delivered in 2 days');
    expect(fashion.returns.headline).toBe('Returns are on us'); // from defaults
    expect(fashion.support).toEqual(BUILT_IN_ANGLES.support); // built in
    const other = sut.forStore('store-other').angles;
    expect(other.returns.headline).toBe('Returns are on us');
    expect(other.delivery).toEqual(BUILT_IN_ANGLES.delivery);
  });

  it('names the file and the path of every problem in one error', () => {
    const file = write('bad.json', {
      defaults: { angles: { returns: { headline: '' }, refunds: { headline: 'x', body: 'y' } } },
      stores: { 'store-1': { angles: { delivery: { headline: 'Fast', body: 'b', emoji: '🚚' } }, footer: 'x' } },
      colours: {},
    });
    let error: unknown;
    try {
      loadEmailContent(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(
      expect.arrayContaining([
        `EMAIL_CONTENT_FILE ${file}: defaults.angles.returns.headline: must not be empty`,
        `EMAIL_CONTENT_FILE ${file}: defaults.angles.returns.body: must be a string`,
        expect.stringContaining(
          `EMAIL_CONTENT_FILE ${file}: defaults.angles.refunds: unknown key (angles: payment_options,`,
        ),
        `EMAIL_CONTENT_FILE ${file}: stores.store-1.angles.delivery.emoji: unknown key`,
        `EMAIL_CONTENT_FILE ${file}: stores.store-1.footer: unknown key`,
        `EMAIL_CONTENT_FILE ${file}: colours: unknown key`,
      ]),
    );
    expect((error as ConfigError).problems).toHaveLength(6);
  });

  it('rejects copy that is too long', () => {
    const file = write('long.json', { defaults: { angles: { support: { headline: 'x'.repeat(121), body: 'ok' } } } });
    expect(() => loadEmailContent(file)).toThrow(`defaults.angles.support.headline: must be at most 120 characters`);
  });

  it('reports a missing file and invalid JSON as configuration errors', () => {
    expect(() => loadEmailContent(join(dir, 'missing.json'))).toThrow(/EMAIL_CONTENT_FILE .*missing\.json: .*ENOENT/);
    expect(() => loadEmailContent(write('broken.json', '{ nope'))).toThrow(ConfigError);
  });
});
