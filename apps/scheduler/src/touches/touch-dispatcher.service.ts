import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { PollingLoop } from '@reclaim/platform';
import { TouchSchedulerService } from './touch-scheduler.service';

export const DISPATCH_SETTINGS = Symbol('DISPATCH_SETTINGS');

export interface DispatchSettings {
  pollIntervalMs: number;
  batch: number;
}

/** Polls the touches table for due timers; a full batch is followed at once by the next. */
@Injectable()
export class TouchDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TouchDispatcher.name);
  private readonly loop: PollingLoop;

  constructor(
    private readonly scheduler: TouchSchedulerService,
    @Inject(DISPATCH_SETTINGS) settings: DispatchSettings,
  ) {
    this.loop = new PollingLoop(() => this.scheduler.dispatchDue(settings.batch), {
      intervalMs: settings.pollIntervalMs,
      batch: settings.batch,
      onError: (message) => this.logger.warn(`touch dispatch failed, will retry: ${message}`),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }
}
