/**
 * Collects a message's bytes up to a limit. Past it, everything held is dropped and the rest is
 * only counted: an oversized message never sits in memory (smtp-server only flags it and streams on).
 */
export class CappedBuffer {
  private chunks: Buffer[] | undefined = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    if (!this.chunks) return;
    if (this.size > this.limit) this.chunks = undefined;
    else this.chunks.push(chunk);
  }

  /** Bytes held right now: never more than the limit. */
  get held(): number {
    return this.chunks ? this.size : 0;
  }

  /** The whole message, or undefined when it went past the limit. */
  bytes(): Buffer | undefined {
    return this.chunks && Buffer.concat(this.chunks);
  }
}

/** Reads a stream to its end (so the SMTP session can answer and go on), keeping at most `limit` bytes. */
export async function readAtMost(
  stream: AsyncIterable<Buffer>,
  limit: number,
  sink = new CappedBuffer(limit),
): Promise<Buffer | undefined> {
  for await (const chunk of stream) sink.push(chunk);
  return sink.bytes();
}
