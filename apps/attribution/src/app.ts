import type { INestApplication } from '@nestjs/common';
import { runService } from '@reclaim/platform';
import { AppModule } from './app.module';
import type { AttributionConfig } from './config';
import { mountOpenApi } from './openapi';

/** Starts the attribution service: consumers, the reports API with its OpenAPI document, the dashboard. */
export function startAttribution(
  config: AttributionConfig,
  listen: { port: number; host?: string },
): Promise<INestApplication> {
  return runService(AppModule.register(config), { ...listen, configure: mountOpenApi });
}
