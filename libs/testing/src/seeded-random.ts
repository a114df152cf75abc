// Jest runs specs in a vm context where every global lookup (Math, …) is slow: keep the hot one local.
const { imul } = Math;

/** mulberry32: a small seeded PRNG (uniform in [0, 1)), so a simulated population is the same on every run. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
