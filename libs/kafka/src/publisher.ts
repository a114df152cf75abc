import type { Kafka, Producer, Transaction } from 'kafkajs';
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
  /**
   * Give up on an atomic send after this long, counted from the call (the wait for a producer
   * included; the caller answers "unavailable").
   */
  sendTimeoutMs?: number;
  /** Atomic sends that may wait for a transactional producer; one more is refused at once (default 64). */
  maxWaiting?: number;
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
  /** Sends waiting for a transactional producer, first come first served (bounded by maxWaiting). */
  private readonly waiters: Array<(p: Producer) => void> = [];
  /** Transactions still settling, also those whose caller gave up waiting (see transact). */
  private readonly settling = new Set<Promise<unknown>>();
  /** Each transactional producer's id: a replacement takes over its predecessor's. */
  private readonly transactionalIds = new Map<Producer, string>();
  /** Replacements of broken producers, connected by the next transaction that takes them. */
  private readonly unconnected = new Set<Producer>();
  private connected = false;
  /** Transactional producers replaced after a transaction they could not end (for health and metrics). */
  private replaced = 0;

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
      const p = this.transactionalProducer(`${this.settings.topicPrefix}${prefix}-tx-${i}`);
      await p.connect();
      this.idle.push(p);
      this.all.push(p);
    }
    this.connected = true;
  }

  /**
   * Lets transactions still settling (a given-up one is aborted once its pending request returns)
   * finish first, up to the send timeout, so none is cut off mid-request by the disconnect.
   */
  async disconnect(): Promise<void> {
    this.connected = false;
    if (this.settling.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.settling]),
        new Promise((r) => (timer = setTimeout(r, this.options.sendTimeoutMs ?? 10_000))),
      ]);
      clearTimeout(timer);
    }
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

  /**
   * All or nothing: the messages become visible to read_committed consumers together, or not at
   * all. `source` may be a function that builds the messages once a transactional producer is
   * reserved (e.g. after claiming ids in a database transaction, so that only requests holding a
   * producer hold database locks). The wait for a producer, `source` and the transaction all
   * count against `options.signal` and the publisher's `sendTimeoutMs`; when either ends first
   * the call rejects at once with AtomicSendGivenUpError, and the transaction is aborted unless it
   * was already committing (then `committed` tells, later, how it ended).
   */
  async sendAtomically(
    source: ReadonlyArray<OutgoingMessage> | (() => Promise<ReadonlyArray<OutgoingMessage>>),
    options: AtomicSendOptions = {},
  ): Promise<void> {
    if (Array.isArray(source) && source.length === 0) return;
    if (this.all.length === 0) throw new Error('EventPublisher was created without transactional producers');
    const timeoutMs = this.options.sendTimeoutMs ?? 10_000;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`no acknowledgement within ${timeoutMs} ms`)), timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    try {
      const producer = await this.acquire(signal);
      await this.transact(producer, source, signal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Transactional producers idle and sends waiting for one (for health and metrics). */
  transactionalPoolState(): { size: number; idle: number; waiting: number; replaced: number } {
    return { size: this.all.length, idle: this.idle.length, waiting: this.waiters.length, replaced: this.replaced };
  }

  private async transact(
    producer: Producer,
    source: ReadonlyArray<OutgoingMessage> | (() => Promise<ReadonlyArray<OutgoingMessage>>),
    signal: AbortSignal,
  ): Promise<void> {
    // Shared with the abort handler below (a closure TypeScript's narrowing does not follow).
    const state: { phase: 'preparing' | 'sending' | 'committing'; abandoned: boolean } = {
      phase: 'preparing',
      abandoned: false,
    };
    const abandoned = () => state.abandoned;
    // The producer goes back to the pool only when its transaction has settled, even if the
    // caller stopped waiting for it; a transaction given up before its commit is aborted.
    const prepared = typeof source === 'function' ? source() : Promise.resolve(source);
    // A transaction that could not be begun or ended (its commit or abort failed: the broker went
    // away mid-request) leaves the kafkajs producer in a state it never leaves — every later
    // transaction would fail at once. Such a producer is replaced by a new one with the same
    // transactional id, whose initialisation fences it and ends what it left open (KIP-98).
    let broken = false;
    const work = (async (): Promise<boolean> => {
      const messages = await prepared;
      if (abandoned()) return false;
      if (messages.length === 0) return true;
      state.phase = 'sending';
      if (this.unconnected.has(producer)) {
        await producer.connect();
        this.unconnected.delete(producer);
      }
      let tx: Transaction;
      try {
        tx = await producer.transaction();
      } catch (error) {
        broken = true;
        throw error;
      }
      const abort = async () => {
        broken ||= !(await tx.abort().then(
          () => true,
          () => false,
        ));
      };
      if (abandoned()) {
        await abort();
        return false;
      }
      try {
        await tx.sendBatch({ acks: -1, topicMessages: groupByTopic(messages) });
        if (abandoned()) {
          await abort();
          return false;
        }
        state.phase = 'committing';
        await tx.commit();
        return true;
      } catch (error) {
        await abort();
        throw error;
      }
    })().finally(() => this.release(broken ? this.replace(producer) : producer));
    this.settling.add(work);
    void work.then(
      () => this.settling.delete(work),
      () => this.settling.delete(work),
    );
    let onAbort: (() => void) | undefined;
    const givenUp = new Promise<never>((_, reject) => {
      onAbort = () => {
        const inDoubt = state.phase === 'committing';
        if (!inDoubt) state.abandoned = true;
        // Given up before committing, the answer is "not committed" as soon as `source` is done.
        const committed = inDoubt ? work.catch(() => false) : prepared.then(NOT_COMMITTED_FN, NOT_COMMITTED_FN);
        reject(new AtomicSendGivenUpError(signal.reason, state.phase, committed));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([work, givenUp]);
    } catch (error) {
      if (error instanceof AtomicSendGivenUpError) throw error;
      // An error of `source` is the caller's own; anything later is Kafka's.
      if (state.phase === 'preparing') throw error;
      throw new DependencyUnavailableError(`Kafka transaction failed: ${errorMessage(error)}`, { cause: error });
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  /** A free transactional producer, or a place in a bounded queue that ends when `signal` aborts. */
  private acquire(signal: AbortSignal): Promise<Producer> {
    if (signal.aborted) return Promise.reject(new AtomicSendGivenUpError(signal.reason, 'waiting', NOT_COMMITTED));
    const p = this.idle.pop();
    if (p) return Promise.resolve(p);
    const limit = this.options.maxWaiting ?? 64;
    if (this.waiters.length >= limit) {
      return Promise.reject(new PublisherSaturatedError(`${limit} sends already wait for a transactional producer`));
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new AtomicSendGivenUpError(signal.reason, 'waiting', NOT_COMMITTED));
      };
      const waiter = (producer: Producer) => {
        signal.removeEventListener('abort', onAbort);
        resolve(producer);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private transactionalProducer(transactionalId: string): Producer {
    const p = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      transactionalId,
      allowAutoTopicCreation: false,
    });
    this.transactionalIds.set(p, transactionalId);
    return p;
  }

  /** A new producer in a broken one's place (same transactional id), connected when next used. */
  private replace(broken: Producer): Producer {
    const fresh = this.transactionalProducer(this.transactionalIds.get(broken) ?? '');
    this.transactionalIds.delete(broken);
    this.unconnected.delete(broken);
    this.unconnected.add(fresh);
    this.all[this.all.indexOf(broken)] = fresh;
    void broken.disconnect().catch(() => undefined);
    this.replaced++;
    return fresh;
  }

  private release(p: Producer): void {
    const next = this.waiters.shift();
    if (next) next(p);
    else this.idle.push(p);
  }
}

export interface AtomicSendOptions {
  /** Aborting it gives the send up (a deadline, a client that left); its reason becomes the error's. */
  signal?: AbortSignal;
}

const NOT_COMMITTED = Promise.resolve(false);
const NOT_COMMITTED_FN = () => false;

/**
 * An atomic send given up (its signal aborted or the publisher's timeout passed) before Kafka
 * acknowledged. `phase` says where it was: waiting for a producer, preparing (the caller's
 * `source`), sending, or committing. Before committing nothing becomes visible (the transaction is
 * aborted once its pending request settles) and `committed` resolves false once `source` is done;
 * while committing the outcome is unknown when the error is thrown and `committed` resolves to it.
 */
export class AtomicSendGivenUpError extends DependencyUnavailableError {
  constructor(
    readonly reason: unknown,
    readonly phase: 'waiting' | 'preparing' | 'sending' | 'committing',
    readonly committed: Promise<boolean>,
  ) {
    super(`Kafka transaction given up while ${phase}: ${errorMessage(reason)}`);
  }
}

/** Too many atomic sends already wait for a transactional producer: shed, nothing was sent. */
export class PublisherSaturatedError extends DependencyUnavailableError {}

function groupByTopic(messages: ReadonlyArray<OutgoingMessage>) {
  const byTopic = new Map<string, Array<{ key: string; value: string | null; headers: Record<string, string> }>>();
  for (const m of messages) {
    const list = byTopic.get(m.topic) ?? [];
    list.push({ key: m.key, value: m.value, headers: m.headers });
    byTopic.set(m.topic, list);
  }
  return [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
}
