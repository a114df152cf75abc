import type { z } from 'zod';
import { cartKey, productKey } from './keys';
import { Abandonment, AbandonmentPaused, Delivery, Recovery, Suppression, TouchDue } from './payloads';
import { IncentiveIssued } from './incentives';
import { StorefrontEventRecord } from './storefront-event';
import { Topics, type TopicSpec } from './topics';

/**
 * A contract ties a payload schema to its topic, its CloudEvents type and its key.
 * Producers validate with it before sending; consumers parse with it on receipt.
 */
export interface Contract<S extends z.ZodType> {
  readonly topic: TopicSpec;
  readonly ceType: string;
  readonly schema: S;
  key(payload: z.output<S>): string;
  id(payload: z.output<S>): string;
  subject?(payload: z.output<S>): string;
}

function defineContract<S extends z.ZodType>(contract: Contract<S>): Contract<S> {
  return contract;
}

/** The three channel topics carry the same TouchDue payload, keyed by cart. */
function touchContract(topic: TopicSpec): Contract<typeof TouchDue> {
  return defineContract({
    topic,
    ceType: 'reclaim.touch.due',
    schema: TouchDue,
    key: (t) => cartKey(t.storeId, t.cartId),
    id: (t) => t.touchId,
  });
}

export const Contracts = {
  storefrontEvent: defineContract({
    topic: Topics.storefrontEvents,
    ceType: 'reclaim.storefront-event',
    schema: StorefrontEventRecord,
    key: (r) =>
      r.event.type === 'product.updated' && r.event.product
        ? productKey(r.storeId, r.event.product.productId)
        : cartKey(r.storeId, r.event.cartId ?? ''),
    id: (r) => `${r.storeId}:${r.event.id}`,
    subject: (r) => r.event.type,
  }),
  suppression: defineContract({
    topic: Topics.suppressions,
    ceType: 'reclaim.suppression',
    schema: Suppression,
    key: (s) => s.scope,
    id: (s) => `${s.scope}:${s.sourceEventId}`,
  }),
  abandonment: defineContract({
    topic: Topics.abandonments,
    ceType: 'reclaim.abandonment',
    schema: Abandonment,
    key: (a) => cartKey(a.storeId, a.cartId),
    id: (a) => a.abandonmentId,
  }),
  /** Shares the abandonments topic (and key) so a pause is always read after its abandonment. */
  abandonmentPaused: defineContract({
    topic: Topics.abandonments,
    ceType: 'reclaim.abandonment.paused',
    schema: AbandonmentPaused,
    key: (p) => cartKey(p.storeId, p.cartId),
    id: (p) => `${p.abandonmentId}:paused`,
  }),
  touchEmail: touchContract(Topics.touchesEmail),
  touchSms: touchContract(Topics.touchesSms),
  touchPush: touchContract(Topics.touchesPush),
  delivery: defineContract({
    topic: Topics.deliveries,
    ceType: 'reclaim.delivery',
    schema: Delivery,
    key: (d) => cartKey(d.storeId, d.cartId),
    id: (d) => d.deliveryId,
    subject: (d) => d.status,
  }),
  incentive: defineContract({
    topic: Topics.incentives,
    ceType: 'reclaim.incentive.issued',
    schema: IncentiveIssued,
    key: (i) => cartKey(i.storeId, i.cartId),
    id: (i) => `${i.storeId}:${i.code}`,
  }),
  recovery: defineContract({
    topic: Topics.recoveries,
    ceType: 'reclaim.recovery',
    schema: Recovery,
    key: (r) => cartKey(r.storeId, r.cartId),
    id: (r) => `${r.storeId}:${r.cartId}:${r.orderId}`,
  }),
} as const;

export const touchContractFor = {
  email: Contracts.touchEmail,
  sms: Contracts.touchSms,
  push: Contracts.touchPush,
} as const;
