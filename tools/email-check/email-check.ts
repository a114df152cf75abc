import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@reclaim/testing';
import { landingView } from '../../apps/ingestion/src/landing/domain/landing-view';
import { renderLanding } from '../../apps/ingestion/src/resume/landing-pages';
import {
  CHECK_WIDTHS,
  composeEmailCase,
  emailContext,
  layoutProblems,
  MAX_SPAM_SCORE,
  measureEmail,
  renderEmailCase,
  spamAssassinPath,
  spamProblem,
  spamScore,
  type LayoutMeasure,
  type SpamScore,
} from '../../apps/email/test/email-check/email-layout-check';
import { EMAIL_CASES, EXPIRES_AT, IMAGE_HOST, type EmailCase } from '../../apps/email/test/email-check/sample-carts';

/**
 * `npm run email:check`: every email template for every sample cart
 * (apps/email/test/email-check/sample-carts.ts), opened in headless Chromium at 320, 375, 600 and
 * 1200 px and measured (scroll width against the viewport, call-to-action height, smallest body
 * text, widest image), its MIME message scored by SpamAssassin's local tests where installed.
 * Prints a table; exits 1 when anything is out of bounds. Screenshots, HTML and .eml files go to
 * artifacts/email-check/ (git-ignored).
 *
 * --update-readme-images also writes the README's two phone screenshots: the first email and the
 * resume landing page (docs/images/).
 */

// The repository: this file runs from dist/tools/email-check (tools/run.sh builds first).
const REPO = resolve(__dirname, __dirname.split(sep).includes('dist') ? '../../..' : '../..');
const OUT = join(REPO, 'artifacts', 'email-check');
const README_IMAGES = join(REPO, 'docs', 'images');
/** README screenshots: a phone's width, cropped to about two screens. */
const PHONE = { width: 375, height: 812 };
const README_MAX_HEIGHT = 1400;
/** The README's sample: a reminder for three items, the same cart on the landing page. */
const README_CASE = 'reminder-three-items-reviews';

interface CaseResult {
  c: EmailCase;
  measures: LayoutMeasure[];
  spam?: SpamScore;
  spamError?: string;
}

async function checkCase(browser: Browser, c: EmailCase, spamassassin: string | undefined): Promise<CaseResult> {
  const rendered = renderEmailCase(c);
  const raw = await composeEmailCase(c, rendered);
  writeFileSync(join(OUT, `${c.id}.html`), rendered.html);
  writeFileSync(join(OUT, `${c.id}.eml`), raw);
  const measures: LayoutMeasure[] = [];
  for (const width of CHECK_WIDTHS) {
    measures.push(await measureEmail(browser, c, rendered.html, width, join(OUT, `${c.id}-${width}.png`)));
  }
  if (!spamassassin) return { c, measures };
  try {
    return { c, measures, spam: await spamScore(raw, spamassassin) };
  } catch (error) {
    return { c, measures, spamError: error instanceof Error ? error.message : String(error) };
  }
}

/** Runs `work` over `items`, `limit` at a time (two cores: Chromium and SpamAssassin share them). */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i];
      if (item !== undefined) results[i] = await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Prints rows under a header, each column as wide as its widest cell. */
function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

/** Prints the layout table and the spam table; returns how many checks failed. */
function report(results: CaseResult[], spamassassin: string | undefined): number {
  let failures = 0;
  const layout = results.flatMap(({ c, measures }) =>
    measures.map((m) => {
      const problems = layoutProblems(m);
      if (problems.length > 0) failures++;
      return [
        c.template,
        c.sample.name,
        `${m.width}`,
        `${Math.max(m.scrollWidth, m.bodyScrollWidth)}`,
        `${m.ctaHeight}`,
        m.smallestText ? `${m.smallestText.px}` : '-',
        m.widestImage ? `${m.widestImage.px}` : '-',
        problems.length === 0 ? 'pass' : `FAIL: ${problems.join('; ')}`,
      ];
    }),
  );
  printTable(
    ['template', 'sample', 'width', 'scroll width', 'CTA height', 'smallest text', 'widest image', 'result'],
    layout,
  );
  console.log('');
  if (!spamassassin) {
    console.log('spam score skipped: spamassassin not installed');
    return failures;
  }
  const spam = results.map(({ c, spam: s, spamError }) => {
    const ok = s !== undefined && spamProblem(s) === undefined;
    if (!ok) failures++;
    return [
      c.template,
      c.sample.name,
      s ? s.score.toFixed(1) : '-',
      s ? s.tests.join(', ') : `error: ${spamError ?? 'unknown'}`,
      ok ? 'pass' : `FAIL: above ${MAX_SPAM_SCORE.toFixed(1)}`,
    ];
  });
  printTable(['template', 'sample', 'spam score', 'SpamAssassin rules (local tests)', 'result'], spam);
  return failures;
}

/** The first email (reminder, one item) and the resume landing page, at phone width, for the README. */
async function updateReadmeImages(browser: Browser): Promise<void> {
  mkdirSync(README_IMAGES, { recursive: true });
  const c = EMAIL_CASES.find((e) => e.id === README_CASE);
  if (!c) throw new Error(`no sample case ${README_CASE}`);
  const landing = landingView({
    storeName: c.ctx.storeName,
    currency: c.sample.currency,
    items: c.sample.items,
    contentsAt: new Date(c.touch.dueAt),
    facts: new Map(),
    incentive: { code: 'RCL-7QX2-K9', kind: 'percent_10', cartId: c.touch.cartId, expiresAt: EXPIRES_AT },
    timezone: c.sample.customer.timezone,
    checkoutUrl: `https://shop.example/checkout?cart=${c.touch.cartId}`,
    returns: 'Free returns within 30 days.',
    delivery: 'Ships in 1–2 working days.',
    support: 'help@shop.example · +44 20 7946 0000',
    now: new Date(c.touch.dueAt),
    httpsOnly: true,
  });
  const pages = [
    { file: 'email-reminder-phone.png', html: renderEmailCase(c).html },
    { file: 'landing-page-phone.png', html: renderLanding(landing) },
  ];
  for (const { file, html } of pages) {
    const context = await emailContext(browser, PHONE.width, PHONE.height);
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      const height = Math.min(README_MAX_HEIGHT, await page.evaluate<number>('document.documentElement.scrollHeight'));
      const path = join(README_IMAGES, file);
      await page.screenshot({ path, clip: { x: 0, y: 0, width: PHONE.width, height }, fullPage: true });
      console.log(
        `wrote ${join('docs', 'images', file)} (${PHONE.width}×${height}, ${Math.round(statSync(path).size / 1024)} KB)`,
      );
    } finally {
      await context.close();
    }
  }
}

async function main(): Promise<number> {
  const updateImages = process.argv.includes('--update-readme-images');
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  if (!browser) {
    console.error('email check failed: no Chromium to render in (tools/browser/ensure-chromium.sh installs it)');
    return 1;
  }
  try {
    const spamassassin = spamAssassinPath();
    const results = await pooled(EMAIL_CASES, 2, (c) => checkCase(browser, c, spamassassin));
    console.log(`widths in px; the legal footer is not counted in "smallest text"\n`);
    const failures = report(results, spamassassin);
    console.log('');
    console.log(
      `screenshots, HTML and .eml files: ${join('artifacts', 'email-check')}/ (item images from ${IMAGE_HOST}, served locally)`,
    );
    if (updateImages) await updateReadmeImages(browser);
    const checks = results.length * CHECK_WIDTHS.length + (spamassassin ? results.length : 0);
    console.log(failures === 0 ? `all ${checks} checks passed` : `${failures} of ${checks} checks failed`);
    return failures === 0 ? 0 : 1;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
