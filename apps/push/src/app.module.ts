import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { PlatformModule } from '@reclaim/platform';
import { SuppressionModule } from '@reclaim/suppression';
import { PUSH_CONFIG, type PushConfig } from './config';
import { DeliveryModule } from './delivery/delivery.module';
import { PUSH_NETWORK_TEST_SEAMS, type PushNetworkTestSeams } from './delivery/push-endpoint-guard';
import { migrations } from './migrations';

/** Says at start-up which transports are on, and warns about the development signing secret. */
@Injectable()
class ConfigReport implements OnApplicationBootstrap {
  constructor(@Inject(PUSH_CONFIG) private readonly config: PushConfig) {}

  onApplicationBootstrap(): void {
    const logger = new Logger('PushConfig');
    const on = [this.config.webPush && 'web push', this.config.fcm && 'FCM'].filter(Boolean);
    if (on.length === 0)
      logger.warn('neither VAPID keys nor an FCM service account: push touches are skipped (channel_not_configured)');
    else logger.log(`push transports: ${on.join(', ')}`);
  }
}

@Module({})
class PushConfigModule {
  static register(config: PushConfig, seams: PushNetworkTestSeams | undefined): DynamicModule {
    const testSeams = seams ? [{ provide: PUSH_NETWORK_TEST_SEAMS, useValue: seams }] : [];
    return {
      module: PushConfigModule,
      global: true,
      providers: [{ provide: PUSH_CONFIG, useValue: config }, ...testSeams, ConfigReport],
      exports: [PUSH_CONFIG, ...testSeams.map((p) => p.provide)],
    };
  }
}

@Module({})
export class AppModule {
  /** `testSeams` is for integration specs only (see PushNetworkTestSeams); main.ts never passes it. */
  static register(config: PushConfig, testSeams?: PushNetworkTestSeams): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PushConfigModule.register(config, testSeams),
        PlatformModule.forRoot({
          service: 'push',
          config,
          database: { migrations },
          consumer: {
            group: 'push',
            // Touches of different carts are independent (one ledger row each); a cart's stay in order.
            keysConsumedConcurrently: config.PUSH_CONCURRENCY,
          },
        }),
        SuppressionModule.forRoot({ group: 'push', barrierTimeoutMs: config.SUPPRESSION_BARRIER_TIMEOUT_MS }),
        DeliveryModule,
      ],
    };
  }
}
