import { Topics } from '@reclaim/contracts';
import { runService } from '@reclaim/platform';
import { startServiceUnderTest, type ServiceUnderTest } from '@reclaim/testing';
import { AppModule } from '../src/app.module';
import { SegmentationConfig } from '../src/config';

/**
 * Segmentation as its integration specs run it: RECOVERY_TIME_SCALE=0.001 (checkout idle 15 min =
 * 0.9 s, cart idle 30 min = 1.8 s), a 100 ms sweep, no hold-out, the abandonments topic observed.
 */
export function startSegmentation(
  name: string,
  options: { source: string; env?: Record<string, string>; observe?: string[] },
): Promise<ServiceUnderTest<SegmentationConfig>> {
  return startServiceUnderTest({
    name,
    schema: SegmentationConfig,
    start: (config) => runService(AppModule.register(config), { port: 0, host: '127.0.0.1' }),
    env: {
      RECOVERY_TIME_SCALE: '0.001',
      ABANDON_SWEEP_INTERVAL_MS: '100',
      RECOVERY_HOLDOUT_PERCENT: '0',
      ...options.env,
    },
    observe: [Topics.abandonments.name, ...(options.observe ?? [])],
    source: options.source,
  });
}
