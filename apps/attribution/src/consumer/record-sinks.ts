import type {
  Abandonment,
  AbandonmentPaused,
  Delivery,
  IncentiveIssued,
  Recovery,
  StorefrontEventRecord,
  Suppression,
  TouchDue,
} from '@reclaim/contracts';

/** A parsed record and its CloudEvents id (the idempotency key of whatever a sink does with it). */
export interface Received<T> {
  id: string;
  payload: T;
}

/**
 * What the attribution service derives from its topics: the funnel, the recovery ledger, the cart
 * timelines. The one consumer (attribution.consumer.ts) parses each record once and hands it to
 * every sink in turn; each sink is idempotent on its own (a redelivered record changes nothing),
 * so a failure after the first sink and the redelivery that follows are harmless.
 */
export interface RecordSink {
  onStorefrontEvent?(r: Received<StorefrontEventRecord>): Promise<void>;
  onAbandonment?(r: Received<Abandonment>): Promise<void>;
  onPaused?(r: Received<AbandonmentPaused>): Promise<void>;
  onTouchDue?(r: Received<TouchDue>): Promise<void>;
  onDelivery?(r: Received<Delivery>): Promise<void>;
  onIncentive?(r: Received<IncentiveIssued>): Promise<void>;
  onSuppression?(r: Received<Suppression>): Promise<void>;
  onRecovery?(r: Received<Recovery>): Promise<void>;
}

/** Multi-provider token: every module that derives something from the topics provides a sink under it. */
export const RECORD_SINKS = Symbol('RECORD_SINKS');
