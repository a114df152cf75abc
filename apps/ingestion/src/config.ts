import { hostname } from 'node:os';
import { z } from 'zod';
import { MAX_EVENTS_PER_BATCH } from '@reclaim/contracts';
import { envInt } from '@reclaim/core';
import { baseConfigShape, envApiKeys, envSigningKeys, envDuration, envPort } from '@reclaim/platform';
import { envResumeStores, UrlTemplate } from './resume/domain/store-settings';

export const IngestionConfig = z.object({
  ...baseConfigShape,
  INGESTION_PORT: envPort(3000),
  /** `storeId:key,storeId2:key2` — the store is the one that owns the key. */
  INGESTION_API_KEYS: envApiKeys(),
  /** Requests one store may send to POST /v1/events per window before it gets 429 (per instance, in memory). */
  INGESTION_RATE_LIMIT: envInt(600, { min: 1 }),
  /** Events one store may send per window before it gets 429 (per instance; at least one full batch). */
  INGESTION_RATE_LIMIT_EVENTS: envInt(60_000, { min: MAX_EVENTS_PER_BATCH }),
  /** The rate-limit window in milliseconds (fixed, opened by the store's first request; Retry-After says when it ends). */
  INGESTION_RATE_WINDOW_MS: envInt(60_000, { min: 100 }),
  /** Transactional producers that may run batches at once. */
  INGESTION_TX_PRODUCERS: envInt(4, { min: 1, max: 64 }),
  /** Requests to POST /v1/events one instance works on at once; one more is answered 503 at once (Retry-After 1). */
  INGESTION_MAX_IN_FLIGHT: envInt(16, { min: 1, max: 4_096 }),
  /**
   * Deadline of a batch, counted from the request's arrival: the wait for a transactional producer,
   * the Postgres claim and the Kafka transaction included. Past it: 503, nothing accepted.
   */
  INGESTION_KAFKA_TIMEOUT_MS: envInt(10_000, { min: 100 }),
  /**
   * After a batch with an order.completed is durable, the 202 waits this long. Channels hand a
   * message to a provider within EMAIL_SEND_FRESHNESS_MS of their suppression barrier, so any send
   * that could have missed the order starts before the order is acknowledged (ADR 0005). Must
   * exceed the channels' freshness bound plus their hand-off latency.
   */
  INGESTION_ORDER_ACK_GUARD_MS: envInt(200, { min: 0, max: 5_000 }),
  /** Stable per instance: transactional ids derive from it, so a restart fences its predecessor. */
  INGESTION_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .default(hostname().replace(/[^A-Za-z0-9._-]/g, '-')),
  /** An event whose occurredAt lies further in the past is refused (real time, not scaled). */
  INGESTION_MAX_EVENT_AGE: envDuration('30d'),
  /** An event whose occurredAt lies further ahead of ingestion's clock is refused (real time, not scaled). */
  INGESTION_MAX_CLOCK_SKEW: envDuration('5m'),
  /**
   * A resume link fetched within this many milliseconds of being issued is taken for a mail
   * gateway's scan: recorded as a prefetch, not credited. Real time (not scaled); 0 turns it off.
   */
  RESUME_PREFETCH_WINDOW_MS: envInt(5_000, { min: 0, max: 60_000 }),
  /** Clicks recorded per touch per minute; past it the shopper is still redirected, nothing is recorded. */
  RESUME_RECORD_LIMIT: envInt(20, { min: 1 }),
  /** The redirect waits at most this long for a click's bookkeeping (Postgres, Kafka), which then goes on without it. */
  RESUME_RECORD_WAIT_MS: envInt(1_000, { min: 0, max: 10_000 }),
  /**
   * Seals resume links and unsubscribe tokens (AES-256-GCM, keys derived per purpose), signs bounce addresses; ingestion opens what the channels seal.
   * One secret, or a key ring `k2:<new>,k1:<old>`: the first seals and signs, every one opens, so a rotation
   * breaks no link already sent. Production refuses the default and secrets under 32 bytes. Never logged.
   */
  RESUME_LINK_SECRET: envSigningKeys('dev-only-change-me'),
  /**
   * The store's cart page, with `{cartId}` (and `{storeId}`) filled in: the channels build resume
   * links to it (the same setting there). Ingestion lets a store without a `cartUrl` of its own in
   * RESUME_STORES send shoppers to this template's host (and to nothing else, without an entry).
   */
  STORE_CART_URL_TEMPLATE: UrlTemplate.default('https://shop.example/cart/{cartId}'),
  /**
   * Per-store resume-link settings, a JSON object `{"<storeId>": {landing, allowedHosts, cartUrl,
   * checkoutUrl, name, returns, delivery, support}}` (every field in apps/ingestion/README.md).
   * `landing` `store` (default) redirects to the store's cart; `reclaim` shows Reclaim's own cart
   * page. A link is only followed to an allowed host of the store it names.
   */
  RESUME_STORES: envResumeStores('{}'),
});
export type IngestionConfig = z.output<typeof IngestionConfig>;
export const INGESTION_CONFIG = Symbol('INGESTION_CONFIG');
