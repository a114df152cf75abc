import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main } from '@reclaim/platform';
import { startAttribution } from './app';
import { AttributionConfig } from './config';

main(async () => {
  const config = loadConfig(AttributionConfig);
  await startAttribution(config, { port: config.ATTRIBUTION_PORT });
});
