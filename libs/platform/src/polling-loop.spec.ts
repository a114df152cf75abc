import { PollingLoop } from './polling-loop';

const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe(PollingLoop.name, () => {
  it('goes again at once after a full batch and sleeps after a short one', async () => {
    const results = [3, 3, 1, 3];
    let calls = 0;
    const sut = new PollingLoop(
      () => {
        calls++;
        return Promise.resolve(results.shift() ?? 0);
      },
      { intervalMs: 60_000, batch: 3, onError: () => undefined },
    );
    sut.start();
    await until(() => calls === 3);
    await new Promise((r) => setTimeout(r, 50));
    await sut.stop();
    expect(calls).toBe(3); // the short third pass put it to sleep; stop() woke it and ended it
  });

  it('reports a failing pass and keeps polling', async () => {
    const errors: string[] = [];
    let calls = 0;
    const sut = new PollingLoop(
      () => (++calls === 1 ? Promise.reject(new Error('database restarting')) : Promise.resolve(0)),
      { intervalMs: 5, batch: 10, onError: (m) => errors.push(m) },
    );
    sut.start();
    await until(() => calls >= 3);
    await sut.stop();
    expect(errors).toEqual(['database restarting']);
  });

  it('stops while it sleeps instead of waiting out the interval', async () => {
    const sut = new PollingLoop(() => Promise.resolve(0), { intervalMs: 600_000, batch: 10, onError: () => undefined });
    sut.start();
    await new Promise((r) => setTimeout(r, 20));
    await sut.stop(); // would hang for ten minutes (and time out the test) if it waited
  });
});
