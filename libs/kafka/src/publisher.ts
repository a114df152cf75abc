import type { Kafka, Producer } from 'kafkajs';
import type { z } from 'zod';
import type { Contract, TopicSpec } from '@reclaim/contracts';
import { DependencyUnavailableError, errorMessage } from '@reclaim/core';
import { buildMessage, buildTombstone, type OutgoingMessage } from './records';
import type { KafkaSettings } from './settings';

export interface PublisherOptions {
  /** CloudEvents `source` of everything this service produces, e.g. `/reclaim/ingestion`. */
  source: string;
  /** How many transactional producers may run transactions at once (each is serial). */
  transactionalProducers?: number;
  /** Unique per process: transactional ids must not be shared by two live processes. */
  transactionalIdPrefix?: string;
  /** Give up on an atomic send after this long (the caller answers "unavailable"). */
  sendTimeoutMs?: number;
}

/**
 * Publishes contract-checked records. Plain sends use one idempotent producer (acks=all);
 * atomic sends use a small pool of transactional producers so concurrent requests do not queue
 * behind one transaction.
 */
export class EventPublisher {
  private readonly producer: Producer;
  private readonly idle: Producer[] = [];
  private readonly all: Producer[] = [];
  private readonly waiters: Array<(p: Producer) => void> = [];
  private connected = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly options: PublisherOptions,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    const size = this.options.transactionalProducers ?? 0;
    const prefix = this.options.transactionalIdPrefix ?? `${this.settings.clientId}-${process.pid}-${Date.now()}`;
    for (let i = 0; i < size; i++) {
      const p = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        transactionalId: `${this.settings.topicPrefix}${prefix}-tx-${i}`,
        allowAutoTopicCreation: false,
      });
      await p.connect();
      this.idle.push(p);
      this.all.push(p);
    }
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await Promise.allSettled([this.producer.disconnect(), ...this.all.map((p) => p.disconnect())]);
  }

  message<S extends z.ZodType>(contract: Contract<S>, payload: z.input<S>): OutgoingMessage {
    return buildMessage(contract, payload, { source: this.options.source, topicPrefix: this.settings.topicPrefix });
  }

  /** A tombstone for `key` on a compacted topic (send it with sendMessages or sendAtomically). */
  tombstone(topic: TopicSpec, key: string): OutgoingMessage {
    return buildTombstone(topic, key, { topicPrefix: this.settings.topicPrefix });
  }

  async publish<S extends z.ZodType>(contract: Contract<S>, payloads: ReadonlyArray<z.input<S>>): Promise<void> {
    await this.sendMessages(payloads.map((p) => this.message(contract, p)));
  }

  /** Sends already-built messages; resolves only once every broker acknowledged them (acks=all). */
  async sendMessages(messages: ReadonlyArray<OutgoingMessage>): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.producer.sendBatch({ acks: -1, topicMessages: groupByTopic(messages) });
    } catch (error) {
      throw new DependencyUnavailableError(`Kafka did not acknowledge: ${errorMessage(error)}`, { cause: error });
    }
  }

  /** All or nothing: the messages become visible to read_committed consumers together, or not at all. */
  async sendAtomically(messages: ReadonlyArray<OutgoingMessage>): Promise<void> {
    if (messages.length === 0) return;
    if (this.all.length === 0) throw new Error('EventPublisher was created without transactional producers');
    const producer = await this.acquire();
    // The producer goes back to the pool only when its transaction has settled, even if the
    // caller stopped waiting for it.
    const work = (async () => {
      const tx = await producer.transaction();
      try {
        await tx.sendBatch({ acks: -1, topicMessages: groupByTopic(messages) });
        await tx.commit();
      } catch (error) {
        await tx.abort().catch(() => undefined);
        throw error;
      }
    })().finally(() => this.release(producer));
    const timeoutMs = this.options.sendTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([work, timeout]);
    } catch (error) {
      work.catch(() => undefined);
      throw new DependencyUnavailableError(`Kafka transaction failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  private acquire(): Promise<Producer> {
    const p = this.idle.pop();
    if (p) return Promise.resolve(p);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(p: Producer): void {
    const next = this.waiters.shift();
    if (next) next(p);
    else this.idle.push(p);
  }
}

function groupByTopic(messages: ReadonlyArray<OutgoingMessage>) {
  const byTopic = new Map<string, Array<{ key: string; value: string | null; headers: Record<string, string> }>>();
  for (const m of messages) {
    const list = byTopic.get(m.topic) ?? [];
    list.push({ key: m.key, value: m.value, headers: m.headers });
    byTopic.set(m.topic, list);
  }
  return [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
}
