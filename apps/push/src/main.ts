import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main, runService } from '@reclaim/platform';
import { AppModule } from './app.module';
import { PushConfig } from './config';

main(async () => {
  const config = loadConfig(PushConfig);
  await runService(AppModule.register(config), { port: config.PUSH_PORT });
});
