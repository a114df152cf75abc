import { CappedBuffer, readAtMost } from './capped-buffer';

describe(readAtMost.name, () => {
  const LIMIT = 64 * 1024;

  async function* chunks(count: number, size: number, check?: () => void) {
    for (let i = 0; i < count; i++) {
      check?.();
      yield Buffer.alloc(size, i % 256);
    }
  }

  it('returns the whole message up to the limit', async () => {
    const bytes = await readAtMost(chunks(4, LIMIT / 4), LIMIT);
    expect(bytes?.length).toBe(LIMIT);
    expect(bytes?.subarray(LIMIT - 1)[0]).toBe(3);
  });

  it('holds no more than the limit while a message far past it streams in, drains it all, and returns nothing', async () => {
    const sink = new CappedBuffer(LIMIT);
    let yielded = 0;
    const held: number[] = [];
    const source = chunks(512, 16 * 1024, () => {
      yielded += 1;
      held.push(sink.held);
    });
    expect(await readAtMost(source, LIMIT, sink)).toBeUndefined();
    expect(yielded).toBe(512); // 8 MiB read to the end, so the SMTP session can answer 552 and go on
    expect(Math.max(...held)).toBeLessThanOrEqual(LIMIT);
    expect(sink.held).toBe(0);
  });
});
