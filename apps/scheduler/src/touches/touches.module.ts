import { Module, type DynamicModule } from '@nestjs/common';
import { systemClock } from '@reclaim/core';
import { CLOCK } from '../clock';
import type { SchedulerConfig } from '../config';
import { DISPATCH_SETTINGS, TouchDispatcher, type DispatchSettings } from './touch-dispatcher.service';
import { TouchSchedulerService } from './touch-scheduler.service';
import { TouchesConsumer } from './touches.consumer';
import { TouchesRepository } from './touches.repository';

@Module({})
export class TouchesModule {
  static register(config: SchedulerConfig): DynamicModule {
    const settings: DispatchSettings = {
      pollIntervalMs: config.SCHEDULER_POLL_INTERVAL_MS,
      batch: config.SCHEDULER_DISPATCH_BATCH,
    };
    return {
      module: TouchesModule,
      controllers: [TouchesConsumer],
      providers: [
        { provide: CLOCK, useValue: systemClock },
        { provide: DISPATCH_SETTINGS, useValue: settings },
        TouchesRepository,
        TouchSchedulerService,
        TouchDispatcher,
      ],
      exports: [TouchesRepository],
    };
  }
}
