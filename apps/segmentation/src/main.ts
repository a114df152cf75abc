import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main, runService } from '@reclaim/platform';
import { AppModule } from './app.module';
import { SegmentationConfig } from './config';

main(async () => {
  const config = loadConfig(SegmentationConfig);
  await runService(AppModule.register(config), { port: config.SEGMENTATION_PORT });
});
