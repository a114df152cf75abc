import { InvalidInputError } from '@reclaim/core';
import {
  CLOUDEVENTS_SPEC_VERSION,
  fromCloudEventHeaders,
  headerValue,
  toCloudEventHeaders,
  type CloudEventAttributes,
  type Contract,
  type RawHeaders,
  type TopicSpec,
} from '@reclaim/contracts';
import type { z } from 'zod';

/** A record as a handler receives it: raw bytes plus where it came from. */
export interface IncomingRecord {
  topic: string;
  /** Topic name without the deployment prefix, as in the catalog. */
  logicalTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: RawHeaders;
  timestamp: string;
}

export interface ParsedRecord<T> {
  payload: T;
  cloudEvent: CloudEventAttributes;
  record: IncomingRecord;
}

/**
 * Parses a record against its contract. Anything unreadable becomes an InvalidInputError,
 * which the consumer dead-letters with the reason instead of retrying.
 */
export function parseRecord<S extends z.ZodType>(
  contract: Contract<S>,
  record: IncomingRecord,
): ParsedRecord<z.output<S>> {
  const specversion = headerValue(record.headers, 'ce_specversion');
  if (specversion !== undefined && specversion !== CLOUDEVENTS_SPEC_VERSION)
    throw new InvalidInputError(
      `unsupported ce_specversion "${specversion.slice(0, 32)}", expected "${CLOUDEVENTS_SPEC_VERSION}"`,
    );
  const cloudEvent = fromCloudEventHeaders(record.headers);
  if (!cloudEvent)
    throw new InvalidInputError(
      'missing or invalid CloudEvents headers (ce_specversion, ce_id, ce_source, ce_type, ce_time)',
    );
  if (cloudEvent.type !== contract.ceType) {
    throw new InvalidInputError(
      `unexpected ce_type "${cloudEvent.type}" on ${record.logicalTopic}, expected "${contract.ceType}"`,
    );
  }
  if (!record.value) throw new InvalidInputError('empty record value');
  let json: unknown;
  try {
    json = JSON.parse(record.value.toString('utf8'));
  } catch (error) {
    throw new InvalidInputError(`value is not JSON: ${(error as Error).message}`);
  }
  const result = contract.schema.safeParse(json);
  if (!result.success) {
    const details = result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new InvalidInputError(
      `value does not match ${contract.topic.name}: ${details.map((d) => `${d.path || '(root)'} ${d.message}`).join('; ')}`,
      details,
    );
  }
  return { payload: result.data, cloudEvent, record };
}

/**
 * The record's ce_type, for topics that carry more than one contract (the consumer picks the
 * contract by it). Undefined without valid CloudEvents headers: parseRecord then says why.
 */
export function recordType(record: IncomingRecord): string | undefined {
  return fromCloudEventHeaders(record.headers)?.type;
}

export interface OutgoingMessage {
  topic: string;
  key: string;
  /** Null: a tombstone, which removes the key from a compacted topic. */
  value: string | null;
  headers: Record<string, string>;
}

/** A tombstone for a compacted topic: no value and no CloudEvents headers, only the key it removes. */
export function buildTombstone(topic: TopicSpec, key: string, opts: { topicPrefix: string }): OutgoingMessage {
  if (topic.cleanupPolicy !== 'compact')
    throw new Error(`${topic.name} is not compacted: a tombstone means nothing there`);
  return { topic: `${opts.topicPrefix}${topic.name}`, key, value: null, headers: {} };
}

/** True for a record with no value: a tombstone on a compacted topic. */
export function isTombstone(record: IncomingRecord): boolean {
  return record.value === null || record.value.length === 0;
}

/** Validates a payload against its contract and turns it into a message with CloudEvents headers. */
export function buildMessage<S extends z.ZodType>(
  contract: Contract<S>,
  payload: z.input<S>,
  opts: { source: string; topicPrefix: string; time?: Date },
): OutgoingMessage {
  const parsed = contract.schema.parse(payload);
  const attrs: CloudEventAttributes = {
    id: contract.id(parsed),
    source: opts.source,
    type: contract.ceType,
    time: (opts.time ?? new Date()).toISOString(),
  };
  const subject = contract.subject?.(parsed);
  if (subject !== undefined) attrs.subject = subject;
  return {
    topic: `${opts.topicPrefix}${contract.topic.name}`,
    key: contract.key(parsed),
    value: JSON.stringify(parsed),
    headers: toCloudEventHeaders(attrs),
  };
}
