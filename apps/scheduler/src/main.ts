import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main, runService } from '@reclaim/platform';
import { AppModule } from './app.module';
import { SchedulerConfig } from './config';

main(async () => {
  const config = loadConfig(SchedulerConfig);
  await runService(AppModule.register(config), { port: config.SCHEDULER_PORT });
});
