export * from './errors';
export * from './config';
export * from './time';
export * from './ids';
export * from './sealed-token';
