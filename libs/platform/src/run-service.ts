import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory, type IEntryNestModule } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { ConfigError } from '@reclaim/core';
import { KafkaTransport, RethrowRpcExceptionFilter, silenceKafkajsTimerWarning } from '@reclaim/kafka';

/**
 * Starts a service: JSON logger, shutdown hooks (SIGTERM/SIGINT drain consumers and close
 * connections), the Kafka transport when the service consumes, then HTTP.
 */
export async function runService(
  appModule: IEntryNestModule,
  opts: {
    port: number;
    host?: string;
    nest?: NestApplicationOptions;
    /** Runs before the app listens (e.g. to mount the OpenAPI document). */
    configure?: (app: INestApplication) => void | Promise<void>;
  },
): Promise<INestApplication> {
  const app = await NestFactory.create(appModule, { bufferLogs: true, ...opts.nest });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.useGlobalFilters(new RethrowRpcExceptionFilter(app.getHttpAdapter()));
  const transport = app.get<KafkaTransport, KafkaTransport | null>(KafkaTransport, { strict: false });
  if (transport) {
    app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  await opts.configure?.(app);
  await app.listen(opts.port, opts.host ?? '0.0.0.0');
  return app;
}

/** main.ts wrapper: configuration errors print every bad variable and exit 78 (EX_CONFIG). */
export function main(start: () => Promise<unknown>): void {
  silenceKafkajsTimerWarning();
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
