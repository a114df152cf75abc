import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { COMPILED_HTML } from './compiled-html.generated';

describe('COMPILED_HTML', () => {
  it('is what MJML compiles from mjml/ today (run tools/email-templates/compile.ts after editing a layout)', () => {
    const root = join(__dirname, '..', '..', '..', '..');
    // Exits 1 when the generated file differs from a fresh, strictly validated compile.
    expect(() =>
      execFileSync(process.execPath, ['--no-warnings', 'tools/email-templates/compile.ts', '--check'], {
        cwd: root,
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('keeps every Handlebars block MJML was given', () => {
    for (const html of Object.values(COMPILED_HTML)) {
      for (const block of ['if', 'each']) {
        const opened = html.split(`{{#${block} `).length - 1;
        expect(opened).toBeGreaterThan(0);
        expect(html.split(`{{/${block}}}`).length - 1).toBe(opened);
      }
    }
  });
});
