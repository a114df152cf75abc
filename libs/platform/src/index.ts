export * from './base-config';
export * from './platform.module';
export * from './run-service';
