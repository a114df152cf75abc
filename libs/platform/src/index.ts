export * from './base-config';
export * from './platform.module';
export * from './run-service';
export * from './polling-loop';
export * from './feed-consumer';
export * from './log-redaction';
export * from './api-keys';
