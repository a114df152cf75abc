export * from './errors';
export * from './config';
export * from './time';
export * from './ids';
