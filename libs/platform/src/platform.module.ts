import {
  Controller,
  Get,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { LoggerModule } from 'nestjs-pino';
import { register } from 'prom-client';
import { DataSource, type MigrationInterface } from 'typeorm';
import { ConfigError, errorMessage, TimeScale } from '@reclaim/core';
import { ConsumerGroups, deadLetterTopicSpec, type ConsumerGroupId } from '@reclaim/contracts';
import {
  createKafka,
  EventPublisher,
  Kafka,
  KafkaTransport,
  provisionTopics,
  type Admin,
  type KafkaSettings,
} from '@reclaim/kafka';
import { classifyDatabaseError, openDatabase } from '@reclaim/persistence';
import { kafkaSecurity, productionProblems, type BaseConfig, type ServiceName } from './base-config';
import { nestRecordLog } from './feed-consumer';
import { lineScrubber, secretValues, serializeRequest } from './log-redaction';

export interface PlatformOptions {
  service: ServiceName;
  config: BaseConfig;
  database?: { migrations: Array<new () => MigrationInterface> };
  publisher?: {
    transactionalProducers?: number;
    transactionalIdPrefix?: string;
    sendTimeoutMs?: number;
    maxWaiting?: number;
  };
  consumer?: {
    group: ConsumerGroupId;
    partitionsConsumedConcurrently?: number;
    /** Records of different keys handled at once within a partition (RecordConsumerOptions). */
    keysConsumedConcurrently?: number;
  };
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');
export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');
export const KAFKA_ADMIN = Symbol('KAFKA_ADMIN');

/** Paths pino replaces with "[redacted]": secrets and shopper PII never reach the logs. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...['email', 'phone', 'firstName', 'to', 'recipient', 'endpoint', 'fcmToken', 'p256dh', 'auth'].flatMap((k) => [
    k,
    `*.${k}`,
    `*.*.${k}`,
    `*.*.*.${k}`,
  ]),
];

/**
 * A component's state: `up` is liveness; `ready` (default: `up`) is false while it cannot make
 * progress for now, e.g. a consumer waiting for an unavailable dependency (ADR 0003).
 */
export interface HealthProbeResult {
  up: boolean;
  ready?: boolean;
  detail: string;
}

/**
 * Extra consumers a service runs besides its transport (e.g. the suppression view) register a
 * health probe here; /health/live and /health/ready then include them. A probe registered with
 * `{ readinessOnly: true }` (e.g. "this instance is saturated") only takes the instance out of
 * rotation: a restart would not help. Probes run on every health request: no I/O in them.
 */
@Injectable()
export class HealthRegistry {
  private readonly probes = new Map<string, { probe: HealthProbe; readinessOnly: boolean }>();

  register(name: string, probe: HealthProbe, options: { readinessOnly?: boolean } = {}): void {
    this.probes.set(name, { probe, readinessOnly: options.readinessOnly ?? false });
  }

  entries(kind: 'live' | 'ready' = 'ready'): Array<[string, HealthProbe]> {
    return [...this.probes].filter(([, p]) => kind === 'ready' || !p.readinessOnly).map(([name, p]) => [name, p.probe]);
  }
}

export type HealthProbe = () => HealthProbeResult;

@Injectable()
class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformOptions,
    @Inject(DataSource) private readonly dataSource: DataSource | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
    await this.admin.disconnect().catch(() => undefined);
    if (this.options.database && this.dataSource?.isInitialized) await this.dataSource.destroy();
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)),
  ]);

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    @Inject(DataSource) private readonly dataSource: DataSource | null,
    @Inject(KafkaTransport) private readonly transport: KafkaTransport | null,
    private readonly registry: HealthRegistry,
  ) {}

  /**
   * Liveness: answered from the process alone (no dependency checks, no I/O), so a busy instance,
   * an unreachable broker or a consumer waiting for a dependency never gets it restarted — only a
   * consumer that crashed for good.
   */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([() => this.consumerCheck('live'), ...this.registeredChecks('live')]);
  }

  /**
   * Readiness (also at /health): Kafka answers, Postgres answers, the consumers run and none waits
   * for an unavailable dependency, and no readiness probe (e.g. ingestion's saturation) says to
   * keep traffic away.
   */
  @Get()
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.kafkaCheck(),
      () => this.postgresCheck(),
      () => this.consumerCheck('ready'),
      ...this.registeredChecks('ready'),
    ]);
  }

  @Get('ready')
  @HealthCheck()
  readyAlias() {
    return this.ready();
  }

  private async kafkaCheck() {
    const ind = this.indicator.check('kafka');
    try {
      const cluster = await withTimeout(this.admin.describeCluster(), 3_000, 'describeCluster');
      return ind.up({ brokers: cluster.brokers.length });
    } catch (error) {
      return ind.down({ message: errorMessage(error) });
    }
  }

  private async postgresCheck() {
    const ind = this.indicator.check('postgres');
    if (!this.dataSource) return ind.up({ used: false });
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 3_000, 'SELECT 1');
      return ind.up();
    } catch (error) {
      return ind.down({ message: errorMessage(error) });
    }
  }

  private registeredChecks(mode: 'live' | 'ready') {
    return this.registry.entries(mode).map(
      ([name, probe]) =>
        () =>
          this.probeCheck(name, probe(), mode),
    );
  }

  private consumerCheck(mode: 'live' | 'ready') {
    if (!this.transport) return this.indicator.check('consumer').up({ used: false });
    return this.probeCheck('consumer', this.transport.health(), mode);
  }

  private probeCheck(name: string, { up, ready, detail }: HealthProbeResult, mode: 'live' | 'ready') {
    const ind = this.indicator.check(name);
    return (mode === 'live' ? up : up && ready !== false) ? ind.up({ detail }) : ind.down({ detail });
  }
}

/**
 * Everything a Reclaim service shares: JSON logs with PII redaction, /health and /metrics,
 * the Kafka client, topic provisioning, the publisher, the Kafka transport and the service's
 * own Postgres schema with its migrations.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, service } = options;
    // Production never runs with a development secret or key: refuse to start (exit 78), naming it.
    const unsafe = productionProblems(config);
    if (unsafe.length > 0) throw new ConfigError(unsafe);
    const settings: KafkaSettings = {
      brokers: config.KAFKA_BROKERS,
      clientId: `reclaim-${service}`,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      ...kafkaSecurity(config),
    };
    const providers: Provider[] = [
      { provide: PLATFORM_OPTIONS, useValue: options },
      { provide: KAFKA_SETTINGS, useValue: settings },
      { provide: TimeScale, useValue: new TimeScale(config.RECOVERY_TIME_SCALE) },
      {
        provide: Kafka,
        useFactory: async () => {
          const kafka = createKafka(settings);
          await provisionTopics(kafka, settings.topicPrefix);
          return kafka;
        },
      },
      {
        provide: KAFKA_ADMIN,
        inject: [Kafka],
        useFactory: async (kafka: Kafka) => {
          const admin = kafka.admin();
          await admin.connect();
          return admin;
        },
      },
      {
        provide: EventPublisher,
        inject: [Kafka],
        useFactory: async (kafka: Kafka) => {
          const publisher = new EventPublisher(kafka, settings, {
            source: `/reclaim/${service}`,
            transactionalProducers: options.publisher?.transactionalProducers ?? 0,
            ...(options.publisher?.transactionalIdPrefix
              ? { transactionalIdPrefix: options.publisher.transactionalIdPrefix }
              : {}),
            ...(options.publisher?.sendTimeoutMs ? { sendTimeoutMs: options.publisher.sendTimeoutMs } : {}),
            ...(options.publisher?.maxWaiting ? { maxWaiting: options.publisher.maxWaiting } : {}),
          });
          await publisher.connect();
          return publisher;
        },
      },
      {
        provide: DataSource,
        useFactory: async () =>
          options.database
            ? openDatabase({
                url: config.DATABASE_URL,
                schema: service,
                migrations: options.database.migrations,
                connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
                statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
              })
            : null,
      },
      {
        provide: KafkaTransport,
        inject: [Kafka],
        useFactory: (kafka: Kafka) => {
          const consumer = options.consumer;
          if (!consumer) return null;
          const transportLogger = new Logger(KafkaTransport.name);
          return new KafkaTransport(kafka, settings, {
            groupId: ConsumerGroups[consumer.group],
            deadLetterTopic: deadLetterTopicSpec(consumer.group).name,
            partitionsConsumedConcurrently: consumer.partitionsConsumedConcurrently ?? 3,
            keysConsumedConcurrently: consumer.keysConsumedConcurrently ?? 1,
            // A value the database refuses is dead-lettered; an outage is retried (ADR 0003).
            classifyError: classifyDatabaseError,
            log: nestRecordLog(transportLogger),
          });
        },
      },
      PlatformLifecycle,
      HealthRegistry,
    ];
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            base: { service },
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            // Every serialised line: configured secrets, link tokens and contact details in free text
            // (error messages, nested values, stack traces) — REDACT_PATHS only covers known keys.
            hooks: { streamWrite: lineScrubber(secretValues(config)) },
            autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
            // Resume and unsubscribe tokens carry shopper data (signed, not encrypted): keep them out of logs.
            serializers: { req: serializeRequest },
          },
        }),
        PrometheusModule.register({
          path: '/metrics',
          defaultLabels: { service },
          // Process metrics are registered once per process (tests may start two apps in one).
          defaultMetrics: { enabled: register.getSingleMetric('process_cpu_user_seconds_total') === undefined },
        }),
        TerminusModule,
      ],
      controllers: [HealthController],
      providers,
      exports: [
        PLATFORM_OPTIONS,
        KAFKA_SETTINGS,
        KAFKA_ADMIN,
        TimeScale,
        Kafka,
        EventPublisher,
        DataSource,
        KafkaTransport,
        HealthRegistry,
      ],
    };
  }
}
