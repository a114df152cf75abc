import Handlebars from 'handlebars';
import { EmailTemplateNames, type EmailTemplateName, type TouchDue } from '@reclaim/contracts';
import type { CurrentCart } from './domain/current-cart';
import { angleCopyFor, EmailContent, type StoreContent } from './domain/email-content';
import { formatMoney } from './domain/money';
import { formatShopperTime } from './domain/shopper-time';
import { isBuyable, stockView } from './domain/stock';
import { COMPILED_HTML, INCENTIVE, LAYOUT_TEXT, offerFor, REASSURANCE, REMINDER } from '../templates';

/**
 * Maps a plan's template name to ours: `reminder`, `email.reminder`, `email-reminder-1`… A name
 * that matches none is not guessed at (the touch fails visibly with `unknown_template`).
 */
export function resolveTemplate(name: string): EmailTemplateName | undefined {
  const base = name.toLowerCase().replace(/^email[._:-]/, '');
  return EmailTemplateNames.find(
    (t) => base === t || base.startsWith(`${t}-`) || base.startsWith(`${t}_`) || base.startsWith(`${t}.`),
  );
}

export interface RenderContext {
  resumeUrl: string;
  unsubscribeUrl: string;
  storeName: string;
  postalAddress: string;
  /** The touch's incentive code, when its plan carries one. */
  incentive?: { code: string; expiresAt: Date };
  /** The store's trust block: returns policy and how to reach support (each optional). */
  trust?: { returns?: string; supportEmail?: string; supportPhone?: string };
  /** The store's wording (angle copy); the built-in copy when absent. */
  content?: StoreContent;
}

/** A touch as rendered: its cart may carry current facts over the snapshot (`withCurrentFacts`). */
export type RenderableTouch = Omit<TouchDue, 'cart'> & { cart: CurrentCart };

/** Only http(s) image URLs reach the HTML (never `javascript:`, `data:` or the like). */
export function safeImageUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

const BUILT_IN_CONTENT = EmailContent.builtIn().defaults;

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** The inbox preview line, hidden at the top of the HTML body (not repeated in the text part). */
  preheader?: string;
}

type Compiled = {
  subject: HandlebarsTemplateDelegate;
  preheader: HandlebarsTemplateDelegate;
  cta: string;
  html: HandlebarsTemplateDelegate;
  text: HandlebarsTemplateDelegate;
};

/**
 * Renders a touch into subject, HTML and plain text. The HTML is each template's MJML layout,
 * compiled to HTML at build time (`COMPILED_HTML`), filled here by Handlebars, which escapes
 * everything user-supplied (`{{ }}`); subject, preheader and text are not HTML and are compiled
 * without escaping (the subject is flattened to one line so it cannot inject headers).
 * Handlebars compiles every template once, here; a message only fills them.
 */
export class EmailRenderer {
  private readonly hbs = Handlebars.create();
  private readonly templates: Record<EmailTemplateName, Compiled>;
  private readonly layoutText: HandlebarsTemplateDelegate;

  constructor() {
    const compile = (
      name: EmailTemplateName,
      source: { subject: string; preheader: string; cta: string; text: string },
    ): Compiled => ({
      subject: this.hbs.compile(source.subject, { noEscape: true, strict: false }),
      preheader: this.hbs.compile(source.preheader, { noEscape: true }),
      cta: source.cta,
      html: this.hbs.compile(COMPILED_HTML[name]),
      text: this.hbs.compile(source.text, { noEscape: true }),
    });
    this.templates = {
      reminder: compile('reminder', REMINDER),
      reassurance: compile('reassurance', REASSURANCE),
      incentive: compile('incentive', INCENTIVE),
    };
    this.layoutText = this.hbs.compile(LAYOUT_TEXT, { noEscape: true });
  }

  /**
   * Undefined when nothing in the cart can be bought any more: the caller skips the touch with
   * `nothing_in_stock` instead of sending a message about items the shopper cannot have.
   */
  render(template: EmailTemplateName, touch: RenderableTouch, ctx: RenderContext): RenderedEmail | undefined {
    const stock = stockView(touch.cart);
    if (!stock) return undefined;
    const locale = touch.customer.locale ?? 'en-US';
    const currency = touch.cart.currency;
    const items = touch.cart.items.map((i) => ({
      title: i.title,
      quantity: i.quantity,
      unitPrice: formatMoney(i.unitPrice, currency, locale),
      priceBefore: i.priceBefore === undefined ? undefined : formatMoney(i.priceBefore, currency, locale),
      lineTotal: formatMoney(i.unitPrice * i.quantity, currency, locale),
      soldOut: !isBuyable(i),
      imageUrl: safeImageUrl(i.imageUrl),
    }));
    const firstTitle = stock.headline.title;
    const compiled = this.templates[template];
    const data = {
      firstTitle,
      firstName: touch.customer.firstName,
      angle: angleCopyFor(ctx.content ?? BUILT_IN_CONTENT, touch, { fallBackToSegment: template === 'reassurance' }),
      ...offerFor(touch.incentive),
    };
    const subject = compiled
      .subject(data)
      .replace(/[\r\n\t]+/g, ' ')
      .trim();
    const frame = {
      ...ctx,
      subject,
      lang: locale.split('-')[0] ?? 'en',
      items,
      showImages: items.some((i) => i.imageUrl !== undefined),
      total: formatMoney(stock.buyableTotal, currency, locale),
      someOutOfStock: stock.someOutOfStock,
      incentive: ctx.incentive && {
        code: ctx.incentive.code,
        offer: offerFor(touch.incentive).offer,
        expires: formatShopperTime(ctx.incentive.expiresAt, locale, touch.customer.timezone),
      },
      trust: ctx.trust && Object.values(ctx.trust).some(Boolean) ? ctx.trust : undefined,
      cta: compiled.cta,
    };
    const preheader = compiled
      .preheader(data)
      .replace(/[\r\n\t]+/g, ' ')
      .trim();
    return {
      subject,
      html: compiled.html({ ...frame, ...data, preheader }),
      text: this.layoutText({ ...frame, body: compiled.text(data) }),
      preheader,
    };
  }
}
