import type { CartItem, IncentiveKind } from '@reclaim/contracts';
import type { LandingIncentive } from './landing-writes';

/** Items listed on the page; the rest are counted ("and 3 more items") and still in the total. Keeps the page small. */
export const MAX_ITEMS_SHOWN = 15;
/** Longest title shown (the contract allows 512 characters); longer ones are cut with an ellipsis. */
const MAX_TITLE = 120;
/** Longest image URL shown; an item whose image URL is longer is shown without it (page size). */
const MAX_IMAGE_URL = 512;

export interface LandingFacts {
  inStock?: { value: boolean; at: Date };
  unitPrice?: { value: number; at: Date };
}

export interface LandingViewInput {
  storeName: string;
  currency: string;
  items: readonly CartItem[];
  /** When the cart's contents were true: a product fact newer than this overrides the item's own price or stock. */
  contentsAt: Date;
  facts: ReadonlyMap<string, LandingFacts>;
  incentive?: LandingIncentive;
  /** The shopper's IANA time zone, if known (the code's expiry is shown in it; else UTC). */
  timezone?: string | null;
  checkoutUrl: string;
  returns?: string;
  delivery?: string;
  support?: string;
  now: Date;
  /** Images over plain http are left out (production). */
  httpsOnly: boolean;
}

export interface LandingItemView {
  title: string;
  quantity: number;
  image?: string;
  unitPrice: string;
  /** The price the cart had, when the current one differs. */
  previousPrice?: string;
  lineTotal: string;
  outOfStock: boolean;
}

export interface LandingView {
  storeName: string;
  items: LandingItemView[];
  /** Items not listed (over MAX_ITEMS_SHOWN), still counted in the total. */
  moreItems: number;
  itemCount: number;
  total: string;
  /** Out-of-stock items, left out of the total. */
  unavailableCount: number;
  incentive?: { code: string; offer: string; expires: string };
  checkoutUrl: string;
  returns?: string;
  delivery?: string;
  support?: string;
}

const OFFERS: Record<IncentiveKind, string> = {
  percent_10: '10% off your order',
  free_shipping: 'Free shipping',
};

/** Formats minor units (cents, yen, fils) in the currency: its own fraction digits decide the scale. */
export function formatMoney(minor: number, currency: string, locale = 'en'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

function shownImage(url: string | undefined, httpsOnly: boolean): string | undefined {
  if (url === undefined || url.length > MAX_IMAGE_URL) return undefined;
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'https:' || (protocol === 'http:' && !httpsOnly) ? url : undefined;
  } catch {
    return undefined;
  }
}

function expiryText(at: Date, timezone: string | null | undefined): string {
  const format = (timeZone: string) =>
    new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
      timeZoneName: 'short',
    }).format(at);
  try {
    return format(timezone ?? 'UTC');
  } catch {
    return format('UTC'); // a zone this runtime does not know
  }
}

/**
 * What Reclaim's landing page shows for a cart: its items at their current price and availability
 * (a product.updated newer than the cart's contents overrides the item's own), the total of what
 * can be bought (out-of-stock items are listed, marked, and left out of it), the touch's incentive
 * while it is valid, and the way to the store's checkout.
 */
export function landingView(input: LandingViewInput): LandingView {
  const money = (minor: number) => formatMoney(minor, input.currency);
  let total = 0;
  let unavailableCount = 0;
  const items = input.items.map((item): LandingItemView => {
    const fact = item.productId === undefined ? undefined : input.facts.get(item.productId);
    const newerPrice = fact?.unitPrice && fact.unitPrice.at > input.contentsAt ? fact.unitPrice.value : undefined;
    const newerStock = fact?.inStock && fact.inStock.at > input.contentsAt ? fact.inStock.value : undefined;
    const unitPrice = newerPrice ?? item.unitPrice;
    const outOfStock = (newerStock ?? item.inStock) === false;
    if (outOfStock) unavailableCount += item.quantity;
    else total += unitPrice * item.quantity;
    const view: LandingItemView = {
      title: item.title.length > MAX_TITLE ? `${item.title.slice(0, MAX_TITLE - 1).trimEnd()}…` : item.title,
      quantity: item.quantity,
      unitPrice: money(unitPrice),
      lineTotal: money(unitPrice * item.quantity),
      outOfStock,
    };
    const image = shownImage(item.imageUrl, input.httpsOnly);
    if (image !== undefined) view.image = image;
    if (unitPrice !== item.unitPrice) view.previousPrice = money(item.unitPrice);
    return view;
  });
  const view: LandingView = {
    storeName: input.storeName,
    items: items.slice(0, MAX_ITEMS_SHOWN),
    moreItems: Math.max(0, items.length - MAX_ITEMS_SHOWN),
    itemCount: input.items.reduce((n, i) => n + i.quantity, 0),
    total: money(total),
    unavailableCount,
    checkoutUrl: input.checkoutUrl,
  };
  const incentive = input.incentive;
  if (incentive && incentive.expiresAt > input.now)
    view.incentive = {
      code: incentive.code,
      offer: OFFERS[incentive.kind],
      expires: expiryText(incentive.expiresAt, input.timezone),
    };
  for (const field of ['returns', 'delivery', 'support'] as const) {
    const value = input[field];
    if (value !== undefined) view[field] = value;
  }
  return view;
}
