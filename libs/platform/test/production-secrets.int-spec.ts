import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT } from '@reclaim/testing';

/** Runs a built service (dist/, built by the test setup) and resolves with its exit code and stderr. */
function runService(name: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const { RESUME_LINK_SECRET: _inherited, ...base } = process.env;
    const child = spawn(process.execPath, [resolve(REPO_ROOT, `dist/apps/${name}/src/main.js`)], {
      cwd: REPO_ROOT,
      env: { ...base, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${name} did not exit: it started with an unsafe configuration\n${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

/**
 * In production (NODE_ENV=production) no service that signs or verifies links runs with the
 * development secret, a demo secret or a short one, nor ingestion with the development API key,
 * nor with a link base or store page that is not https: each exits 78 (EX_CONFIG) at once, naming
 * the variable, before it connects to anything.
 */
describe('a service started in production with development secrets', () => {
  const strong = 'k1:'.concat('s'.repeat(40));

  it.each(['ingestion', 'email', 'sms', 'push'])(
    '%s exits 78 naming RESUME_LINK_SECRET when it is the default',
    async (name) => {
      const { code, stderr } = await runService(name, {
        NODE_ENV: 'production',
        INGESTION_API_KEYS: 'shop:a-real-key-0123456789',
      });
      expect(code).toBe(78);
      expect(stderr).toMatch(/RESUME_LINK_SECRET: key \w+ is a development default/);
    },
  );

  it('exits 78 on a short secret, and on the demo store key, naming each', async () => {
    const short = await runService('email', { NODE_ENV: 'production', RESUME_LINK_SECRET: 'only-twenty-chars-xx' });
    expect(short.code).toBe(78);
    expect(short.stderr).toMatch(/RESUME_LINK_SECRET: key \w+ is shorter than 32 bytes/);
    const demoKey = await runService('ingestion', {
      NODE_ENV: 'production',
      RESUME_LINK_SECRET: strong,
      INGESTION_API_KEYS: 'demo-store:demo-store-key-0001',
    });
    expect(demoKey.code).toBe(78);
    expect(demoKey.stderr).toContain('INGESTION_API_KEYS: store demo-store uses a development API key');
    expect(demoKey.stderr).not.toContain('RESUME_LINK_SECRET');
  });

  it.each(['email', 'sms', 'push'])('%s exits 78 naming a plain-http link base', async (name) => {
    const { code, stderr } = await runService(name, {
      NODE_ENV: 'production',
      RESUME_LINK_SECRET: strong,
      PUBLIC_BASE_URL: 'http://r.shop.example',
      EMAIL_PUBLIC_URL: 'http://mail.shop.example',
    });
    expect(code).toBe(78);
    expect(stderr).toContain('PUBLIC_BASE_URL: must be an https URL in production');
    if (name === 'email') expect(stderr).toContain('EMAIL_PUBLIC_URL: must be an https URL in production');
    expect(stderr).not.toContain('RESUME_LINK_SECRET');
  });

  it('ingestion exits 78 naming a plain-http store page', async () => {
    const { code, stderr } = await runService('ingestion', {
      NODE_ENV: 'production',
      RESUME_LINK_SECRET: strong,
      INGESTION_API_KEYS: 'shop:a-real-key-0123456789',
      STORE_CART_URL_TEMPLATE: 'http://shop.example/cart/{cartId}',
    });
    expect(code).toBe(78);
    expect(stderr).toContain('STORE_CART_URL_TEMPLATE: must be an https URL in production');
  });
});
