export * from './database';
export * from './domain/storable-text';
export * from './database-errors';
