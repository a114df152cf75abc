import { Counter, register } from 'prom-client';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

export const kafkaMetrics = {
  messages: counter('reclaim_kafka_messages_total', 'Records consumed, by outcome (handled, retried, dead_lettered).', [
    'group',
    'topic',
    'outcome',
  ]),
};
