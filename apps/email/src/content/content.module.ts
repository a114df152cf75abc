import { Module, type DynamicModule } from '@nestjs/common';
import type { EmailConfig } from '../config';
import { EmailContent } from './domain/email-content';
import { loadEmailContent } from './email-content.loader';

/** The stores' wording (EMAIL_CONTENT_FILE or the built-in copy), injectable as `EmailContent`. */
@Module({})
export class ContentModule {
  static register(config: EmailConfig): DynamicModule {
    // At start-up: a bad content file stops the service with every problem named.
    const content = loadEmailContent(config.EMAIL_CONTENT_FILE);
    return {
      module: ContentModule,
      global: true,
      providers: [{ provide: EmailContent, useValue: content }],
      exports: [EmailContent],
    };
  }
}
