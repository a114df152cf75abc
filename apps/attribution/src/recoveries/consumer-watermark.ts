import type { Admin } from '@reclaim/kafka';

interface Snapshot {
  /** When the end offsets were read (database clock, like orders' received_at). */
  takenAt: Date;
  ends: Array<{ topic: string; partition: number; offset: bigint }>;
}

/**
 * Tells when the attribution consumer has made durable everything published to some topics up to
 * a moment: it reads the topics' end offsets at `takenAt`, then waits until the group's committed
 * offsets (committed only after a record's effects are durable) reach them. An order read before
 * that moment can then be decided: every delivery, click, code or abandonment published before the
 * order is in the ledger, however far the consumer had fallen behind.
 */
export class ConsumerWatermark {
  private snapshot: Snapshot | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly groupId: string,
    private readonly topics: ReadonlyArray<string>,
    private readonly clock: () => Promise<Date>,
  ) {}

  /** The latest moment everything published before is durable, once the current snapshot is reached; else undefined. */
  async caughtUpTo(): Promise<Date | undefined> {
    if (!this.snapshot) this.snapshot = await this.take();
    const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [...this.topics] });
    const at = new Map<string, bigint>();
    for (const t of committed)
      for (const p of t.partitions) at.set(`${t.topic}/${p.partition}`, BigInt(p.offset === '-1' ? '0' : p.offset));
    const reached = this.snapshot.ends.every((end) => (at.get(`${end.topic}/${end.partition}`) ?? 0n) >= end.offset);
    if (!reached) return undefined;
    const done = this.snapshot.takenAt;
    this.snapshot = undefined;
    return done;
  }

  private async take(): Promise<Snapshot> {
    const takenAt = await this.clock();
    const ends: Snapshot['ends'] = [];
    for (const topic of this.topics) {
      for (const p of await this.admin.fetchTopicOffsets(topic))
        ends.push({ topic, partition: p.partition, offset: BigInt(p.high) });
    }
    return { takenAt, ends };
  }
}
