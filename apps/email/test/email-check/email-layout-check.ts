import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { derivedId } from '@reclaim/core';
import { EmailRenderer, type RenderedEmail } from '../../src/content/email-renderer';
import { messageHeaders } from '../../src/content/domain/headers';
import { composeMime } from '../../src/content/mime';
import { IMAGE_HOST, type EmailCase } from './sample-carts';

/**
 * What `npm run email:check` (tools/email-check/email-check.ts) and email-layout.browser.int-spec.ts
 * both do with a sample message: render it as the email service does, open it in Chromium at a
 * width and measure what a shopper would hit (horizontal scroll, small tap target, small type,
 * oversized images), build its MIME message and score it with SpamAssassin.
 */

/** Widths every message must fit without horizontal scrolling (small phone, common phone, large phone). */
export const PHONE_WIDTHS = [320, 375, 414] as const;
/** The script's widths: phones, the classic 600 px email column, a desktop client. */
export const CHECK_WIDTHS = [320, 375, 600, 1200] as const;
/** Smallest comfortable tap target (Apple HIG, WCAG 2.5.5). */
export const MIN_TAP_TARGET_PX = 44;
/** Smallest body text (the legal footer is exempt). */
export const MIN_BODY_FONT_PX = 14;
/** Highest SpamAssassin score a message may get with Debian's local rules. */
export const MAX_SPAM_SCORE = 1.0;

export interface LayoutMeasure {
  width: number;
  /** document.documentElement.scrollWidth */
  scrollWidth: number;
  /** document.body.scrollWidth */
  bodyScrollWidth: number;
  /** Height of the tallest link to the resume URL (the call to action); 0 when there is none. */
  ctaHeight: number;
  /** The smallest visible text outside the footer that holds the unsubscribe link. */
  smallestText?: { px: number; text: string };
  /** The widest image as laid out. */
  widestImage?: { px: number; src: string };
}

/** What is wrong with a message at a width, in words; empty when nothing is. */
export function layoutProblems(m: LayoutMeasure): string[] {
  const problems: string[] = [];
  const widest = Math.max(m.scrollWidth, m.bodyScrollWidth);
  if (widest > m.width) problems.push(`scroll width ${widest} px > ${m.width} px viewport`);
  if (m.ctaHeight < MIN_TAP_TARGET_PX) problems.push(`call to action ${m.ctaHeight} px high < ${MIN_TAP_TARGET_PX} px`);
  if (m.smallestText && m.smallestText.px < MIN_BODY_FONT_PX) {
    problems.push(`text at ${m.smallestText.px} px < ${MIN_BODY_FONT_PX} px: "${m.smallestText.text}"`);
  }
  if (m.widestImage && m.widestImage.px > m.width) {
    problems.push(`image ${m.widestImage.px} px wide > ${m.width} px viewport: ${m.widestImage.src}`);
  }
  return problems;
}

const renderer = new EmailRenderer();

/** The case's message as the email service renders it. */
export function renderEmailCase(c: EmailCase): RenderedEmail {
  const rendered = renderer.render(c.template, c.touch, c.ctx);
  if (!rendered) throw new Error(`${c.id}: nothing in the sample cart can be bought`);
  return rendered;
}

/**
 * The case's full MIME message, with the headers the email service sends (the same
 * `messageHeaders` apps/email/src/content/email-composer.ts calls), a support Reply-To and an
 * unsubscribe mailbox configured, as a careful store would.
 */
export async function composeEmailCase(c: EmailCase, rendered: RenderedEmail): Promise<Buffer> {
  const unsubscribeToken = c.ctx.unsubscribeUrl.slice(c.ctx.unsubscribeUrl.lastIndexOf('/') + 1);
  const { raw } = await composeMime({
    from: '"Reclaim Demo Shop" <shop@shop.example>',
    to: c.touch.customer.email ?? 'shopper@example.com',
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId: `<${derivedId('email', c.touch.touchId)}@shop.example>`,
    envelopeFrom: `bounces+${c.touch.touchId}@shop.example`,
    headers: messageHeaders({
      touchId: c.touch.touchId,
      storeId: c.touch.storeId,
      template: c.template,
      unsubscribeUrl: c.ctx.unsubscribeUrl,
      unsubscribeToken,
      unsubscribeMailbox: 'unsubscribe@bounce.shop.example',
      replyTo: 'help@shop.example',
      feedbackSenderId: 'reclaim',
    }),
  });
  return raw;
}

/**
 * A small product "photo" for an image path: a soft two-colour gradient whose hue comes from the
 * path, so the items in a screenshot look like different products. 160×160, a few hundred bytes.
 */
export function productImagePng(path: string, size = 160): Buffer {
  const hue = crc32(path) % 360;
  const rgb = (h: number, s: number, l: number): [number, number, number] => {
    const k = (n: number) => (n + h / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    const f = (n: number) => Math.round(255 * (l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))));
    return [f(0), f(8), f(4)];
  };
  const top = rgb(hue, 0.45, 0.82);
  const bottom = rgb((hue + 25) % 360, 0.5, 0.55);
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then RGB
    const t = y / (size - 1);
    for (let x = 0; x < size; x++) {
      for (let ch = 0; ch < 3; ch++) row[1 + x * 3 + ch] = Math.round(top[ch]! + (bottom[ch]! - top[ch]!) * t);
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A browser context at `width` that answers the sample image host itself and refuses every other
 * request: the messages load their images as a mail client would, and nothing leaves the machine.
 */
export async function emailContext(browser: Browser, width: number, height = 900): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === IMAGE_HOST) {
      return route.fulfill({ status: 200, contentType: 'image/png', body: productImagePng(url.pathname) });
    }
    return route.abort('blockedbyclient');
  });
  return context;
}

/*
 * Runs in the page (a string: the workspace compiles without the DOM library). Text counts when it
 * is visible: not display:none, hidden or transparent, and not inside a zero-height clipped box
 * (how a preheader hides). The legal footer is the nearest block around the unsubscribe link.
 */
const MEASURE_IN_PAGE = `(({ resumeUrl, unsubscribeUrl }) => {
  const links = [...document.querySelectorAll('a[href]')];
  const ctaHeight = Math.max(0, ...links.filter((a) => a.getAttribute('href') === resumeUrl && a.textContent.trim())
    .map((a) => a.getBoundingClientRect().height));
  let footer = links.find((a) => a.getAttribute('href') === unsubscribeUrl)?.parentElement ?? null;
  while (footer && !['block', 'table-cell', 'list-item', 'flex', 'grid'].includes(getComputedStyle(footer).display)) {
    footer = footer.parentElement;
  }
  const clipped = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflow !== 'visible' && e.getBoundingClientRect().height < 1) return true;
    }
    return false;
  };
  let smallestText;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    if (!text || !el || (footer && footer.contains(el))) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) || clipped(el)) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    if (!smallestText || px < smallestText.px) smallestText = { px, text: text.slice(0, 60) };
  }
  let widestImage;
  for (const img of document.images) {
    const px = Math.round(img.getBoundingClientRect().width);
    if (!widestImage || px > widestImage.px) widestImage = { px, src: img.getAttribute('src') };
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    ctaHeight: Math.round(ctaHeight),
    smallestText,
    widestImage,
  };
})`;

/**
 * Opens the message's HTML at `width` (images loaded), measures it and, given a path, saves a
 * full-page screenshot there.
 */
export async function measureEmail(
  browser: Browser,
  c: EmailCase,
  html: string,
  width: number,
  screenshotPath?: string,
): Promise<LayoutMeasure> {
  const context = await emailContext(browser, width);
  try {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const args = JSON.stringify({ resumeUrl: c.ctx.resumeUrl, unsubscribeUrl: c.ctx.unsubscribeUrl });
    const measured = await page.evaluate<Omit<LayoutMeasure, 'width'>>(`${MEASURE_IN_PAGE}(${args})`);
    if (screenshotPath) await page.screenshot({ path: screenshotPath, fullPage: true });
    return { width, ...measured };
  } finally {
    await context.close();
  }
}

/** SpamAssassin on the PATH (Debian's `spamassassin` package), or SPAMASSASSIN_PATH; undefined where neither is. */
export function spamAssassinPath(): string | undefined {
  const onPath = (process.env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'spamassassin'));
  const candidates = [process.env['SPAMASSASSIN_PATH'], ...onPath];
  return candidates.find((path): path is string => !!path && existsSync(path));
}

export interface SpamScore {
  score: number;
  /** The rules that fired, as SpamAssassin names them. */
  tests: string[];
}

/** What is wrong with a spam score, in words (the rules that fired); undefined when nothing is. */
export function spamProblem({ score, tests }: SpamScore): string | undefined {
  return score > MAX_SPAM_SCORE ? `spam score ${score} > ${MAX_SPAM_SCORE.toFixed(1)}: ${tests.join(', ')}` : undefined;
}

/**
 * Scores a raw message with SpamAssassin's local tests only (`-L`: no DNS or network rules; never
 * `sa-update`, which fails offline and leaves it without rules). Bayes is off and nothing is
 * learned or written to the user's home, so a score depends on the message alone.
 */
export async function spamScore(raw: Buffer, executable: string): Promise<SpamScore> {
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      executable,
      ['-L', '-t', '-x', '--cf=use_bayes 0', '--cf=bayes_auto_learn 0'],
      { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (error, out) => {
        if (error) reject(new Error(`spamassassin failed: ${error.message}`, { cause: error }));
        else resolve(out);
      },
    );
    child.stdin?.end(raw);
  });
  // A folded header: `X-Spam-Status: No, score=0.0 required=5.0 tests=A,B,\n\tC autolearn=…`.
  const status = /^X-Spam-Status: (.*(?:\r?\n[ \t].*)*)/m.exec(stdout)?.[1]?.replace(/,\s+/g, ',').replace(/\s+/g, ' ');
  const score = status && /score=(-?\d+(?:\.\d+)?)/.exec(status)?.[1];
  if (!status || !score) throw new Error("no X-Spam-Status score in SpamAssassin's output");
  const tests = /tests=(\S*)/.exec(status)?.[1];
  return { score: Number(score), tests: tests && tests !== 'none' ? tests.split(',') : [] };
}
