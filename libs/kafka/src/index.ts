export * from './client';
export * from './settings';
export * from './records';
export * from './publisher';
export * from './record-consumer';
export * from './kafka-transport';
export * from './topics-admin';
export * from './metrics';
