import { graphemesOf } from '@reclaim/contracts';
import { smsLength, type SmsLength } from './encoding';

/** Ends every message: carriers and the law want the opt-out said in the message itself. */
export const OPT_OUT_TEXT = 'Reply STOP to opt out';

export interface SmsContentInput {
  storeName: string;
  /** The cart's items, first one named in the message. */
  items: ReadonlyArray<{ title: string; quantity: number }>;
  /** 1 for the first SMS of a sequence; later ones say the items are still waiting. */
  sequence: number;
  resumeUrl: string;
  maxSegments: number;
}

export interface SmsContent extends SmsLength {
  body: string;
  /** True when the product title had to be cut to stay within the segment limit. */
  shortened: boolean;
}

const ELLIPSIS = '...'; // "…" is not in GSM-7 and would turn the message into UCS-2

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

function render(storeName: string, product: string, sequence: number, url: string): string {
  const lead =
    sequence <= 1 ? `you left ${product} in your cart. Finish your order: ` : `${product} is still in your cart: `;
  return `${storeName}: ${lead}${url} ${OPT_OUT_TEXT}`;
}

/**
 * The SMS for a touch: names the store and a product, carries the resume link and ends with the
 * opt-out. When it would take more than `maxSegments` segments, the product title is cut (character
 * by character, so a dropped emoji can also bring the message back to GSM-7); when even
 * the shortest form does not fit, there is no message (undefined) — never one over the limit.
 */
export function composeSms(input: SmsContentInput): SmsContent | undefined {
  const storeName = clean(input.storeName);
  const items = input.items.filter((i) => clean(i.title) !== '');
  const first = items[0];
  const more = items.length - 1;
  const suffix = more > 0 ? ` (+${more} more)` : '';
  const fits = (body: string) => {
    const length = smsLength(body);
    return length.segments <= input.maxSegments ? length : undefined;
  };
  const product = (title: string) => `${title}${suffix}`;

  if (first) {
    const title = graphemesOf(clean(first.title));
    const full = render(storeName, product(title.join('')), input.sequence, input.resumeUrl);
    const length = fits(full);
    if (length) return { body: full, ...length, shortened: false };
    for (let keep = title.length - 1; keep >= 3; keep--) {
      const cut = title.slice(0, keep).join('').trimEnd() + ELLIPSIS;
      const body = render(storeName, product(cut), input.sequence, input.resumeUrl);
      const l = fits(body);
      if (l) return { body, ...l, shortened: true };
    }
  }
  const generic = render(storeName, 'your items', input.sequence, input.resumeUrl);
  const length = fits(generic);
  return length ? { body: generic, ...length, shortened: first !== undefined } : undefined;
}
