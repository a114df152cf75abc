import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type NestApplicationOptions,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { redactSecrets } from '@reclaim/core';
import { PlatformModule } from '@reclaim/platform';
import { SuppressionModule } from '@reclaim/suppression';
import { SMS_CONFIG, SMS_SECRET_KEYS, type SmsConfig } from './config';
import { DeliveryModule } from './delivery/delivery.module';
import { WebhooksModule } from './inbound/webhooks.module';
import { migrations } from './migrations';

/** Webhook signatures are checked on the raw body, so Nest keeps it (`req.rawBody`). */
export const SMS_NEST_OPTIONS: NestApplicationOptions = { rawBody: true };

/** Says at start-up whether SMS goes out, and with what (secrets redacted). */
@Injectable()
class ConfigReport implements OnApplicationBootstrap {
  constructor(@Inject(SMS_CONFIG) private readonly config: SmsConfig) {}

  onApplicationBootstrap(): void {
    const logger = new Logger('SmsConfig');
    const c = this.config;
    const configured = c.SMS_ACCOUNT_SID !== '' && c.SMS_AUTH_TOKEN !== '' && c.SMS_STORES.size > 0;
    logger.log({
      msg: configured
        ? 'SMS provider configured'
        : 'SMS provider not configured: touches are skipped channel_not_configured',
      ...redactSecrets(
        {
          SMS_PROVIDER_BASE_URL: c.SMS_PROVIDER_BASE_URL,
          SMS_ACCOUNT_SID: c.SMS_ACCOUNT_SID,
          SMS_AUTH_TOKEN: c.SMS_AUTH_TOKEN,
          RESUME_LINK_SECRET: c.RESUME_LINK_SECRET,
          SMS_PUBLIC_URL: c.SMS_PUBLIC_URL,
          SMS_MAX_SEGMENTS: c.SMS_MAX_SEGMENTS,
          stores: [...c.SMS_STORES.keys()],
        },
        SMS_SECRET_KEYS,
      ),
    });
  }
}

@Module({})
class SmsConfigModule {
  static register(config: SmsConfig): DynamicModule {
    return {
      module: SmsConfigModule,
      global: true,
      providers: [{ provide: SMS_CONFIG, useValue: config }, ConfigReport],
      exports: [SMS_CONFIG],
    };
  }
}

@Module({})
export class AppModule {
  static register(config: SmsConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SmsConfigModule.register(config),
        PlatformModule.forRoot({
          service: 'sms',
          config,
          database: { migrations },
          consumer: {
            group: 'sms',
            // Touches of different carts are independent (one ledger row each); a cart's stay in order.
            keysConsumedConcurrently: config.SMS_CONCURRENCY,
          },
        }),
        SuppressionModule.forRoot({ group: 'sms', barrierTimeoutMs: config.SUPPRESSION_BARRIER_TIMEOUT_MS }),
        DeliveryModule,
        WebhooksModule,
      ],
    };
  }
}
