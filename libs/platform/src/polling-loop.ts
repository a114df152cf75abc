import { errorMessage } from '@reclaim/core';

export interface PollingLoopOptions {
  /** Pause between passes that found less than a full batch (real milliseconds). */
  intervalMs: number;
  /** A pass that handled this many items is followed at once by the next. */
  batch: number;
  onError(message: string): void;
}

/**
 * Runs `pass` over and over until stopped: after a short pass it sleeps `intervalMs`, after a full
 * batch it goes again at once. A failing pass is reported and retried on the next round; `stop()`
 * wakes a sleeping loop and resolves once the current pass has finished.
 */
export class PollingLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly options: PollingLoopOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.pass();
      } catch (error) {
        this.options.onError(errorMessage(error));
      }
      if (handled < this.options.batch) await this.pause(this.options.intervalMs);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
