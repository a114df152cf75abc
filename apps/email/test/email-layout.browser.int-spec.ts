import Handlebars from 'handlebars';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshotFile } from '@reclaim/testing';
import { maskedAddress } from '../src/content/domain/links';
import { UNSUBSCRIBE_CONFIRM_PAGE, UNSUBSCRIBE_DONE_PAGE, UNSUBSCRIBE_INVALID_PAGE } from '../src/templates';
import {
  composeEmailCase,
  layoutProblems,
  MAX_SPAM_SCORE,
  measureEmail,
  PHONE_WIDTHS,
  renderEmailCase,
  spamAssassinPath,
  spamProblem,
  spamScore,
} from './email-check/email-layout-check';
import { EMAIL_CASES } from './email-check/sample-carts';

/**
 * Every email template, for every sample cart (email-check/sample-carts.ts), as a shopper's phone
 * shows it in Chromium at 320, 375 and 414 px: no horizontal scroll, a call to action at least
 * 44 px high, body text of at least 14 px, no image wider than the screen. Each message also
 * scores at most 1.0 with SpamAssassin's local tests, where Debian's spamassassin is installed.
 * `npm run email:check` runs the same checks at 600 and 1200 px too and prints them as a table.
 * Screenshots: artifacts/screenshots/email-*.png.
 */
describe('email layout in Chromium', () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each(EMAIL_CASES.map((c) => [c.id, c] as const))('%s fits phones from 320 px up', async (_id, c) => {
    if (!browser) {
      console.warn('email layout test skipped: launchChromium() found no Chromium (tools/browser/ensure-chromium.sh)');
      return;
    }
    const { html } = renderEmailCase(c);
    const problems: string[] = [];
    for (const width of PHONE_WIDTHS) {
      const measured = await measureEmail(browser, c, html, width, screenshotFile(`email-${c.id}-${width}`));
      problems.push(...layoutProblems(measured).map((p) => `${width} px: ${p}`));
    }
    expect(problems).toEqual([]);
  });

  const unsubscribePages = {
    confirm: Handlebars.compile(UNSUBSCRIBE_CONFIRM_PAGE)({
      email: maskedAddress(`${'k'.repeat(40)}@a-very-long-mail-domain-of-a-small-shop.example`),
      action: '/unsubscribe/v1.k1.token',
    }),
    done: UNSUBSCRIBE_DONE_PAGE,
    invalid: UNSUBSCRIBE_INVALID_PAGE,
  };

  it.each(Object.entries(unsubscribePages))(
    'the unsubscribe %s page fits phones from 320 px up, its button a full tap target',
    async (name, html) => {
      if (!browser) return;
      const problems: string[] = [];
      for (const width of PHONE_WIDTHS) {
        const context = await browser.newContext({ viewport: { width, height: 700 }, isMobile: true, hasTouch: true });
        try {
          const page = await context.newPage();
          await page.setContent(html);
          const m = await page.evaluate<{ scrollWidth: number; button: number | null; font: number }>(
            `({ scrollWidth: document.documentElement.scrollWidth,
                button: document.querySelector('button')?.getBoundingClientRect().height ?? null,
                font: parseFloat(getComputedStyle(document.querySelector('p')).fontSize) })`,
          );
          await page.screenshot({ path: screenshotFile(`unsubscribe-${name}-${width}`) });
          if (m.scrollWidth > width) problems.push(`${width} px: scroll width ${m.scrollWidth}`);
          if (m.button !== null && m.button < 44) problems.push(`${width} px: button ${m.button} px high`);
          if (m.font < 14) problems.push(`${width} px: text ${m.font} px`);
        } finally {
          await context.close();
        }
      }
      expect(problems).toEqual([]);
      if (name === 'confirm') expect(html).toContain('<button');
    },
  );
});

const spamassassin = spamAssassinPath();
if (!spamassassin) console.warn('spam score skipped: spamassassin not installed');

(spamassassin ? describe : describe.skip)('email spam score (SpamAssassin, local tests)', () => {
  it.each(EMAIL_CASES.map((c) => [c.id, c] as const))(
    `%s scores at most ${MAX_SPAM_SCORE.toFixed(1)}`,
    async (_id, c) => {
      const score = await spamScore(await composeEmailCase(c, renderEmailCase(c)), spamassassin!);
      expect(spamProblem(score)).toBeUndefined();
    },
  );
});
