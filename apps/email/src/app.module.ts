import { Module, type DynamicModule } from '@nestjs/common';
import { Topics } from '@reclaim/contracts';
import { PlatformModule } from '@reclaim/platform';
import { SuppressionModule } from '@reclaim/suppression';
import { EMAIL_CONFIG, type EmailConfig } from './config';
import { BouncesModule } from './bounces/bounces.module';
import { ContentModule } from './content/content.module';
import { DeliveryModule } from './delivery/delivery.module';
import { migrations } from './migrations';
import { UnsubscribeModule } from './unsubscribe/unsubscribe.module';

@Module({})
class EmailConfigModule {
  static register(config: EmailConfig): DynamicModule {
    return {
      module: EmailConfigModule,
      global: true,
      providers: [{ provide: EMAIL_CONFIG, useValue: config }],
      exports: [EMAIL_CONFIG],
    };
  }
}

/**
 * Partitions of the touch topic one instance works at once, whatever it holds: a lone instance
 * owns all 24 (Topics.touchesEmail), and 24 × EMAIL_CONCURRENCY hand-offs would mean as many
 * SMTP connections, all queueing for the database pool. The others wait their turn; a deployment
 * that needs more throughput runs more instances (docs/scaling.md).
 */
export const TOUCH_PARTITIONS_AT_ONCE = Math.min(3, Topics.touchesEmail.partitions);

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
          // Touches of different carts are independent (one ledger row each; SMTP connections are pooled):
          // several partitions of the touch topic are worked at once, and within a partition several
          // carts side by side, so one slow hand-off does not hold up the others. A send mostly
          // waits (Postgres, the suppression barrier, SMTP); EMAIL_CONCURRENCY bounds it.
          consumer: {
            group: 'email',
            partitionsConsumedConcurrently: TOUCH_PARTITIONS_AT_ONCE,
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
