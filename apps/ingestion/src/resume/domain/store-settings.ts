import { z } from 'zod';
import { SafeId } from '@reclaim/contracts';

/** Where a valid resume link takes the shopper: the store's cart page (302), or Reclaim's own page for the cart (200). */
export const LandingKinds = ['store', 'reclaim'] as const;
export type LandingKind = (typeof LandingKinds)[number];

/** A host as URL.host writes it: lower-case name (or IPv4), optional port; no scheme, path or user. */
const HOST =
  /^(?=.{1,253}(:|$))([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;

/** `https://shop.example/cart/{cartId}`: an http(s) URL once `{cartId}` and `{storeId}` are filled in. */
export const UrlTemplate = z
  .string()
  .max(2048)
  .refine((template) => urlTemplateHost(template) !== undefined, {
    message: 'must be an http(s) URL template such as https://shop.example/cart/{cartId}',
  });

/** The host (as URL.host, port included when not the default) a URL template points to; undefined when it is not an http(s) URL. */
export function urlTemplateHost(template: string): string | undefined {
  try {
    const url = new URL(template.replaceAll('{cartId}', 'cart').replaceAll('{storeId}', 'store'));
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    if (url.username || url.password || !url.hostname) return undefined;
    return url.host;
  } catch {
    return undefined;
  }
}

/** One store's entry in RESUME_STORES. Unknown fields are refused, so a typo fails at start-up, not in front of a shopper. */
export const ResumeStoreSettings = z
  .strictObject({
    landing: z.enum(LandingKinds).default('store'),
    allowedHosts: z
      .array(z.string().toLowerCase().regex(HOST, 'must be a host name such as shop.example (with :port if not 443)'))
      .max(50)
      .optional(),
    checkoutUrl: UrlTemplate.optional(),
    cartUrl: UrlTemplate.optional(),
    name: z.string().trim().min(1).max(100).optional(),
    returns: z.string().trim().min(1).max(300).optional(),
    delivery: z.string().trim().min(1).max(300).optional(),
    support: z.string().trim().min(1).max(300).optional(),
  })
  .superRefine((store, ctx) => {
    if (store.landing === 'reclaim' && store.name === undefined)
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'is required when landing is "reclaim"' });
  });
export type ResumeStoreSettings = z.output<typeof ResumeStoreSettings>;

/** RESUME_STORES: a JSON object of store id → settings. Bad JSON or a bad entry names itself in the start-up error. */
export const envResumeStores = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `is not valid JSON (${(error as Error).message})` });
        return z.NEVER;
      }
    })
    .pipe(z.record(SafeId(128), ResumeStoreSettings, { error: 'must be a JSON object of store id → settings' }));
