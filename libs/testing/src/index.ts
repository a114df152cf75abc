export * from './infrastructure';
export * from './test-context';
export * from './smtp-capture';
export * from './service-process';
export * from './service-under-test';
export * from './twilio-capture';
export * from './local-push-services';
export * from './storefront-client';
