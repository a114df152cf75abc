import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';

export const SaslMechanisms = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SaslMechanisms)[number];

/** How a client proves who it is and protects the connection (a production cluster wants both). */
export interface KafkaSecurity {
  /** TLS to the brokers: `true` trusts the system roots; PEM strings add a CA and a client certificate (mTLS). */
  ssl?: boolean | { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export interface KafkaSettings extends KafkaSecurity {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic and group name; tests use it to share one broker. */
  topicPrefix: string;
}

const saslOptions = (sasl: NonNullable<KafkaSecurity['sasl']>): SASLOptions => ({ ...sasl });

/** Advisories kafkajs prints on every start that say nothing about this deployment. */
const KNOWN_NOISE = ['KafkaJS v2.0.0 switched default partitioner', 'Limiting retries for the idempotent producer'];

type LogSink = (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: Record<string, unknown>) => void;

const levelName = (level: logLevel): 'error' | 'warn' | 'info' | 'debug' =>
  level === logLevel.ERROR || level === logLevel.NOTHING
    ? 'error'
    : level === logLevel.WARN
      ? 'warn'
      : level === logLevel.INFO
        ? 'info'
        : 'debug';

/** The one place a kafkajs client is built: retries, timeouts and logging are set here. */
export function createKafka(settings: KafkaSettings, sink?: LogSink): Kafka {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(settings.ssl ? { ssl: settings.ssl === true ? true : { ...settings.ssl } } : {}),
    ...(settings.sasl ? { sasl: saslOptions(settings.sasl) } : {}),
    connectionTimeout: 5_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        if (KNOWN_NOISE.some((n) => message.startsWith(n))) return;
        if (sink) sink(levelName(level), `kafkajs: ${message}`, extra);
        else if (level <= logLevel.WARN) process.stderr.write(`kafkajs ${levelName(level)}: ${message}\n`);
      },
  };
  return new Kafka(config);
}

export const topicFor = (settings: Pick<KafkaSettings, 'topicPrefix'>, logicalName: string): string =>
  `${settings.topicPrefix}${logicalName}`;

export const groupFor = (settings: Pick<KafkaSettings, 'topicPrefix'>, groupId: string): string =>
  `${settings.topicPrefix}${groupId}`;

/**
 * kafkajs 2.2.4 schedules timers with negative durations on Node 24 (TimeoutNegativeWarning,
 * kafkajs issue 1751); Node runs them as 1 ms timers. Drop that one warning, keep all others.
 */
export function silenceKafkajsTimerWarning(): void {
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    for (const l of listeners) l(warning);
  });
}
