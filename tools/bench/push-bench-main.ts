import 'reflect-metadata';
import { loadConfig } from '@reclaim/core';
import { main, runService } from '@reclaim/platform';
import { AppModule } from '../../apps/push/src/app.module';
import { PushConfig } from '../../apps/push/src/config';

/**
 * The push service as apps/push/src/main.ts runs it, plus the one test seam the integration specs
 * use: the local web push server's origin (BENCH_PUSH_TRUSTED_ORIGIN) skips the endpoint guard,
 * which refuses loopback addresses and ports other than 443 (apps/push/src/delivery/push-endpoint-guard.ts).
 * Everything else, encryption and VAPID signing included, is the shipped path.
 */
main(async () => {
  const config = loadConfig(PushConfig);
  const origin = process.env['BENCH_PUSH_TRUSTED_ORIGIN'] ?? '';
  await runService(AppModule.register(config, { trustedOrigins: origin ? [origin] : [] }), {
    port: config.PUSH_PORT,
  });
});
