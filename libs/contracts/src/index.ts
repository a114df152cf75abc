export * from './topics';
export * from './keys';
export * from './cloudevents';
export * from './storefront-event';
export * from './payloads';
export * from './contract';
export * from './incentives';
export * from './resume-link';
