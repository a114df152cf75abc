import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main, runService } from '@reclaim/platform';
import { AppModule } from './app.module';
import { IngestionConfig } from './config';

main(async () => {
  const config = loadConfig(IngestionConfig);
  // The body is read by IngestionGateMiddleware (auth and content type first, 1 MiB limit).
  await runService(AppModule.register(config), { port: config.INGESTION_PORT, nest: { bodyParser: false } });
});
