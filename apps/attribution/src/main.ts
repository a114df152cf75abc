import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main, runService } from '@reclaim/platform';
import { AppModule } from './app.module';
import { AttributionConfig } from './config';

main(async () => {
  const config = loadConfig(AttributionConfig);
  await runService(AppModule.register(config), { port: config.ATTRIBUTION_PORT });
});
