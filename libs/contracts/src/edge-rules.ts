import { pushEndpointProblem } from './push-endpoint';
import type { StorefrontEvent } from './storefront-event';

/**
 * Rules ingestion applies on top of the event schema, because they depend on when and where an
 * event arrives rather than on the event alone (a record already on a topic is never judged by
 * them again: a replay next month must still parse). docs/EVENTS.md states them.
 */
export interface EdgePolicy {
  /** When the batch arrived. */
  now: Date;
  /** How far in the past `occurredAt` may lie. */
  maxEventAgeMs: number;
  /** How far ahead of `now` a store's clock may run. */
  maxClockSkewMs: number;
  /** Item and image URLs must be https (production); otherwise http is accepted too. */
  httpsOnly: boolean;
}

export interface EdgeProblem {
  path: string;
  message: string;
}

const DAY = 86_400_000;
const describe = (ms: number) => (ms % DAY === 0 ? `${ms / DAY} days` : `${Math.round(ms / 1000)} s`);

/** What the edge refuses in an event that passed the schema (empty: nothing). */
export function edgeProblems(event: StorefrontEvent, policy: EdgePolicy): EdgeProblem[] {
  const problems: EdgeProblem[] = [];
  const at = Date.parse(event.occurredAt);
  const now = policy.now.getTime();
  if (at < now - policy.maxEventAgeMs) {
    problems.push({ path: 'occurredAt', message: `is more than ${describe(policy.maxEventAgeMs)} in the past` });
  } else if (at > now + policy.maxClockSkewMs) {
    problems.push({
      path: 'occurredAt',
      message: `is more than ${describe(policy.maxClockSkewMs)} in the future (is the store's clock right?)`,
    });
  }
  if (policy.httpsOnly) {
    event.cart?.items.forEach((item, i) => {
      for (const field of ['url', 'imageUrl'] as const) {
        const url = item[field];
        if (url !== undefined && new URL(url).protocol !== 'https:') {
          problems.push({ path: `cart.items.${i}.${field}`, message: 'must be an https URL' });
        }
      }
    });
  }
  // A shopper's browser names the endpoint the push service will connect to: only a public https
  // host on port 443 (the push service also checks the address it resolves to).
  const endpoint = event.push?.webPush?.endpoint;
  const why = endpoint === undefined ? undefined : pushEndpointProblem(endpoint);
  if (why) problems.push({ path: 'push.webPush.endpoint', message: `is not a push service we may contact (${why})` });
  return problems;
}
