import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main, runService } from '@reclaim/platform';
import { AppModule } from './app.module';
import { EmailConfig } from './config';

main(async () => {
  const config = loadConfig(EmailConfig);
  await runService(AppModule.register(config), { port: config.EMAIL_PORT });
});
