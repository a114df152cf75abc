import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@reclaim/contracts';
import { DEV_RESUME_LINK_SECRET, PlatformModule } from '@reclaim/platform';
import { SuppressionModule } from '@reclaim/suppression';
import { EMAIL_CONFIG, type EmailConfig } from './config';
import { BouncesModule } from './bounces/bounces.module';
import { ContentModule } from './content/content.module';
import { DeliveryModule } from './delivery/delivery.module';
import { migrations } from './migrations';
import { UnsubscribeModule } from './unsubscribe/unsubscribe.module';

/** Says so loudly when production runs with the development signing secret (never prints the secret). */
@Injectable()
class ConfigWarnings implements OnApplicationBootstrap {
  constructor(@Inject(EMAIL_CONFIG) private readonly config: EmailConfig) {}

  onApplicationBootstrap(): void {
    if (this.config.NODE_ENV === 'production' && this.config.RESUME_LINK_SECRET === DEV_RESUME_LINK_SECRET) {
      new Logger('EmailConfig').warn(
        'RESUME_LINK_SECRET is the development default: anyone can forge resume and unsubscribe links. Set a secret.',
      );
    }
  }
}

@Module({})
class EmailConfigModule {
  static register(config: EmailConfig): DynamicModule {
    return {
      module: EmailConfigModule,
      global: true,
      providers: [{ provide: EMAIL_CONFIG, useValue: config }, ConfigWarnings],
      exports: [EMAIL_CONFIG],
    };
  }
}

@Module({})
export class AppModule {
  static register(config: EmailConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EmailConfigModule.register(config),
        ContentModule.register(config),
        PlatformModule.forRoot({
          service: 'email',
          config,
          database: { migrations },
          // Touches of different carts are independent (one ledger row each, its own SMTP connection):
          // every partition of the touch topic is worked at once, and within a partition several
          // carts side by side, so one slow hand-off does not hold up the others. A send mostly
          // waits (Postgres, the suppression barrier, SMTP); EMAIL_CONCURRENCY bounds it.
          consumer: {
            group: 'email',
            partitionsConsumedConcurrently: Topics.touchesEmail.partitions,
            keysConsumedConcurrently: config.EMAIL_CONCURRENCY,
          },
        }),
        SuppressionModule.forRoot({ group: 'email', barrierTimeoutMs: config.SUPPRESSION_BARRIER_TIMEOUT_MS }),
        DeliveryModule,
        UnsubscribeModule,
        BouncesModule,
      ],
    };
  }
}
