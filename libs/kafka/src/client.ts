/**
 * The kafkajs names the rest of the workspace may use (as DI tokens and types). kafkajs itself is
 * imported only inside libs/kafka (and libs/testing, tools), so a swap of the client library
 * (e.g. to @platformatic/kafka's KafkaJS-compatible entry point) touches one library.
 */
export { Kafka } from 'kafkajs';
export type { Admin, Consumer, Producer } from 'kafkajs';
