import { createHash } from 'node:crypto';
import { shortenText, type TouchDue } from '@reclaim/contracts';

/**
 * What a push resume card says. Web push carries it as the encrypted JSON payload (the store's
 * service worker shows it); FCM carries title, body and image as the notification and the rest as data.
 * No personal data: a lock screen is not private.
 */
export interface ResumeCard {
  title: string;
  body: string;
  /** The signed resume link (channel `push`). */
  url: string;
  image?: string;
  cartId: string;
  touchId: string;
  /** Same as the web push `Topic`: a service worker can use it as the notification tag. */
  tag: string;
}

const MAX_PRODUCT_TITLE = 60;

/** The card for a touch: the title names the product (the first item), the image is the first item's that has one. */
export function buildResumeCard(
  touch: Pick<TouchDue, 'cart' | 'cartId' | 'touchId' | 'storeId'>,
  url: string,
): ResumeCard {
  const items = touch.cart.items;
  const first = items[0];
  const others = items.slice(1).reduce((n, i) => n + i.quantity, 0);
  const image = items.find((i) => i.imageUrl !== undefined)?.imageUrl;
  const product = first ? shortenText(first.title, MAX_PRODUCT_TITLE) : undefined;
  const card: ResumeCard = {
    title: product ? `Still thinking about ${product}?` : 'Your cart is waiting',
    body:
      product === undefined
        ? 'Pick up where you left off.'
        : others > 0
          ? `${product} and ${others} more item${others === 1 ? '' : 's'} are saved in your cart. Tap to pick up where you left off.`
          : `${product} is saved in your cart. Tap to pick up where you left off.`,
    url,
    cartId: touch.cartId,
    touchId: touch.touchId,
    tag: pushTopic(touch.storeId, touch.cartId),
  };
  if (image) card.image = image;
  return card;
}

/**
 * The web push `Topic` (RFC 8030 §5.4) for a cart: 32 base64url characters, the most a push
 * service accepts, derived from store and cart so a newer card for the cart replaces an older one
 * still waiting on the push service, and the cart id itself is not revealed to it.
 */
export function pushTopic(storeId: string, cartId: string): string {
  return createHash('sha256').update(storeId).update('\u0000').update(cartId).digest('base64url').slice(0, 32);
}
