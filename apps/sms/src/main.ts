import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main, runService } from '@reclaim/platform';
import { AppModule, SMS_NEST_OPTIONS } from './app.module';
import { SmsConfig } from './config';

main(async () => {
  const config = loadConfig(SmsConfig);
  await runService(AppModule.register(config), { port: config.SMS_PORT, nest: SMS_NEST_OPTIONS });
});
