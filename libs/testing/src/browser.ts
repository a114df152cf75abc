import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Where browser tests save their screenshots (git-ignored). */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'artifacts', 'screenshots');

/** The Chromium to drive: CHROMIUM_PATH, else Debian's (tools/browser/ensure-chromium.sh installs it). */
export function chromiumPath(): string | undefined {
  const candidates = [process.env['CHROMIUM_PATH'], '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

/**
 * Launches headless Chromium with the flags a closed network needs (no background networking,
 * no component updates). Undefined, with the reason logged, only where no Chromium is installed
 * and none could be: browser specs then skip with that message.
 */
export async function launchChromium(): Promise<Browser | undefined> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    console.warn(
      'browser tests skipped: no Chromium found (tools/browser/ensure-chromium.sh installs Debian chromium; or set CHROMIUM_PATH)',
    );
    return undefined;
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A path for a named screenshot, its folder created. */
export function screenshotFile(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, '-')}.png`);
}

/** Phone and desktop viewports every page is checked at. */
export const Viewports = {
  phone: { width: 375, height: 812 },
  desktop: { width: 1280, height: 900 },
} as const;
