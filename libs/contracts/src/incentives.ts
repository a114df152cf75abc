import { z } from 'zod';

/** What an incentive gives; a planned touch carries one of these or `none`. */
export const IncentiveKinds = ['percent_10', 'free_shipping'] as const;
export type IncentiveKind = (typeof IncentiveKinds)[number];

/**
 * reclaim.incentives.v1 — a unique, single-use, expiring code issued for one touch. Stores consume
 * it to register the code in their checkout before the shopper can use it.
 */
export const IncentiveIssued = z.object({
  code: z.string().min(4).max(64),
  kind: z.enum(IncentiveKinds),
  singleUse: z.literal(true),
  storeId: z.string().min(1),
  cartId: z.string().min(1),
  touchId: z.string().min(1),
  customerId: z.string().optional(),
  email: z.string().optional(),
  issuedAt: z.iso.datetime({ offset: true }),
  expiresAt: z.iso.datetime({ offset: true }),
});
export type IncentiveIssued = z.infer<typeof IncentiveIssued>;
