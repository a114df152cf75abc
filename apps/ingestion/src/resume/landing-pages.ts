import { createHash } from 'node:crypto';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import type { LandingView } from '../landing/domain/landing-view';
import { ERROR_BODY, LANDING_BODY, LANDING_CSS, LAYOUT, ORDER_COMPLETE_BODY } from './landing.template';

// An instance of its own: no helper or partial registered elsewhere reaches these pages.
const hbs = Handlebars.create();
const compile = (template: string) => hbs.compile(template, { strict: false, noEscape: false });
const layout = compile(LAYOUT);
const landingBody = compile(LANDING_BODY);
const orderCompleteBody = compile(ORDER_COMPLETE_BODY);
const errorBody = compile(ERROR_BODY);

/** The stylesheet's hash: the CSP allows exactly this inline style and nothing else. */
const STYLE_HASH = `'sha256-${createHash('sha256').update(LANDING_CSS).digest('base64')}'`;

const page = (title: string, body: string) => layout({ title, body });
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function renderLanding(view: LandingView): string {
  const body = landingBody({
    ...view,
    savedText: `${plural(view.itemCount, 'item', 'items')}, saved just as you left ${view.itemCount === 1 ? 'it' : 'them'}.`,
    moreItemsText:
      view.moreItems > 0 ? `And ${plural(view.moreItems, 'more item', 'more items')} in your cart at the store.` : '',
    trust: view.returns !== undefined || view.delivery !== undefined || view.support !== undefined,
  });
  return page(`Your cart at ${view.storeName}`, body);
}

export function renderOrderComplete(storeName: string, storeHome: string | undefined): string {
  return page(`Order complete – ${storeName}`, orderCompleteBody({ storeName, storeHome }));
}

export type ErrorPageKind = 'not-available' | 'expired';

const ERRORS: Record<ErrorPageKind, { heading: string; message: string }> = {
  'not-available': {
    heading: 'This link is not available',
    message: 'It may have been mistyped or cut short. Please visit the store to find your cart.',
  },
  expired: {
    heading: 'This link has expired',
    message: 'Links to a saved cart only work for a while. Your cart may still be waiting at the store.',
  },
};

export function renderError(kind: ErrorPageKind, store: { name?: string; home?: string } = {}): string {
  const { heading, message } = ERRORS[kind];
  return page(heading, errorBody({ heading, message, storeName: store.name, storeHome: store.home }));
}

/**
 * Headers of every page here: nothing loads but the inline stylesheet and item images (https, and
 * http outside production); no scripts, frames, forms or base URL; no Referer (the URL holds the
 * token); never cached, never indexed.
 */
export function setPageHeaders(res: Response, opts: { httpsOnly: boolean }): void {
  const images = opts.httpsOnly ? 'https:' : 'https: http:';
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'none'",
      `img-src ${images}`,
      `style-src ${STYLE_HASH}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.setHeader('Cache-Control', 'no-store');
  res.type('html');
}
