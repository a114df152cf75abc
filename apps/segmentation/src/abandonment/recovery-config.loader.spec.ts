import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@reclaim/core';
import { RecoveryConfig } from './domain/recovery-config';
import { loadRecoveryConfig } from './recovery-config.loader';

describe(loadRecoveryConfig.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'recovery-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('uses the built-in defaults without a file', () => {
    expect(loadRecoveryConfig(undefined).defaults).toEqual(RecoveryConfig.builtIn().defaults);
  });

  it('loads the example file', () => {
    const sut = loadRecoveryConfig(join(__dirname, '..', '..', 'recovery-config.example.json'));
    expect(sut.forStore('store-fashion').plans['app-cart']?.touches[0]?.channel).toBe('push');
  });

  it('names the file and the path of each problem', () => {
    const file = write('bad.json', JSON.stringify({ defaults: { incentives: { cooldown: 'forever' } } }));
    expect(() => loadRecoveryConfig(file)).toThrow(ConfigError);
    expect(() => loadRecoveryConfig(file)).toThrow(
      `RECOVERY_CONFIG_FILE ${file}: defaults.incentives.cooldown: must be a duration`,
    );
  });

  it('reports a missing file and invalid JSON as configuration errors', () => {
    expect(() => loadRecoveryConfig(join(dir, 'missing.json'))).toThrow(
      /RECOVERY_CONFIG_FILE .*missing\.json: .*ENOENT/,
    );
    expect(() => loadRecoveryConfig(write('broken.json', '{ nope'))).toThrow(ConfigError);
  });
});
