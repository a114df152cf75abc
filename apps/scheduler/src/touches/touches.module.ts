import { Module, type DynamicModule } from '@nestjs/common';
import { systemClock, type Clock } from '@reclaim/core';
import { CLOCK } from '../clock';
import type { SchedulerConfig } from '../config';
import { DISPATCH_SETTINGS, TouchDispatcher, type DispatchSettings } from './touch-dispatcher.service';
import { POLICY_CONFIG, TouchSchedulerService, type PolicyConfig } from './touch-scheduler.service';
import { TouchesConsumer } from './touches.consumer';
import { TouchesRepository } from './touches.repository';

@Module({})
export class TouchesModule {
  static register(config: SchedulerConfig, clock: Clock = systemClock): DynamicModule {
    const settings: DispatchSettings = {
      pollIntervalMs: config.SCHEDULER_POLL_INTERVAL_MS,
      batch: config.SCHEDULER_DISPATCH_BATCH,
    };
    const policy: PolicyConfig = {
      quietHours: {
        email: config.SCHEDULER_QUIET_HOURS_EMAIL,
        sms: config.SCHEDULER_QUIET_HOURS_SMS,
        push: config.SCHEDULER_QUIET_HOURS_PUSH,
      },
      storeZone: config.SCHEDULER_STORE_TIMEZONE,
      minGapMs: config.SCHEDULER_MIN_GAP,
      dailyCap: config.SCHEDULER_DAILY_CAP,
      smsPerCart: config.SCHEDULER_SMS_PER_CART,
      maxDeferralMs: config.SCHEDULER_MAX_DEFERRAL,
    };
    return {
      module: TouchesModule,
      controllers: [TouchesConsumer],
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: DISPATCH_SETTINGS, useValue: settings },
        { provide: POLICY_CONFIG, useValue: policy },
        TouchesRepository,
        TouchSchedulerService,
        TouchDispatcher,
      ],
      exports: [TouchesRepository],
    };
  }
}
