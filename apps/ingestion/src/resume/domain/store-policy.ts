import { storeCartUrl } from '@reclaim/contracts';
import { urlTemplateHost, type LandingKind, type ResumeStoreSettings } from './store-settings';

/** What ingestion knows about one store's resume links: where they may go and what its landing page shows. */
export interface StorePolicy {
  storeId: string;
  /** Whether RESUME_STORES has an entry for the store (otherwise every field comes from the defaults). */
  configured: boolean;
  landing: LandingKind;
  /** Hosts (URL.host) a link of this store may lead to. */
  allowedHosts: ReadonlySet<string>;
  /** The store's cart page template: its `cartUrl`, else STORE_CART_URL_TEMPLATE. */
  cartUrlTemplate: string;
  checkoutUrlTemplate?: string;
  name?: string;
  returns?: string;
  delivery?: string;
  support?: string;
}

/**
 * The store's policy from RESUME_STORES. Its allow-list is its `allowedHosts` plus the hosts of its
 * `cartUrl` and `checkoutUrl`; a store without a `cartUrl` uses STORE_CART_URL_TEMPLATE, whose host
 * is then allowed too. A store with a `cartUrl` of its own is not allowed the default host unless
 * it lists it: one store's link never leads to another's site.
 */
export function storePolicy(
  storeId: string,
  stores: Readonly<Record<string, ResumeStoreSettings>>,
  defaultCartUrlTemplate: string,
): StorePolicy {
  const settings = Object.hasOwn(stores, storeId) ? stores[storeId] : undefined;
  const cartUrlTemplate = settings?.cartUrl ?? defaultCartUrlTemplate;
  const hosts = new Set(settings?.allowedHosts ?? []);
  for (const template of [cartUrlTemplate, settings?.checkoutUrl]) {
    // A template may put the store in its host (`https://{storeId}.shops.example/…`).
    const host = template === undefined ? undefined : urlTemplateHost(storeCartUrl(template, storeId, 'cart'));
    if (host !== undefined) hosts.add(host);
  }
  const policy: StorePolicy = {
    storeId,
    configured: settings !== undefined,
    landing: settings?.landing ?? 'store',
    allowedHosts: hosts,
    cartUrlTemplate,
  };
  if (settings?.checkoutUrl !== undefined) policy.checkoutUrlTemplate = settings.checkoutUrl;
  for (const field of ['name', 'returns', 'delivery', 'support'] as const) {
    const value = settings?.[field];
    if (value !== undefined) policy[field] = value;
  }
  return policy;
}

/** Why a destination is refused, for the log (never shown to the shopper). */
export type DestinationVerdict = { ok: true; url: string } | { ok: false; why: string };

/**
 * Whether a shopper may be sent to `target` for this store: an absolute URL, https (http too
 * outside production), without credentials, on one of the store's allowed hosts. Whatever a token
 * says, this is what decides — a leaked or mis-issued signing key cannot turn ingestion into an
 * open redirect to anyone's site.
 */
export function checkDestination(
  target: string,
  policy: StorePolicy,
  opts: { httpsOnly: boolean },
): DestinationVerdict {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, why: 'not a URL' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !opts.httpsOnly))
    return { ok: false, why: `scheme ${url.protocol} not allowed` };
  if (url.username || url.password) return { ok: false, why: 'credentials in the URL' };
  if (!policy.allowedHosts.has(url.host))
    return { ok: false, why: `host ${url.host} is not an allowed host of store ${policy.storeId}` };
  return { ok: true, url: url.toString() };
}

/** The store's home page (the origin of its cart page template), for error and "order complete" pages; undefined when it would not be allowed. */
export function storeHome(policy: StorePolicy, opts: { httpsOnly: boolean }): string | undefined {
  const verdict = checkDestination(storeCartUrl(policy.cartUrlTemplate, policy.storeId, 'cart'), policy, opts);
  return verdict.ok ? `${new URL(verdict.url).origin}/` : undefined;
}

/** Where the landing page's button leads: the store's checkout for this cart, else the (already checked) cart URL. */
export function checkoutUrl(
  policy: StorePolicy,
  cartId: string,
  cartUrl: string,
  opts: { httpsOnly: boolean },
): string {
  if (policy.checkoutUrlTemplate === undefined) return cartUrl;
  const verdict = checkDestination(storeCartUrl(policy.checkoutUrlTemplate, policy.storeId, cartId), policy, opts);
  return verdict.ok ? verdict.url : cartUrl;
}
