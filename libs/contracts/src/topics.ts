/**
 * The topic catalog: the single source of truth for every topic's name, key and
 * retention. Provisioning (tools and tests) and every producer/consumer use it.
 */
export interface TopicSpec {
  /** Logical name, as in the architecture brief. */
  readonly name: string;
  readonly partitions: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  /** Retention in ms for delete topics; -1 keeps forever. */
  readonly retentionMs: number;
  readonly key: string;
  readonly description: string;
}

const DAY = 24 * 60 * 60 * 1000;

/**
 * Partitions of the topics whose consumers are what a large deployment runs many instances of:
 * the channels on their touch topics, and segmentation (and the other readers) on the shopper
 * events. A consumer group spreads partitions over its members, so this is how many instances of
 * one service can each own work: 12–24 in a large deployment. The count only ever grows on a
 * running cluster (docs/scaling.md: `npm run kafka:partitions`, and what that does to key order).
 */
export const SCALE_OUT_PARTITIONS = 24;

export const Topics = {
  storefrontEvents: {
    name: 'reclaim.storefront-events.v1',
    partitions: SCALE_OUT_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 14 * DAY,
    key: 'cart key (storeId:cartId); product key (storeId:product:productId) for product.updated',
    description: 'Validated shopper events, in order per cart.',
  },
  // Few partitions on purpose: every service reads all of it (a small view each), and growing a
  // compacted topic leaves a scope's old record in its old partition beside its new ones.
  suppressions: {
    name: 'reclaim.suppressions.v1',
    partitions: 3,
    cleanupPolicy: 'compact',
    retentionMs: -1,
    key: 'scope: cart:…, customer:…, shopper:email:…, shopper:phone:…, contact:email:…, contact:sms:…, consent:<channel>:…',
    description:
      'Compacted: who must not be contacted and why; a tombstone (null value) lifts a consent withdrawal. Every channel materialises it.',
  },
  // One record per abandoned cart, far fewer than shopper events; the scheduler's instances share
  // their dispatch through Postgres, not through partitions (docs/scaling.md).
  abandonments: {
    name: 'reclaim.abandonments.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY,
    key: 'cart key',
    description:
      'One record per detected abandonment: segment, hold-out flag, plan, cart snapshot; and a pause record (ce_type reclaim.abandonment.paused) when the shopper comes back without ordering.',
  },
  touchesEmail: {
    name: 'reclaim.touches.email.v1',
    partitions: SCALE_OUT_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY,
    key: 'cart key',
    description: 'Due email touches.',
  },
  touchesSms: {
    name: 'reclaim.touches.sms.v1',
    partitions: SCALE_OUT_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY,
    key: 'cart key',
    description: 'Due SMS touches.',
  },
  touchesPush: {
    name: 'reclaim.touches.push.v1',
    partitions: SCALE_OUT_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY,
    key: 'cart key',
    description: 'Due push touches.',
  },
  deliveries: {
    name: 'reclaim.deliveries.v1',
    partitions: 6,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY,
    key: 'cart key',
    description: 'sent / failed / skipped / bounced / clicked, with the reason.',
  },
  incentives: {
    name: 'reclaim.incentives.v1',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 90 * DAY,
    key: 'cart key',
    description: 'Unique single-use incentive codes as they are issued, for stores to register.',
  },
  recoveries: {
    name: 'reclaim.recoveries.v1',
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 365 * DAY,
    key: 'cart key',
    description: 'Recovered carts with attributed channel, touch and revenue.',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicId = keyof typeof Topics;
export type TopicName = (typeof Topics)[TopicId]['name'];

/** Every consumer group and its dead-letter topic. Group ids are chosen on purpose: operators see them. */
export const ConsumerGroups = {
  ingestion: 'reclaim.ingestion',
  segmentation: 'reclaim.segmentation',
  scheduler: 'reclaim.scheduler',
  email: 'reclaim.email',
  sms: 'reclaim.sms',
  push: 'reclaim.push',
  attribution: 'reclaim.attribution',
} as const;

export type ConsumerGroupId = keyof typeof ConsumerGroups;

/** Dead-letter topic for a consumer group: records it could not parse or process, with the reason. */
export function deadLetterTopicSpec(group: ConsumerGroupId): TopicSpec {
  return {
    name: `${ConsumerGroups[group]}.dlq.v1`,
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 30 * 24 * 60 * 60 * 1000,
    key: 'original key',
    description: `Records the ${group} service could not process, with headers saying why.`,
  };
}

/** All topics to provision, including one dead-letter topic per consumer group. */
export function allTopicSpecs(): TopicSpec[] {
  return [...Object.values(Topics), ...(Object.keys(ConsumerGroups) as ConsumerGroupId[]).map(deadLetterTopicSpec)];
}

/**
 * Resolves a logical name against a deployment prefix. Tests isolate themselves with a
 * unique prefix on one shared broker instead of restarting infrastructure.
 */
export function physicalName(logicalName: string, prefix = ''): string {
  return `${prefix}${logicalName}`;
}
